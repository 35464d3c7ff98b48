// Hex and base64 text codecs used by the audit's JSON and key formats.
//
// Contract: pure functions, thread safe. decode_* return false (never throw) on any character
// outside the alphabet or a length that does not match.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace charter::audit {

// Decodes exactly out.size() bytes from 2*out.size() hex digits (either case).
bool decode_hex(std::string_view hex, std::span<std::uint8_t> out);
// Decodes any even-length hex string.
bool decode_hex(std::string_view hex, crypto::Bytes& out);

// Standard base64 (RFC 4648 section 4) with padding.
std::string encode_base64(crypto::ByteView bytes);
bool decode_base64(std::string_view text, crypto::Bytes& out);

}  // namespace charter::audit
