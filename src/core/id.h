// Opaque random identifiers: "<prefix>_<26 chars of Crockford base32>" (128 random bits).
// They carry no personal data and reveal nothing about order or count.
//
// Contract: new_id never fails; is_valid_id checks the shape (prefix, separator, alphabet,
// length) without allocating. Thread safety: as the Random passed in.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/random.h"

namespace charter {

std::string new_id(Random& random, std::string_view prefix);
bool is_valid_id(std::string_view id, std::string_view prefix);

// Lower-case hex of bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace charter
