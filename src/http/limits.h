// Limits of the HTTP server, each answered with its own status (docs/HTTP.md has the table).
//
// Contract: plain values with the defaults Charter runs with; `charter serve` exposes the ones
// an operator tunes. Every limit bounds memory or time per connection or per key.
#pragma once

#include <chrono>
#include <cstddef>

#include "http/idempotency.h"
#include "http/json_body.h"
#include "http/rate_limiter.h"

namespace charter::http {

struct Limits {
  std::size_t max_request_line = 8 * 1024;   // 414: method, target and version
  std::size_t max_header_bytes = 16 * 1024;  // 431: request line and header fields together
  std::size_t max_body_bytes = 1024 * 1024;  // 413 (Content-Length checked before reading)
  JsonLimits json;                           // 400 with the reason

  std::chrono::milliseconds idle_timeout{60'000};       // keep-alive wait for a next request: close
  std::chrono::milliseconds header_timeout{10'000};     // whole header from its first byte: 408
  std::chrono::milliseconds body_timeout{30'000};       // whole body: 408
  std::chrono::milliseconds write_timeout{30'000};      // a client that does not read: close
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS handshake: close

  std::size_t max_connections = 4096;  // beyond: 503 at accept (plain HTTP) and close

  RateLimit anonymous{20, 40};           // per client address: 429
  RateLimit credential{10'000, 20'000};  // per credential: 429
  std::size_t rate_limiter_keys = 100'000;

  IdempotencyLimits idempotency;

  std::size_t worker_queue = 1024;  // handler calls waiting for a worker beyond it: 503
};

}  // namespace charter::http
