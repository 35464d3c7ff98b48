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
// Cost: two BLAKE2b compressions (key block, value block) for values up to 128 bytes. A
// precomputed keyed state does not save one: BLAKE2b keeps the key block buffered until more
// input arrives (measured; docs/CRYPTO.md).
// Contract: the key object holds the derived field key (a SecretKey, wiped on destruction). Not
// copyable, movable. compute is const and thread safe.
// Errors: kInvalidArgument (empty field name).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

inline constexpr std::size_t kBlindIndexBytes = 16;
using BlindIndex = std::array<std::uint8_t, kBlindIndexBytes>;

class BlindIndexKey {
 public:
  static Result<BlindIndexKey> derive(const SecretKey& root, std::string_view field);

  const std::string& field() const { return field_; }
  BlindIndex compute(std::string_view normalized_value) const;

 private:
  BlindIndexKey(SecretKey key, std::string field)
      : key_(std::move(key)), field_(std::move(field)) {}
  SecretKey key_;
  std::string field_;
};

}  // namespace charter::crypto
