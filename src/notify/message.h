// The forms of an outbox message as delivered: an e-mail as RFC 5322 text, a webhook as a JSON
// body with its HMAC-SHA256 signature header.
//
// E-mail: CRLF line ends; From, To, Subject (RFC 2047 "=?UTF-8?B?...?=" when not ASCII), Date
// (RFC 5322 date in UTC), Message-ID "<id@domain>" (stable per outbox message, so a redelivery
// is recognisably the same message), MIME-Version, Content-Type text/plain; charset=UTF-8,
// Content-Transfer-Encoding base64 (any UTF-8 body, no line-length limit), Content-Language,
// X-Charter-Kind, X-Charter-Reference.
// Webhook signature: header `Charter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, the MAC
// computed over "<t>.<body>" with the endpoint's secret (docs/NOTIFY.md says how to verify).
// Contract: pure functions. check_address / check_header_text refuse what could inject headers.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "crypto/secret_key.h"
#include "notify/outbox.h"

namespace charter::notify {

// A plausible single address: local@domain, no space, control character, <, >, quote, comma.
// Errors: kInvalidArgument naming `field` (never echoing the value).
Status check_address(std::string_view address, std::string_view field);
// No CR, LF or other control character. Errors: kInvalidArgument naming `field`.
Status check_header_text(std::string_view text, std::string_view field);

struct EmailEnvelope {
  std::string message_id;  // outbox id ("msg_..."), the left part of Message-ID
  std::string from;
  std::string domain;  // right part of Message-ID
  Timestamp date;
};
std::string format_email(const Email& email, const EmailEnvelope& envelope);

// "t=<seconds>,v1=<hex>".
std::string webhook_signature(const crypto::SecretKey& secret, Timestamp at, std::string_view body);
// True when `header` is a valid signature of `body` by `secret` no older than `tolerance` at
// `now` (for receivers and tests).
bool verify_webhook_signature(const crypto::SecretKey& secret, std::string_view header,
                              std::string_view body, Timestamp now, Micros tolerance);

}  // namespace charter::notify
