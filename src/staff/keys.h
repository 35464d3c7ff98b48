// The staff registry's keys: one random root key, wrapped by the key ring in staff_keys (AD
// system_key_ad("staff-root", version)), created the first time under a lock. Subkeys:
//   "chstseal" 1  seals display names and e-mail addresses (AD: staff id, column, version)
//   "chstbind" 1  blind-index root: BlindIndexKey "staff.email" indexes the normalised e-mail
//                 (login lookup, uniqueness)
// Errors: as the store and the key ring (kNotFound, kIntegrity, kFailedPrecondition).
// Thread safety: StaffKeys is immutable; functions as thread safe as the Store.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/blind_index.h"
#include "crypto/key_ring.h"
#include "crypto/secret_key.h"
#include "store/store.h"

namespace charter::staff {

struct StaffKeys {
  std::uint32_t version = 1;
  crypto::SecretKey seal;
  crypto::BlindIndexKey email_index;
};

// Needs the staff migrations applied.
Result<StaffKeys> load_staff_keys(store::Store& store, const crypto::KeyRing& ring, Random& random,
                                  const Clock& clock);

}  // namespace charter::staff
