// A component's random root key, wrapped by the key ring (master key, docs/CRYPTO.md) in a
// `<table> (name, version, wrapped, created_at)` keys table, with AD system_key_ad(name, 1).
// load_root_key() creates it the first time (under a lock, so servers starting together agree
// on one) and unwraps it afterwards. Used by the staff registry ("staff-root"), the request
// queue ("rights-root"), the outbox ("notify-root"), the archive store ("archive-root") and the
// directives ("directives-root"); subkeys are derived with crypto::derive_subkey.
//
// Errors: the store's, the ring's (kNotFound: wrapping version not loaded; kIntegrity: wrong
// key or altered row), kInvalidArgument (table not an identifier).
// Thread safety: as the Store.
#pragma once

#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/key_ring.h"
#include "crypto/secret_key.h"
#include "store/store.h"

namespace charter::store {

Result<crypto::SecretKey> load_root_key(Store& store, std::string_view table, std::string_view name,
                                        const crypto::KeyRing& ring, Random& random,
                                        const Clock& clock);

}  // namespace charter::store
