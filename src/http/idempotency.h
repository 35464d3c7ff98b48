// Idempotency keys on writes (IETF draft "The Idempotency-Key HTTP Header Field"): the first
// response to (scope, key) is kept and replayed to a retry with the same request; the same key
// with a different request is refused.
//
// Contract: begin() is called before the handler with the request's fingerprint (hash of
// method, target and body):
//   kProceed     first time: run the handler, then complete() (or abandon() for an answer that
//                must not be replayed: 5xx, so a retry runs again)
//   kReplay      `response` is the stored response: send it again, do not run the handler
//   kMismatch    the key was used for another request: 422
//   kInProgress  the first request with this key is still running: 409
// Scopes are the credential ("cred:<id>") or the caller's address for anonymous requests.
// Memory is bounded: completed entries expire after `ttl` and the oldest are dropped beyond
// `max_entries` or `max_bytes`; running entries are bounded by the requests in flight.
// IdempotencyStore keeps them in memory, per process (tests, and servers built without a store);
// `charter serve` uses DbIdempotencyStore (db_idempotency.h), shared by the servers.
// Thread safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/result.h"
#include "http/response.h"

namespace charter::http {

struct IdempotencyLimits {
  std::size_t max_entries = 10'000;
  std::size_t max_bytes = 64u << 20;
  std::chrono::seconds ttl{24 * 3600};
};

// Checks the Idempotency-Key value: 1 to 255 visible ASCII characters (a structured-field
// string's content). Errors: kInvalidArgument.
Status check_idempotency_key(std::string_view key);

// Hex SHA-256 of method, target and body (the fingerprint compared on retries).
std::string request_fingerprint(std::string_view method, std::string_view target,
                                std::string_view body);

// Where idempotency records live: IdempotencyStore (below, in memory, one process) or
// DbIdempotencyStore (db_idempotency.h, in the database, shared by every server on it).
// begin() errors (a store that cannot be reached) are answered 503 by the pipeline.
class IdempotencyRecords {
 public:
  enum class Outcome { kProceed, kReplay, kMismatch, kInProgress };
  struct Begin {
    Outcome outcome = Outcome::kProceed;
    Response response;  // kReplay
  };
  virtual ~IdempotencyRecords() = default;
  virtual Result<Begin> begin(const std::string& scope, const std::string& key,
                              const std::string& fingerprint) = 0;
  virtual void complete(const std::string& scope, const std::string& key,
                        const Response& response) = 0;
  virtual void abandon(const std::string& scope, const std::string& key) = 0;
};

class IdempotencyStore final : public IdempotencyRecords {
 public:
  IdempotencyStore(const Clock& clock, IdempotencyLimits limits);

  Result<Begin> begin(const std::string& scope, const std::string& key,
                      const std::string& fingerprint) override;
  void complete(const std::string& scope, const std::string& key,
                const Response& response) override;
  void abandon(const std::string& scope, const std::string& key) override;

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  using Key = std::pair<std::string, std::string>;
  struct Entry {
    std::string fingerprint;
    bool done = false;
    Response response;
    Timestamp created;
    std::size_t bytes = 0;
  };

  void evict_locked(Timestamp now);

  const Clock& clock_;
  IdempotencyLimits limits_;
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;
  std::deque<std::pair<Key, Timestamp>> order_;  // completed entries, oldest first
  std::size_t bytes_ = 0;
  std::size_t done_count_ = 0;
};

}  // namespace charter::http
