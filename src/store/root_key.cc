#include "store/root_key.h"

#include <string>

#include "crypto/ad.h"
#include "store/dialect.h"

namespace charter::store {
namespace {

constexpr std::uint32_t kVersion = 1;

Result<Bytes> read_wrapped(Transaction& tx, const std::string& table, std::string_view name) {
  CHARTER_TRY(auto row,
              tx.query_one("SELECT wrapped FROM " + table + " WHERE name = ? AND version = ?",
                           {name, kVersion}));
  if (!row) return Bytes();
  CHARTER_TRY(auto blob, (*row)[0].as_blob(0));
  return Bytes(blob.begin(), blob.end());
}

}  // namespace

Result<crypto::SecretKey> load_root_key(Store& store, std::string_view table_name,
                                        std::string_view name, const crypto::KeyRing& ring,
                                        Random& random, const Clock& clock) {
  if (!is_identifier(table_name))
    return make_error(Errc::kInvalidArgument, "key table name is not an identifier");
  const std::string table(table_name);
  const auto ad = crypto::system_key_ad(name, kVersion);
  {
    CHARTER_TRY(auto tx, store.read());
    CHARTER_TRY(auto wrapped, read_wrapped(tx, table, name));
    if (!wrapped.empty()) return ring.unwrap(wrapped, ad);
  }
  CHARTER_TRY(auto tx, store.write());
  CHARTER_TRY_STATUS(tx.lock("charter." + table));
  CHARTER_TRY(auto wrapped, read_wrapped(tx, table, name));
  if (!wrapped.empty()) {  // another server created it meanwhile
    tx.rollback();
    return ring.unwrap(wrapped, ad);
  }
  auto root = crypto::SecretKey::generate(random);
  CHARTER_TRY(auto w, ring.wrap(root, ad, random));
  CHARTER_TRY(auto n, tx.exec("INSERT INTO " + table +
                                  " (name, version, wrapped, created_at) VALUES (?, ?, ?, ?)",
                              {name, kVersion, w, to_unix_micros(clock.now())}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return root;
}

}  // namespace charter::store
