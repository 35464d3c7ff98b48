// MasterKey: the versioned key that wraps data keys (crypto/wrap.h). Never seals values itself.
//
// A master key has a version (>= 1, chosen by the caller and recorded in every key it wraps) and
// an id: 16 hex characters derived from the key (crypto_kdf, context "chkeyid_"), safe to show
// and store, used to check that the key loaded for a version is the one that was used before.
// The 32 key bytes live in sodium_malloc'd memory (guard pages, mlock'd where the system allows,
// read-only after creation) and are wiped when the key is destroyed.
// Sources: crypto/key_source.h (file, environment), from_passphrase (Argon2id), generate.
// Contract: not copyable, movable (a moved-from key is empty: version() 0, must not be used).
// Errors: kInvalidArgument (version 0, wrong size). Thread safety: const methods concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "crypto/argon2.h"
#include "crypto/bytes.h"

namespace charter::crypto {

class MasterKey {
 public:
  static Result<MasterKey> generate(std::uint32_t version, Random& random);
  static Result<MasterKey> from_bytes(std::uint32_t version, ByteView key32);
  // Argon2id of the passphrase with params (salt and limits: stored in clear beside the key's
  // version). Errors as stretch_passphrase, and kInvalidArgument for version 0.
  static Result<MasterKey> from_passphrase(std::uint32_t version, std::string_view passphrase,
                                           const PassphraseParams& params);

  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;
  MasterKey(MasterKey&& other) noexcept;
  MasterKey& operator=(MasterKey&& other) noexcept;
  ~MasterKey();

  std::uint32_t version() const { return version_; }
  const std::string& id() const { return id_; }
  bool empty() const { return key_ == nullptr; }
  // The raw key, for src/crypto only (wrap.cc, key_source.cc). Empty view if empty().
  ByteView key_bytes() const;

 private:
  MasterKey() = default;
  void reset();
  std::uint8_t* key_ = nullptr;  // sodium_malloc'd, 32 bytes, read-only
  std::uint32_t version_ = 0;
  std::string id_;
};

}  // namespace charter::crypto
