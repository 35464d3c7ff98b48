// Standard base64 (RFC 4648 section 4, with padding) for the PEM form of the audit public key.
// (Hex is crypto/encoding.h and core/id.h; crypto has only the URL-safe base64 alphabet.)
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

std::string encode_base64(crypto::ByteView bytes);
bool decode_base64(std::string_view text, crypto::Bytes& out);

}  // namespace charter::audit
