// Identity check of data-subject requests by a one-time code sent to the request's address
// (docs/RIGHTS.md "Identity check"): 8 random digits, stored only as an HMAC (module key, bound
// to the request id), expiring (default 30 minutes), at most 5 attempts; a new code replaces the
// previous one. Intakes and code sends are rate-limited per address and per client (fixed
// one-hour windows, counters keyed by HMACs: no address or IP in clear). Unknown and known
// addresses are treated alike: nothing here looks at the vault.
//
// Errors: kRateLimited (a limit reached: the message says which kind, never the value),
// kPermissionDenied ("code: wrong code" — attempts counted), kFailedPrecondition (no code
// pending, code expired, attempts exhausted: ask for a new code), the store's.
// Thread safety: thread safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"
#include "rights/queue.h"

namespace charter::rights {

struct VerificationOptions {
  std::chrono::minutes code_ttl{30};
  int max_attempts = 5;
  int per_address_per_hour = 5;  // intakes and new codes for one address
  int per_client_per_hour = 20;  // intakes and new codes from one client (IP or principal)
};

class Verifier {
 public:
  Verifier(RequestQueue& queue, VerificationOptions options = {})
      : queue_(queue), options_(options) {}

  // Counts one intake (or code send) for the address and the client; kRateLimited once either
  // is over its limit in the current hour. `client` may be empty (not counted).
  Status admit(std::string_view normalized_email, std::string_view client);
  // A new code for the request, returned in clear to be sent (never stored in clear).
  Result<std::string> issue(std::string_view request_id);
  // Ok when `code` is the pending code (then consumed).
  Status check(std::string_view request_id, std::string_view code);

  const VerificationOptions& options() const { return options_; }

 private:
  Status count(std::string_view bucket_kind, std::string_view value, int limit);
  std::string mac_hex(std::string_view message) const;

  RequestQueue& queue_;
  VerificationOptions options_;
};

}  // namespace charter::rights
