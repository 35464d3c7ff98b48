#include "staff/keys.h"

#include "crypto/kdf.h"
#include "store/root_key.h"

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

}  // namespace

Result<StaffKeys> load_staff_keys(store::Store& store, const crypto::KeyRing& ring, Random& random,
                                  const Clock& clock) {
  CHARTER_TRY(auto root, store::load_root_key(store, "staff_keys", kRootName, ring, random, clock));
  return derive(root);
}

}  // namespace charter::staff
