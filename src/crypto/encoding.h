// Text encodings of byte strings for keys, tokens and pseudonyms (lower-case hex encoding is
// charter::to_hex in core/id.h).
//
// Contract: pure functions, thread safe. Decoders are strict (no whitespace, no padding where
// none is produced) and report kInvalidArgument with a message that never echoes the input, so
// they are safe on secrets. Decoding into a fixed buffer (decode_hex_exact) leaves no heap copy.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/bytes.h"

namespace charter::crypto {

// Hex (either case) of any even length.
Result<Bytes> from_hex(std::string_view hex);
// Decodes exactly out.size() bytes from 2*out.size() hex characters; false otherwise (out is
// then zeroed).
bool decode_hex_exact(std::string_view hex, std::span<std::uint8_t> out);

// RFC 4648 section 5 (URL and file name safe alphabet), without padding.
std::string to_base64url(ByteView bytes);
Result<Bytes> from_base64url(std::string_view text);

// RFC 4648 section 4 (standard alphabet, "+/"), with padding. The decoder also accepts the text
// without padding (both forms are in use, e.g. Data Rights Protocol keys and bodies).
std::string to_base64(ByteView bytes);
Result<Bytes> from_base64(std::string_view text);

// Crockford base32, lower case, no padding (the alphabet of core/id.h): 5 bits per character.
std::string to_base32(ByteView bytes);

}  // namespace charter::crypto
