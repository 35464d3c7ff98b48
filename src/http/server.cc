// Listening, I/O threads, worker pool, signals and graceful stop (server.h). With session.cc,
// the only users of Asio in Charter.
#include "http/server.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/session.h"

namespace charter::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct Server::Impl {
  Impl(ServerOptions opts, ServerDeps deps, int io_threads, int workers)
      : options(std::move(opts)),
        io(io_threads),
        guard(asio::make_work_guard(io)),
        acceptor(asio::make_strand(io)),
        signals(io),
        pool(static_cast<std::size_t>(workers)),
        pipeline(deps.router, deps.authenticator, deps.clock, deps.random, deps.metrics,
                 options.limits),
        refusal_hook_set((pipeline.set_refusal_hook(std::move(deps.on_refusal)),
                          pipeline.set_idempotency_records(deps.idempotency), true)),
        metrics(deps.metrics),
        io_thread_count(io_threads),
        shared{pipeline,
               deps.metrics,
               options.limits,
               pool,
               static_cast<std::int64_t>(workers) +
                   static_cast<std::int64_t>(options.limits.worker_queue),
               stopping,
               connections,
               nullptr} {}

  asio::awaitable<void> accept_loop();
  // Each signal asks to stop; the second one ends the grace period.
  void wait_signal() {
    signals.async_wait([this](const error_code& ec, int) {
      if (ec) return;
      request_stop();
      wait_signal();
    });
  }
  void request_stop();
  void graceful_stop();

  ServerOptions options;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::thread_pool pool;
  std::optional<asio::ssl::context> tls;
  Pipeline pipeline;
  bool refusal_hook_set;
  HttpMetrics& metrics;
  int io_thread_count;
  std::atomic<bool> stopping{false};
  detail::ConnectionSet connections;
  detail::Shared shared;
  std::uint16_t port = 0;

  std::mutex mu;
  std::condition_variable cv;
  int stop_requests = 0;
};

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(
        asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // Out of descriptors and the like: wait a moment rather than spin.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (stopping.load()) {
      socket.close(ec);
      continue;
    }
    if (metrics.connections.load() >= static_cast<std::int64_t>(options.limits.max_connections)) {
      detail::refuse_connection(socket, shared);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    metrics.connections.fetch_add(1);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, detail::run_connection(std::move(socket), shared), asio::detached);
  }
}

void Server::Impl::request_stop() {
  std::lock_guard lock(mu);
  ++stop_requests;
  cv.notify_all();
}

void Server::Impl::graceful_stop() {
  stopping.store(true);
  asio::post(acceptor.get_executor(), [this] {
    error_code ec;
    acceptor.close(ec);
  });
  for (auto& c : connections.snapshot()) {
    asio::post(c->socket().get_executor(), [c] { c->request_stop(); });
  }
  // Wait for connections to finish their requests, up to the grace period or a second signal.
  auto deadline = std::chrono::steady_clock::now() + options.grace;
  {
    std::unique_lock lock(mu);
    while (metrics.connections.load() > 0 && stop_requests < 2 &&
           std::chrono::steady_clock::now() < deadline) {
      cv.wait_for(lock, std::chrono::milliseconds(10));
    }
  }
  if (metrics.connections.load() > 0) {
    spdlog::warn("stop: closing {} connection(s) still open", metrics.connections.load());
    for (auto& c : connections.snapshot()) {
      asio::post(c->socket().get_executor(), [c] { c->force_close(); });
    }
  }
  // Handlers that are running always finish: what they acknowledged is kept.
  pool.join();
  auto last = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (metrics.connections.load() > 0 && std::chrono::steady_clock::now() < last) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (!impl_) return;
  impl_->guard.reset();
  impl_->io.stop();
  impl_->pool.stop();
  impl_->pool.join();
}

Result<std::unique_ptr<Server>> Server::create(ServerOptions options, ServerDeps deps) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int io_threads = options.io_threads > 0 ? options.io_threads : static_cast<int>(cores);
  int workers = options.workers > 0 ? options.workers : 8;
  error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) {
    return make_error(Errc::kInvalidArgument,
                      "--listen: the host must be an IP address (e.g. 127.0.0.1 or ::)");
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return make_error(Errc::kInvalidArgument, "TLS needs both a certificate and a key");
  }
  auto impl = std::make_unique<Impl>(std::move(options), deps, io_threads, workers);
  if (!impl->options.tls_cert.empty()) {
    impl->tls.emplace(asio::ssl::context::tls_server);
    auto& ctx = *impl->tls;
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.use_certificate_chain_file(impl->options.tls_cert, ec);
    if (ec) {
      return make_error(Errc::kInvalidArgument, "cannot use the TLS certificate " +
                                                    impl->options.tls_cert + ": " + ec.message());
    }
    ctx.use_private_key_file(impl->options.tls_key, asio::ssl::context::pem, ec);
    if (ec) {
      return make_error(Errc::kInvalidArgument,
                        "cannot use the TLS key " + impl->options.tls_key + ": " + ec.message());
    }
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
      return make_error(Errc::kInvalidArgument, "the TLS key does not match the certificate");
    }
    impl->shared.tls = &ctx;
  }
  tcp::endpoint endpoint(address, impl->options.port);
  auto& acc = impl->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && address.is_v6()) acc.set_option(asio::ip::v6_only(false), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(Errc::kUnavailable, "cannot listen on " + impl->options.host + ":" +
                                              std::to_string(impl->options.port) + ": " +
                                              ec.message());
  }
  impl->port = acc.local_endpoint().port();
  // From here on SIGTERM/SIGINT are caught (and queued until run() waits for them), so a
  // signal sent as soon as the listening address is printed still stops gracefully.
  if (impl->options.handle_signals) {
    impl->signals.add(SIGTERM, ec);
    if (!ec) impl->signals.add(SIGINT, ec);
    if (ec) return make_error(Errc::kUnavailable, "cannot handle signals: " + ec.message());
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->port; }

std::string Server::url() const {
  auto address = asio::ip::make_address(impl_->options.host);
  std::string host = address.is_v6() ? "[" + impl_->options.host + "]" : impl_->options.host;
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(port());
}

void Server::run() {
  Impl& m = *impl_;
  asio::co_spawn(m.acceptor.get_executor(), m.accept_loop(), asio::detached);
  if (m.options.handle_signals) m.wait_signal();
  std::vector<std::thread> threads;
  for (int i = 0; i < m.io_thread_count; ++i) threads.emplace_back([&m] { m.io.run(); });
  {
    std::unique_lock lock(m.mu);
    m.cv.wait(lock, [&m] { return m.stop_requests > 0; });
  }
  spdlog::info("stopping: no new connections; answering the requests in progress");
  m.graceful_stop();
  error_code ignored;
  m.signals.cancel(ignored);
  m.guard.reset();
  m.io.stop();
  for (auto& t : threads) t.join();
  spdlog::info("stopped");
}

void Server::stop() { impl_->request_stop(); }

}  // namespace charter::http
