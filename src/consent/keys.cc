#include "consent/keys.h"

#include "crypto/ad.h"
#include "crypto/kdf.h"

namespace charter::consent {
namespace {

constexpr std::string_view kRootName = "consent-root";
constexpr std::uint32_t kRootVersion = 1;

Result<ConsentKeys> derive(const crypto::SecretKey& root, std::uint32_t version) {
  CHARTER_TRY(auto evidence, crypto::derive_subkey(root, "chcsevid", 1));
  CHARTER_TRY(auto token_mac, crypto::derive_subkey(root, "chcstokn", 1));
  CHARTER_TRY(auto token_seal, crypto::derive_subkey(root, "chcsunsb", 1));
  return ConsentKeys{version, std::move(evidence), std::move(token_mac), std::move(token_seal)};
}

// The wrapped root, or empty when none is stored yet (a wrapped key is never empty).
Result<store::Bytes> read_wrapped(store::Transaction& tx) {
  CHARTER_TRY(auto row, tx.query_one("SELECT wrapped FROM consent_keys WHERE name = ? AND "
                                     "version = ?",
                                     {kRootName, kRootVersion}));
  if (!row) return store::Bytes();
  CHARTER_TRY(auto blob, (*row)[0].as_blob(0));
  return store::Bytes(blob.begin(), blob.end());
}

}  // namespace

Result<ConsentKeys> load_consent_keys(store::Store& store, const crypto::KeyRing& ring,
                                      Random& random, const Clock& clock) {
  const auto ad = crypto::system_key_ad(kRootName, kRootVersion);
  {
    CHARTER_TRY(auto tx, store.read());
    CHARTER_TRY(auto wrapped, read_wrapped(tx));
    if (!wrapped.empty()) {
      CHARTER_TRY(auto root, ring.unwrap(wrapped, ad));
      return derive(root, kRootVersion);
    }
  }
  CHARTER_TRY(auto tx, store.write());
  CHARTER_TRY_STATUS(tx.lock("charter.consent.keys"));
  CHARTER_TRY(auto wrapped, read_wrapped(tx));
  if (!wrapped.empty()) {  // another server created it meanwhile
    tx.rollback();
    CHARTER_TRY(auto root, ring.unwrap(wrapped, ad));
    return derive(root, kRootVersion);
  }
  auto root = crypto::SecretKey::generate(random);
  CHARTER_TRY(auto w, ring.wrap(root, ad, random));
  CHARTER_TRY(auto n, tx.exec("INSERT INTO consent_keys (name, version, wrapped, created_at) "
                              "VALUES (?, ?, ?, ?)",
                              {kRootName, kRootVersion, w, to_unix_micros(clock.now())}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return derive(root, kRootVersion);
}

Result<bool> rewrap_consent_keys(store::Store& store, const crypto::KeyRing& ring, Random& random) {
  const auto ad = crypto::system_key_ad(kRootName, kRootVersion);
  CHARTER_TRY(auto tx, store.write());
  CHARTER_TRY_STATUS(tx.lock("charter.consent.keys"));
  CHARTER_TRY(auto wrapped, read_wrapped(tx));
  if (wrapped.empty() || !ring.needs_rewrap(wrapped)) return false;
  CHARTER_TRY(auto w, ring.rewrap_to_current(wrapped, ad, random));
  CHARTER_TRY(auto n, tx.exec("UPDATE consent_keys SET wrapped = ? WHERE name = ? AND version = ?",
                              {w, kRootName, kRootVersion}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return true;
}

}  // namespace charter::consent
