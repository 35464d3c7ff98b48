#include "core/error.h"

#include <array>
#include <cstddef>

namespace charter {
namespace {

constexpr std::array kTable = {
    ErrorInfo{Errc::kInvalidArgument, "invalid-argument", 400, 2},
    ErrorInfo{Errc::kInvalidPolicy, "invalid-policy", 422, 2},
    ErrorInfo{Errc::kNotFound, "not-found", 404, 1},
    ErrorInfo{Errc::kAlreadyExists, "already-exists", 409, 1},
    ErrorInfo{Errc::kConflict, "conflict", 409, 1},
    ErrorInfo{Errc::kFailedPrecondition, "failed-precondition", 409, 1},
    ErrorInfo{Errc::kUnauthenticated, "unauthenticated", 401, 1},
    ErrorInfo{Errc::kPermissionDenied, "permission-denied", 403, 1},
    ErrorInfo{Errc::kPayloadTooLarge, "payload-too-large", 413, 2},
    ErrorInfo{Errc::kRateLimited, "rate-limited", 429, 1},
    ErrorInfo{Errc::kTimeout, "timeout", 408, 1},
    ErrorInfo{Errc::kUnavailable, "unavailable", 503, 1},
    ErrorInfo{Errc::kIntegrity, "integrity", 500, 1},
    ErrorInfo{Errc::kUnsupported, "unsupported", 501, 1},
    ErrorInfo{Errc::kUnprocessable, "unprocessable", 422, 2},
    ErrorInfo{Errc::kMethodNotAllowed, "method-not-allowed", 405, 2},
    ErrorInfo{Errc::kUriTooLong, "uri-too-long", 414, 2},
    ErrorInfo{Errc::kHeadersTooLarge, "headers-too-large", 431, 2},
    ErrorInfo{Errc::kBadMediaType, "unsupported-media-type", 415, 2},
    ErrorInfo{Errc::kInternal, "internal", 500, 1},
};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].code) != i) return false;
  }
  return kTable.size() == static_cast<std::size_t>(Errc::kInternal) + 1;
}
static_assert(table_in_enum_order(), "error table must list every Errc in enum order");

}  // namespace

const ErrorInfo& error_info(Errc code) { return kTable[static_cast<std::size_t>(code)]; }
std::string_view error_slug(Errc code) { return error_info(code).slug; }
int http_status(Errc code) { return error_info(code).http_status; }
int exit_code(Errc code) { return error_info(code).exit_code; }

std::string Error::to_string() const {
  std::string out(error_slug(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace charter
