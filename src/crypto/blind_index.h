// Blind indexes: a keyed hash of an already-normalised value (e-mail, phone), so a subject can
// be found by that value while nothing searchable is stored in clear.
//
// BlindIndexKey::derive(root, field) derives the field's key from the blind-index root key
// (crypto_kdf, context "chblind_", subkey id = first 8 bytes, little-endian, of unkeyed
// BLAKE2b-128 of the field name), so equal values in different fields give unrelated indexes.
// compute(value) = BLAKE2b with the field key and a 16-byte output (crypto_generichash, output
// length 16 in the parameter block). 16 bytes: for 10M subjects the chance that any two distinct
// values of one field share an index is about n^2/2^129 < 2e-25 (docs/CRYPTO.md), so a lookup
// needs no collision handling. Normalisation (lower-cased trimmed e-mail, E.164 phone) is the
// vault's job: the same person written two ways gives two indexes.
// Contract: the key object holds the keyed BLAKE2b state after the key block (so compute hashes
// only the value), wiped on destruction. Not copyable, movable. compute is const and thread safe.
// Errors: kInvalidArgument (empty field name).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

inline constexpr std::size_t kBlindIndexBytes = 16;
using BlindIndex = std::array<std::uint8_t, kBlindIndexBytes>;

class BlindIndexKey {
 public:
  static Result<BlindIndexKey> derive(const SecretKey& root, std::string_view field);

  BlindIndexKey(const BlindIndexKey&) = delete;
  BlindIndexKey& operator=(const BlindIndexKey&) = delete;
  BlindIndexKey(BlindIndexKey&& other) noexcept;
  BlindIndexKey& operator=(BlindIndexKey&& other) noexcept;
  ~BlindIndexKey();

  const std::string& field() const { return field_; }
  BlindIndex compute(std::string_view normalized_value) const;

 private:
  BlindIndexKey() = default;
  std::string field_;
  alignas(64) unsigned char state_[384];  // crypto_generichash_state after the key block
};

}  // namespace charter::crypto
