// Server: Charter's HTTP/1.1 server (Boost.Beast, C++20 coroutines), plain or TLS.
//
// One I/O thread per core runs the connections (keep-alive, pipelined requests answered in
// order); handler bodies of Exec::kWorker routes run on a bounded pool of worker threads, so a
// handler blocked on storage never stalls other connections (docs/HTTP.md: measurements).
//
// Contract: create() binds and listens, so port() is known before run(). Errors:
// kInvalidArgument (host is not an IP address, TLS certificate or key unusable), kUnavailable
// (address in use, permission denied). run() serves until stop() or SIGTERM/SIGINT (with
// handle_signals), then stops gracefully: it stops accepting, closes idle keep-alive
// connections, answers every request already being read or handled (with Connection: close),
// waits up to `grace` for connections to finish, then closes the rest; handlers that are
// running always finish before run() returns (nothing acknowledged is lost). A second signal
// ends the grace period at once. stop() is thread safe and returns immediately.
// The router, metrics, authenticator, clock and random must outlive the Server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "http/authenticator.h"
#include "http/http_metrics.h"
#include "http/limits.h"
#include "http/pipeline.h"
#include "http/router.h"

namespace charter::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address ("0.0.0.0", "::")
  std::uint16_t port = 8080;       // 0: any free port
  std::string tls_cert;            // PEM certificate chain; with tls_key, serve HTTPS
  std::string tls_key;             // PEM private key
  int io_threads = 0;              // 0: one per core
  int workers = 0;                 // 0: 8 (handlers that block on storage)
  std::chrono::milliseconds grace{10'000};
  bool handle_signals = true;
  Limits limits;
};

struct ServerDeps {
  const Router& router;
  HttpMetrics& metrics;
  const Clock& clock;
  Random& random;
  Authenticator* authenticator = nullptr;     // none: routes that need a credential answer 401
  Pipeline::RefusalHook on_refusal;           // audits security refusals (pipeline.h)
  IdempotencyRecords* idempotency = nullptr;  // none: in memory (db_idempotency.h)
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(ServerOptions options, ServerDeps deps);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:8080" or "https://[::1]:8443".
  std::string url() const;

  void run();
  void stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace charter::http
