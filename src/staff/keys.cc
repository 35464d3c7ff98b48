#include "staff/keys.h"

#include "crypto/ad.h"
#include "crypto/kdf.h"

namespace charter::staff {
namespace {

constexpr std::string_view kRootName = "staff-root";
constexpr std::uint32_t kRootVersion = 1;

Result<StaffKeys> derive(const crypto::SecretKey& root) {
  CHARTER_TRY(auto seal, crypto::derive_subkey(root, "chstseal", 1));
  CHARTER_TRY(auto blind_root, crypto::derive_subkey(root, "chstbind", 1));
  CHARTER_TRY(auto email, crypto::BlindIndexKey::derive(blind_root, "staff.email"));
  return StaffKeys{kRootVersion, std::move(seal), std::move(email)};
}

// The wrapped root, or empty when none is stored yet (a wrapped key is never empty).
Result<store::Bytes> read_wrapped(store::Transaction& tx) {
  CHARTER_TRY(auto row, tx.query_one("SELECT wrapped FROM staff_keys WHERE name = ? AND "
                                     "version = ?",
                                     {kRootName, kRootVersion}));
  if (!row) return store::Bytes();
  CHARTER_TRY(auto blob, (*row)[0].as_blob(0));
  return store::Bytes(blob.begin(), blob.end());
}

}  // namespace

Result<StaffKeys> load_staff_keys(store::Store& store, const crypto::KeyRing& ring, Random& random,
                                  const Clock& clock) {
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
  CHARTER_TRY_STATUS(tx.lock("charter.staff.keys"));
  CHARTER_TRY(auto wrapped, read_wrapped(tx));
  if (!wrapped.empty()) {
    tx.rollback();
    CHARTER_TRY(auto root, ring.unwrap(wrapped, ad));
    return derive(root);
  }
  auto root = crypto::SecretKey::generate(random);
  CHARTER_TRY(auto w, ring.wrap(root, ad, random));
  CHARTER_TRY(auto n, tx.exec("INSERT INTO staff_keys (name, version, wrapped, created_at) "
                              "VALUES (?, ?, ?, ?)",
                              {kRootName, kRootVersion, w, to_unix_micros(clock.now())}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return derive(root);
}

}  // namespace charter::staff
