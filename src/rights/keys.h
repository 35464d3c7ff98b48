// The rights module's keys: one random root key, wrapped by the key ring in rights_keys with AD
// system_key_ad("rights-root", 1) (as the consent ledger does, consent/keys.h). Subkeys:
//   "chrtseal" 1  seals e-mails, free text, parameters, proofs, answers and notes
//   "chrtmac_" 1  MACs: one-time codes, session secrets, rate-limit buckets, maildir keys
//   "chrtbidx" 1  blind index root of the requester's e-mail
// Errors: the store's, the ring's (kNotFound, kIntegrity). Thread safety: RightsKeys immutable.
#pragma once

#include <memory>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/blind_index.h"
#include "crypto/key_ring.h"
#include "crypto/secret_key.h"
#include "store/store.h"

namespace charter::rights {

struct RightsKeys {
  crypto::SecretKey seal;
  crypto::SecretKey mac;
  std::unique_ptr<crypto::BlindIndexKey> email_index;
};

// Needs the rights migrations applied. Creates the root the first time.
Result<RightsKeys> load_rights_keys(store::Store& store, const crypto::KeyRing& ring,
                                    Random& random, const Clock& clock);

}  // namespace charter::rights
