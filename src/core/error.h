// Error codes and their one mapping to HTTP status, CLI exit code and problem type.
//
// Contract: every expected failure in Charter is an Error{code, message}. The code decides
// how the failure surfaces (HTTP status, CLI exit code, RFC 9457 `type` slug) through the
// single table in error.cc; nothing else maps codes. Messages must never contain personal data.
// Thread safety: all functions are pure.
#pragma once

#include <string>
#include <string_view>

namespace charter {

enum class Errc {
  kInvalidArgument,     // bad input: a field, its value, what is allowed
  kInvalidPolicy,       // the policy file is invalid
  kNotFound,            // the named thing does not exist (or may not be revealed)
  kAlreadyExists,       // a unique thing exists already
  kConflict,            // state conflict (e.g. a request with the same idempotency key running)
  kFailedPrecondition,  // operation not allowed in the current state
  kUnauthenticated,     // no or bad credential
  kPermissionDenied,    // credential valid, but not allowed
  kPayloadTooLarge,     // a size limit was exceeded
  kRateLimited,         // too many requests
  kTimeout,             // a deadline passed
  kUnavailable,         // a dependency (storage, network) is down; retrying may help
  kIntegrity,           // tampered or corrupt data (audit, ciphertext, signature)
  kUnsupported,         // a feature/version not supported (e.g. newer schema)
  kUnprocessable,       // well-formed, but not processable as sent (idempotency key, other body)
  kMethodNotAllowed,    // HTTP: the resource exists, not with this method
  kUriTooLong,          // HTTP: request line longer than the limit
  kHeadersTooLarge,     // HTTP: request header fields larger than the limit
  kBadMediaType,        // HTTP: a body in a media type the resource does not accept
  kInternal,            // a bug or an unexpected failure
};

struct ErrorInfo {
  Errc code;
  std::string_view slug;  // stable, used in problem+json `type` URIs and logs
  int http_status;
  int exit_code;  // CLI: 1 failure, 2 bad usage or invalid input
};

// The one table. Total over Errc.
const ErrorInfo& error_info(Errc code);

// Stable slug, e.g. "invalid-argument".
std::string_view error_slug(Errc code);
int http_status(Errc code);
int exit_code(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  std::string message;

  // "invalid-argument: <message>"
  std::string to_string() const;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace charter
