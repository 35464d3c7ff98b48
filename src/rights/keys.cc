#include "rights/keys.h"

#include "crypto/kdf.h"
#include "store/root_key.h"

namespace charter::rights {
namespace {

constexpr std::string_view kRootName = "rights-root";

Result<RightsKeys> derive(const crypto::SecretKey& root) {
  CHARTER_TRY(auto seal, crypto::derive_subkey(root, "chrtseal", 1));
  CHARTER_TRY(auto mac, crypto::derive_subkey(root, "chrtmac_", 1));
  CHARTER_TRY(auto bidx, crypto::derive_subkey(root, "chrtbidx", 1));
  CHARTER_TRY(auto email, crypto::BlindIndexKey::derive(bidx, "dsr_email"));
  return RightsKeys{std::move(seal), std::move(mac),
                    std::make_unique<crypto::BlindIndexKey>(std::move(email))};
}

}  // namespace

Result<RightsKeys> load_rights_keys(store::Store& store, const crypto::KeyRing& ring,
                                    Random& random, const Clock& clock) {
  CHARTER_TRY(auto root,
              store::load_root_key(store, "rights_keys", kRootName, ring, random, clock));
  return derive(root);
}

}  // namespace charter::rights
