// KeyRing: the key-encryption keys (master or epoch keys, docs/CRYPTO.md) loaded at one time, by
// version. Reads pick the key by the version recorded in each wrapped key; new keys are wrapped
// under the current (highest) version.
//
// Rotation (docs/CRYPTO.md): add the new version, which becomes current; rewrap_to_current()
// every wrapped key for which needs_rewrap() is true; when none is left, remove() the old
// version (its MasterKey is destroyed and its memory wiped). Reads keep working throughout.
// Contract: owns its MasterKeys. Not synchronised: const methods may run concurrently, but
// add/remove need exclusive access; a server swaps whole rings (shared_ptr<const KeyRing>).
// Errors: kInvalidArgument (empty key), kAlreadyExists (version or key id loaded twice), kNotFound
// (a wrapped key's master version is not in the ring, e.g. destroyed), kFailedPrecondition (empty
// ring), and those of crypto/wrap.h.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/random.h"
#include "core/result.h"
#include "crypto/master_key.h"
#include "crypto/wrap.h"

namespace charter::crypto {

class KeyRing {
 public:
  Status add(MasterKey key);
  // Destroys the master key of that version. kNotFound if absent.
  Status remove(std::uint32_t version);

  bool empty() const { return keys_.empty(); }
  // The highest version, or nullptr if the ring is empty.
  const MasterKey* current() const;
  const MasterKey* find(std::uint32_t version) const;
  std::vector<std::uint32_t> versions() const;

  Result<WrappedKey> wrap(const SecretKey& key, ByteView ad, Random& random) const;
  Result<SecretKey> unwrap(ByteView wrapped, ByteView ad) const;
  // True when `wrapped` is not under the current version (false if malformed or ring empty).
  bool needs_rewrap(ByteView wrapped) const;
  Result<WrappedKey> rewrap_to_current(ByteView wrapped, ByteView ad, Random& random) const;

 private:
  Result<const MasterKey*> master_for(ByteView wrapped) const;
  Result<const MasterKey*> current_or_error() const;
  std::map<std::uint32_t, MasterKey> keys_;
};

}  // namespace charter::crypto
