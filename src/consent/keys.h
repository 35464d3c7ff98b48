// The consent ledger's keys: one random root key per ledger, wrapped by the key ring (epoch or
// master keys, docs/CRYPTO.md) in the table consent_keys, with AD
// system_key_ad("consent-root", version). Subkeys (crypto_kdf of the root):
//   "chcsevid" 1  seals evidence (IP address, user agent), objection grounds, restriction notes
//   "chcstokn" 1  MACs one-click unsubscribe tokens (crypto/token.h)
//   "chcsunsb" 1  seals the subject and purpose inside an unsubscribe token
// load_consent_keys() creates the root the first time (under a lock, so servers starting
// together agree on one) and unwraps it afterwards. The root is rewrapped, never replaced, when
// the ring rotates (rewrap_consent_keys).
// Errors: as the store (kUnavailable...), the key ring (kNotFound: the wrapping key version is
// not loaded; kIntegrity: wrong key or altered row), kFailedPrecondition (empty ring).
// Thread safety: ConsentKeys is immutable; the functions are thread safe as the Store.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/key_ring.h"
#include "crypto/secret_key.h"
#include "store/store.h"

namespace charter::consent {

struct ConsentKeys {
  std::uint32_t version = 1;  // root key version, recorded in each sealed row as key_version
  crypto::SecretKey evidence;
  crypto::SecretKey token_mac;
  crypto::SecretKey token_seal;
};

// Needs the consent migrations applied (migrate_consent).
Result<ConsentKeys> load_consent_keys(store::Store& store, const crypto::KeyRing& ring,
                                      Random& random, const Clock& clock);

// Rewraps the stored root under the ring's current version if needed; returns true if it did.
Result<bool> rewrap_consent_keys(store::Store& store, const crypto::KeyRing& ring, Random& random);

}  // namespace charter::consent
