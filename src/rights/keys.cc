#include "rights/keys.h"

#include "crypto/ad.h"
#include "crypto/kdf.h"

namespace charter::rights {
namespace {

constexpr std::string_view kRootName = "rights-root";
constexpr std::uint32_t kRootVersion = 1;

Result<RightsKeys> derive(const crypto::SecretKey& root) {
  CHARTER_TRY(auto seal, crypto::derive_subkey(root, "chrtseal", 1));
  CHARTER_TRY(auto mac, crypto::derive_subkey(root, "chrtmac_", 1));
  CHARTER_TRY(auto bidx, crypto::derive_subkey(root, "chrtbidx", 1));
  CHARTER_TRY(auto email, crypto::BlindIndexKey::derive(bidx, "dsr_email"));
  return RightsKeys{std::move(seal), std::move(mac),
                    std::make_unique<crypto::BlindIndexKey>(std::move(email))};
}

Result<store::Bytes> read_wrapped(store::Transaction& tx) {
  CHARTER_TRY(auto row, tx.query_one("SELECT wrapped FROM rights_keys WHERE name = ? AND "
                                     "version = ?",
                                     {kRootName, kRootVersion}));
  if (!row) return store::Bytes();
  CHARTER_TRY(auto blob, (*row)[0].as_blob(0));
  return store::Bytes(blob.begin(), blob.end());
}

}  // namespace

Result<RightsKeys> load_rights_keys(store::Store& store, const crypto::KeyRing& ring,
                                    Random& random, const Clock& clock) {
  const auto ad = crypto::system_key_ad(kRootName, kRootVersion);
  {
    CHARTER_TRY(auto tx, store.read());
    CHARTER_TRY(auto wrapped, read_wrapped(tx));
    if (!wrapped.empty()) {
      CHARTER_TRY(auto root, ring.unwrap(wrapped, ad));
      return derive(root);
    }
  }
  CHARTER_TRY(auto tx, store.write());
  CHARTER_TRY_STATUS(tx.lock("charter.rights.keys"));
  CHARTER_TRY(auto wrapped, read_wrapped(tx));
  if (!wrapped.empty()) {
    tx.rollback();
    CHARTER_TRY(auto root, ring.unwrap(wrapped, ad));
    return derive(root);
  }
  auto root = crypto::SecretKey::generate(random);
  CHARTER_TRY(auto w, ring.wrap(root, ad, random));
  CHARTER_TRY(auto n, tx.exec("INSERT INTO rights_keys (name, version, wrapped, created_at) "
                              "VALUES (?, ?, ?, ?)",
                              {kRootName, kRootVersion, w, to_unix_micros(clock.now())}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return derive(root);
}

}  // namespace charter::rights
