// Signed, expiring tokens for links (one-click unsubscribe, e-mail verification).
//
// Token text (URL safe): base64url(payload) "." expiry (Unix seconds, decimal) "." base64url(tag)
// where tag = HMAC-SHA-256(key, canonical_ad("charter/token/v1", purpose, payload, expiry)).
// `purpose` ("unsubscribe", "verify-email", ...) is bound but not in the text, so a token made
// for one use is refused for another. The payload is readable by whoever holds the link: put
// opaque ids in it, never personal data. The key is the token key (crypto/kdf.h "chtoken_").
// check_token verifies the tag (constant time) before it looks at the expiry.
// Errors (check_token): kUnauthenticated "invalid token" (malformed, altered, other key or
// purpose) or "token expired" (now >= expiry). Messages never echo the token.
// Thread safety: pure.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

std::string make_token(const SecretKey& key, std::string_view purpose, std::string_view payload,
                       Timestamp expires);
Result<std::string> check_token(const SecretKey& key, std::string_view purpose,
                                std::string_view token, Timestamp now);

}  // namespace charter::crypto
