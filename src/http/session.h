// Internal to src/http (Beast/Asio): the connection coroutine and what connections share.
// Included only by server.cc and session.cc; no public header includes it.
//
// Contract: run_connection() owns the socket and serves requests on it until the client
// closes, a limit or timeout ends it, or the server stops (see server.h). It registers itself
// in `connections` so the server can ask it to stop (idle: close now; busy: finish the request
// and close) or close it outright. All of a connection's work runs on its socket's strand.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "http/http_metrics.h"
#include "http/limits.h"
#include "http/pipeline.h"

namespace charter::http::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A connection's control surface, used from its own strand only.
class ConnBase : public std::enable_shared_from_this<ConnBase> {
 public:
  enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kClosing };

  explicit ConnBase(const asio::any_io_executor& ex) : timer_(ex) {}
  virtual ~ConnBase() = default;
  virtual tcp::socket& socket() = 0;

  // Cancels the socket's pending operation when `d` passes (timed_out() then says so).
  void arm(std::chrono::milliseconds d);
  void disarm();
  bool timed_out() const { return timed_out_; }

  // Graceful stop: an idle connection (waiting for a request or in its TLS handshake) is
  // closed now; a busy one finishes its request first.
  void request_stop();
  bool stop_requested() const { return stop_requested_; }
  void force_close();

  Phase phase = Phase::kHandshake;

 private:
  asio::steady_timer timer_;
  std::uint64_t generation_ = 0;
  bool timed_out_ = false;
  bool stop_requested_ = false;
};

class ConnectionSet {
 public:
  void add(const std::shared_ptr<ConnBase>& c);
  void remove(const std::shared_ptr<ConnBase>& c);
  std::vector<std::shared_ptr<ConnBase>> snapshot() const;

 private:
  mutable std::mutex mu_;
  std::unordered_set<std::shared_ptr<ConnBase>> set_;
};

struct Shared {
  Pipeline& pipeline;
  HttpMetrics& metrics;
  const Limits& limits;
  asio::thread_pool& workers;
  std::int64_t worker_capacity;  // threads + queue
  std::atomic<bool>& stopping;
  ConnectionSet& connections;
  asio::ssl::context* tls;  // null: plain HTTP
};

asio::awaitable<void> run_connection(tcp::socket socket, Shared& shared);

// Answers 503 on a fresh plain connection beyond max_connections (best effort, never blocks),
// then closes it. TLS connections are closed without an answer.
void refuse_connection(tcp::socket& socket, Shared& shared);

}  // namespace charter::http::detail
