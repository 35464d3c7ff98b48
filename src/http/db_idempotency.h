// DbIdempotencyStore: idempotency records in the database (table http_idempotency, migration
// component "http_idempotency"), so that every server on one PostgreSQL shares them: a write
// retried against another server is applied once (docs/HTTP.md "Idempotency keys").
//
// A row per (scope, key), keyed by the SHA-256 of both (the key itself is not stored): the
// credential scope ("cred:<id>", or the caller's address bucket for anonymous calls; kept to
// tell them apart on a hash collision), the request fingerprint, whether the first request is
// still running, its stored response (status, headers, body) once done, and an expiry (`ttl`
// after it was begun). A running row older than `stale_after` (a server that died while
// handling it) is taken over by the next retry. Expired rows are deleted every `prune_every`
// completions.
// Contract as IdempotencyRecords (idempotency.h). Errors of begin(): the store's (the
// pipeline answers 503); complete()/abandon() failures are logged (a retry then runs again or
// waits for the stale delay). Thread safe; the Store and the Clock outlive it.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "core/clock.h"
#include "http/idempotency.h"
#include "store/store.h"

namespace charter::http {

struct DbIdempotencyOptions {
  std::chrono::seconds ttl{24 * 3600};
  std::chrono::seconds stale_after{300};
  std::size_t max_response_bytes = 1 << 20;  // larger responses are not stored (retry runs again)
  unsigned prune_every = 1000;
};

class DbIdempotencyStore final : public IdempotencyRecords {
 public:
  static Result<std::unique_ptr<DbIdempotencyStore>> open(store::Store& store, const Clock& clock,
                                                          DbIdempotencyOptions options = {});

  Result<Begin> begin(const std::string& scope, const std::string& key,
                      const std::string& fingerprint) override;
  void complete(const std::string& scope, const std::string& key,
                const Response& response) override;
  void abandon(const std::string& scope, const std::string& key) override;

 private:
  DbIdempotencyStore(store::Store& store, const Clock& clock, DbIdempotencyOptions options)
      : store_(store), clock_(clock), options_(options) {}
  Result<Begin> try_begin(const std::string& scope, const std::string& key,
                          const std::string& fingerprint);

  store::Store& store_;
  const Clock& clock_;
  DbIdempotencyOptions options_;
  std::atomic<unsigned> completions_{0};
};

}  // namespace charter::http
