// The connection coroutine (see session.h). This file and server.cc are the only users of
// Boost.Beast/Asio; keep it that way (build time).
#include "http/session.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "http/target.h"

namespace charter::http::detail {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using asio::use_awaitable;
using boost::system::error_code;
using TlsStream = ssl::stream<tcp::socket>;

// --- ConnBase, ConnectionSet -------------------------------------------------------------

void ConnBase::arm(std::chrono::milliseconds d) {
  ++generation_;
  timed_out_ = false;
  timer_.expires_after(d);
  timer_.async_wait([self = shared_from_this(), gen = generation_](error_code ec) {
    if (ec || gen != self->generation_) return;
    self->timed_out_ = true;
    error_code ignored;
    self->socket().cancel(ignored);
  });
}

void ConnBase::disarm() {
  ++generation_;
  timer_.cancel();
}

void ConnBase::request_stop() {
  stop_requested_ = true;
  if (phase == Phase::kIdle || phase == Phase::kHandshake) {
    error_code ignored;
    socket().cancel(ignored);
  }
}

void ConnBase::force_close() {
  error_code ignored;
  timer_.cancel();
  socket().close(ignored);
}

void ConnectionSet::add(const std::shared_ptr<ConnBase>& c) {
  std::lock_guard lock(mu_);
  set_.insert(c);
}

void ConnectionSet::remove(const std::shared_ptr<ConnBase>& c) {
  std::lock_guard lock(mu_);
  set_.erase(c);
}

std::vector<std::shared_ptr<ConnBase>> ConnectionSet::snapshot() const {
  std::lock_guard lock(mu_);
  return {set_.begin(), set_.end()};
}

namespace {

template <class Stream>
class Connection final : public ConnBase {
 public:
  explicit Connection(tcp::socket&& s) requires std::is_same_v<Stream, tcp::socket>
      : ConnBase(s.get_executor()), stream(std::move(s)) {}
  Connection(tcp::socket&& s, ssl::context& ctx) requires std::is_same_v<Stream, TlsStream>
      : ConnBase(s.get_executor()), stream(std::move(s), ctx) {}

  tcp::socket& socket() override { return beast::get_lowest_layer(stream); }

  Stream stream;
};

constexpr std::size_t kIdleRead = 4096;

// "Sun, 06 Nov 1994 08:49:37 GMT", cached per second and thread.
const std::string& http_date() {
  thread_local std::time_t cached_at = 0;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm g{};
    gmtime_r(&now, &g);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[g.tm_wday],
                  g.tm_mday, kMonths[g.tm_mon], g.tm_year + 1900, g.tm_hour, g.tm_min, g.tm_sec);
    text = buf;
    cached_at = now;
  }
  return text;
}

// The peer went away or the server closed the socket: nothing to answer.
bool is_disconnect(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::operation_aborted ||
         ec == asio::error::bad_descriptor || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message || ec == ssl::error::stream_truncated;
}

struct InFlight {
  explicit InFlight(HttpMetrics& m) : m(m) { m.in_flight.fetch_add(1); }
  ~InFlight() { m.in_flight.fetch_sub(1); }
  HttpMetrics& m;
};

// Runs a Exec::kWorker route on the worker pool; 503 when the pool and its queue are full.
asio::awaitable<Response> on_worker(Shared& s, Request& req) {
  if (s.metrics.worker_queue.fetch_add(1) >= s.worker_capacity) {
    s.metrics.worker_queue.fetch_sub(1);
    ProblemExtras extras;
    extras.retry_after_seconds = 1;
    co_return s.pipeline.problem(
        req, make_error(Errc::kUnavailable, "the server is busy; retry later"), extras);
  }
  Response res = co_await asio::co_spawn(
      s.workers, [&s, &req]() -> asio::awaitable<Response> { co_return s.pipeline.execute(req); },
      use_awaitable);
  s.metrics.worker_queue.fetch_sub(1);
  co_return res;
}

template <class Stream>
asio::awaitable<void> write_response(Connection<Stream>& c, const Request& req, Response& res,
                                     unsigned version, bool close, const Limits& limits,
                                     error_code& ec) {
  bhttp::response<bhttp::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(res.status));
  for (const auto& [name, value] : res.headers) out.insert(name, value);
  out.set(bhttp::field::date, http_date());
  out.keep_alive(!close);
  if (req.method == Method::kHead) {
    out.content_length(res.body.size());  // the GET response's length, without its body
  } else {
    out.body() = std::move(res.body);
    out.prepare_payload();
  }
  c.phase = ConnBase::Phase::kWriting;
  c.arm(limits.write_timeout);
  if (req.method == Method::kHead) {
    bhttp::response_serializer<bhttp::string_body> sr(out);
    co_await bhttp::async_write_header(c.stream, sr, asio::redirect_error(use_awaitable, ec));
  } else {
    co_await bhttp::async_write(c.stream, out, asio::redirect_error(use_awaitable, ec));
  }
  c.disarm();
}

// Closes the connection: TLS close_notify, or for plain TCP a lingering close (stop sending,
// drain what the client still sends for a moment) so the last response is not lost to a reset.
template <class Stream>
asio::awaitable<void> close_connection(Connection<Stream>& c, bool linger) {
  c.phase = ConnBase::Phase::kClosing;
  error_code ec;
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    c.arm(std::chrono::milliseconds(1000));
    co_await c.stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
    c.disarm();
  } else if (linger) {
    c.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!ec) {
      c.arm(std::chrono::milliseconds(1000));
      char sink[4096];
      std::size_t drained = 0;
      while (drained < 256 * 1024) {
        std::size_t n = co_await c.stream.async_read_some(asio::buffer(sink),
                                                          asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        drained += n;
      }
      c.disarm();
    }
  }
  c.socket().close(ec);
}

// HTTP/1.1 100 Continue, before reading a body the client holds back.
template <class Stream>
asio::awaitable<void> send_continue(Connection<Stream>& c, const Limits& limits, error_code& ec) {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  c.arm(limits.write_timeout);
  co_await asio::async_write(c.stream, asio::buffer(kContinue.data(), kContinue.size()),
                             asio::redirect_error(use_awaitable, ec));
  c.disarm();
}

// Whether a parsed header asks for a streamed route form (its declared length is then not
// held to the body limit).
bool declares_stream(Shared& s, const bhttp::request_parser<bhttp::string_body>::value_type& h) {
  if (h.version() != 11) return false;
  auto target = parse_target(std::string_view(h.target().data(), h.target().size()));
  if (!target) return false;
  auto ct = h[bhttp::field::content_type];
  return s.pipeline.takes_stream(
      parse_method(std::string_view(h.method_string().data(), h.method_string().size())),
      target->segments, std::string_view(ct.data(), ct.size()));
}

template <class F>
asio::awaitable<std::invoke_result_t<F&>> on_pool(Shared& s, F& f) {
  using R = std::invoke_result_t<F&>;
  s.metrics.worker_queue.fetch_add(1);
  R r = co_await asio::co_spawn(
      s.workers, [&f]() -> asio::awaitable<R> { co_return f(); }, use_awaitable);
  s.metrics.worker_queue.fetch_sub(1);
  co_return r;
}

enum class StreamEnd {
  kRefused,   // not opened: `res` holds the problem, no body byte was read
  kReusable,  // answered in full, body read to its end: the connection may serve another
  kClose,     // answered (possibly with an #error line): close the connection
  kGone,      // the client went away or the server closed the socket
};

// A route's streamed form (route.h StreamForm): opens the BodyStream on a worker, sends a
// chunked 200, then reads the body in slices (each read within body_timeout, no total limit),
// feeds each slice on a worker and sends what it answers as a chunk; ends with finish()'s
// answer, or an "#error" line, and the last chunk. Memory: one read buffer, the parser's
// buffer and what one feed() answers.
template <class Stream>
asio::awaitable<StreamEnd> serve_stream(Connection<Stream>& c, Shared& s, Request& req,
                                        bhttp::request_parser<bhttp::string_body>& header_parser,
                                        beast::flat_buffer& buffer,
                                        std::chrono::steady_clock::time_point started,
                                        bool client_close, std::optional<Response>& res) {
  constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  const Limits& limits = s.limits;
  error_code ec;
  c.phase = ConnBase::Phase::kHandling;
  if (s.metrics.worker_queue.load() >= s.worker_capacity) {
    ProblemExtras extras;
    extras.retry_after_seconds = 1;
    res = s.pipeline.problem(req, make_error(Errc::kUnavailable, "the server is busy; retry later"),
                             extras);
    co_return StreamEnd::kRefused;
  }
  std::unique_ptr<BodyStream> stream;
  auto open = [&s, &req, &stream] { return s.pipeline.open_stream(req, stream); };
  res = co_await on_pool(s, open);
  if (res) co_return StreamEnd::kRefused;
  Response head;
  // However the exchange ends: the stream's close(), then metrics and the access-log line.
  struct Done {
    BodyStream& b;
    Shared& s;
    const Request& req;
    Response& head;
    std::chrono::steady_clock::time_point started;
    ~Done() {
      b.close();
      s.pipeline.finish(req, head, started, std::is_same_v<Stream, TlsStream>);
    }
  } done{*stream, s, req, head, started};

  auto expect = req.headers.get("Expect");
  if (expect && iequals(*expect, "100-continue")) {
    co_await send_continue(c, limits, ec);
    if (ec) co_return StreamEnd::kGone;
  }

  head.headers.set("Content-Type", req.route->stream->response_type);
  s.pipeline.decorate(req, head, kTls);
  bhttp::response<bhttp::empty_body> out_head;
  out_head.version(11);
  out_head.result(bhttp::status::ok);
  for (const auto& [name, value] : head.headers) out_head.insert(name, value);
  out_head.set(bhttp::field::date, http_date());
  out_head.keep_alive(!client_close);
  out_head.chunked(true);
  {
    bhttp::response_serializer<bhttp::empty_body> sr(out_head);
    c.phase = ConnBase::Phase::kWriting;
    c.arm(limits.write_timeout);
    co_await bhttp::async_write_header(c.stream, sr, asio::redirect_error(use_awaitable, ec));
    c.disarm();
    if (ec) co_return StreamEnd::kGone;
  }
  auto send = [&c, &limits, &ec](std::string& text) -> asio::awaitable<bool> {
    if (text.empty()) co_return true;
    c.phase = ConnBase::Phase::kWriting;
    c.arm(limits.write_timeout);
    co_await asio::async_write(c.stream, bhttp::make_chunk(asio::buffer(text)),
                               asio::redirect_error(use_awaitable, ec));
    c.disarm();
    text.clear();
    co_return !ec;
  };

  bhttp::request_parser<bhttp::buffer_body> parser(std::move(header_parser));
  parser.body_limit(boost::none);
  std::vector<char> in(64 * 1024);
  std::string out;
  std::optional<Error> failed;
  while (!parser.is_done()) {
    parser.get().body().data = in.data();
    parser.get().body().size = in.size();
    c.phase = ConnBase::Phase::kReading;
    c.arm(limits.body_timeout);
    co_await bhttp::async_read_some(c.stream, buffer, parser,
                                    asio::redirect_error(use_awaitable, ec));
    c.disarm();
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      if (c.timed_out()) {
        failed =
            make_error(Errc::kTimeout,
                       "no body bytes for " + std::to_string(limits.body_timeout.count()) + " ms");
      } else if (is_disconnect(ec)) {
        co_return StreamEnd::kGone;
      } else {
        failed = make_error(Errc::kInvalidArgument, "malformed request body framing");
      }
      break;
    }
    const std::size_t n = in.size() - parser.get().body().size;
    if (n == 0) continue;
    c.phase = ConnBase::Phase::kHandling;
    auto feed = [&stream, &in, n, &out] {
      return stream->feed(std::string_view(in.data(), n), out);
    };
    if (Status st = co_await on_pool(s, feed); !st) {
      failed = st.error();
      break;
    }
    if (!co_await send(out)) co_return StreamEnd::kGone;
  }
  if (!failed) {
    c.phase = ConnBase::Phase::kHandling;
    auto finish = [&stream, &out] { return stream->finish(out); };
    if (Status st = co_await on_pool(s, finish); !st) failed = st.error();
  }
  if (failed) {
    std::string message = failed->message;
    for (char& ch : message)
      if (ch == '\t' || ch == '\n' || ch == '\r') ch = ' ';
    out += "#error\t";
    out += error_slug(failed->code);
    out += '\t';
    out += message;
    out += '\n';
    if (failed->code == Errc::kInternal || failed->code == Errc::kUnavailable) {
      spdlog::warn("{} stream failed: {}", req.id, failed->message);
    }
  }
  if (!co_await send(out)) co_return StreamEnd::kGone;
  c.phase = ConnBase::Phase::kWriting;
  c.arm(limits.write_timeout);
  co_await asio::async_write(c.stream, bhttp::make_chunk_last(),
                             asio::redirect_error(use_awaitable, ec));
  c.disarm();
  if (ec) co_return StreamEnd::kGone;
  co_return failed || client_close || !parser.is_done() ? StreamEnd::kClose : StreamEnd::kReusable;
}

template <class Stream>
asio::awaitable<void> serve(std::shared_ptr<Connection<Stream>> c, Shared& s) {
  const Limits& limits = s.limits;
  constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  error_code ec;
  std::string remote_ip;
  if (auto ep = c->socket().remote_endpoint(ec); !ec) remote_ip = ep.address().to_string();

  if constexpr (kTls) {
    c->phase = ConnBase::Phase::kHandshake;
    c->arm(limits.handshake_timeout);
    co_await c->stream.async_handshake(ssl::stream_base::server,
                                       asio::redirect_error(use_awaitable, ec));
    c->disarm();
    if (ec) {
      c->socket().close(ec);
      co_return;
    }
  }

  beast::flat_buffer buffer;
  bool linger = false;
  for (;;) {
    // Wait for the first byte of the next request (keep-alive idle time).
    if (buffer.size() == 0) {
      if (s.stopping.load() || c->stop_requested()) break;
      c->phase = ConnBase::Phase::kIdle;
      c->arm(limits.idle_timeout);
      std::size_t n = co_await c->stream.async_read_some(buffer.prepare(kIdleRead),
                                                         asio::redirect_error(use_awaitable, ec));
      c->disarm();
      if (ec) break;
      buffer.commit(n);
    }

    c->phase = ConnBase::Phase::kReading;
    auto started = std::chrono::steady_clock::now();
    Request req;
    req.id = s.pipeline.new_request_id();
    req.remote_ip = remote_ip;
    req.secure = kTls;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    // The declared length is checked once the header is read: a streamed form has no limit.
    parser.body_limit(boost::none);

    // The request line first, so an overlong one is told apart from overlong header fields
    // (the parser consumes the request line before it reports its header limit).
    c->arm(limits.header_timeout);
    bool line_too_long = false;
    for (;;) {
      std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
      std::size_t eol = data.find("\r\n");
      if (eol != std::string_view::npos || data.size() > limits.max_request_line + 1) {
        line_too_long = eol == std::string_view::npos || eol > limits.max_request_line;
        break;
      }
      std::size_t n = co_await c->stream.async_read_some(buffer.prepare(kIdleRead),
                                                         asio::redirect_error(use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    if (!ec && !line_too_long) {
      co_await bhttp::async_read_header(c->stream, buffer, parser,
                                        asio::redirect_error(use_awaitable, ec));
      if (!ec) {
        auto cl = parser.content_length();
        if (cl && *cl > limits.max_body_bytes && !declares_stream(s, parser.get())) {
          ec = bhttp::error::body_limit;
        }
        parser.body_limit(limits.max_body_bytes);
      }
    }
    c->disarm();

    std::optional<Response> res;
    bool close = false;
    unsigned version = 11;
    if (line_too_long) {
      close = true;
      res = s.pipeline.problem(
          req,
          make_error(Errc::kUriTooLong, "the request line is longer than " +
                                            std::to_string(limits.max_request_line) + " bytes"));
    } else if (ec) {
      close = true;
      if (c->timed_out()) {
        res = s.pipeline.problem(
            req, make_error(Errc::kTimeout, "the request header did not arrive in time"));
      } else if (ec == bhttp::error::header_limit) {
        res = s.pipeline.problem(
            req, make_error(Errc::kHeadersTooLarge, "the request header is larger than " +
                                                        std::to_string(limits.max_header_bytes) +
                                                        " bytes"));
      } else if (ec == bhttp::error::body_limit) {
        res = s.pipeline.problem(
            req, make_error(Errc::kPayloadTooLarge, "the body is larger than " +
                                                        std::to_string(limits.max_body_bytes) +
                                                        " bytes"));
      } else if (is_disconnect(ec)) {
        break;
      } else {
        res = s.pipeline.problem(
            req, make_error(Errc::kInvalidArgument, "malformed HTTP request: " + ec.message()));
      }
    }

    std::optional<InFlight> in_flight;
    if (!res) {
      in_flight.emplace(s.metrics);
      auto& h = parser.get();
      version = h.version();
      req.method =
          parse_method(std::string_view(h.method_string().data(), h.method_string().size()));
      for (const auto& f : h) {
        req.headers.add(std::string(f.name_string()), std::string(f.value()));
      }
      close = !h.keep_alive();
      std::string_view raw_target(h.target().data(), h.target().size());
      if (version != 10 && version != 11) {
        res = s.pipeline.problem(
            req, make_error(Errc::kUnsupported, "only HTTP/1.0 and HTTP/1.1 are supported"));
        version = 11;
      } else if (raw_target.size() > limits.max_request_line) {
        res = s.pipeline.problem(
            req,
            make_error(Errc::kUriTooLong, "the request target is longer than " +
                                              std::to_string(limits.max_request_line) + " bytes"));
      } else if (auto te = req.headers.get_all("Transfer-Encoding");
                 !te.empty() && (te.size() != 1 || !iequals(te[0], "chunked") || version != 11)) {
        // Only "chunked" is decoded; anything else leaves the body length unknown (RFC 9112
        // 6.3): refuse and close rather than guess (request smuggling).
        res = s.pipeline.problem(
            req, make_error(Errc::kInvalidArgument,
                            "Transfer-Encoding other than chunked (HTTP/1.1) is not supported"));
        close = true;
      } else if (version == 11 && req.headers.get_all("Host").size() != 1) {
        res = s.pipeline.problem(
            req, make_error(Errc::kInvalidArgument, "an HTTP/1.1 request needs one Host header"));
      } else if (auto target = parse_target(raw_target); !target) {
        res = s.pipeline.problem(req, target.error());
      } else {
        req.path = std::move(target->path);
        req.segments = std::move(target->segments);
        req.query = std::move(target->query);
        res = s.pipeline.route(req);  // 404, 405, 401, 429: answered without reading a body
      }

      if (!res && version == 11 && req.method == Method::kPost && req.route->stream &&
          req.route->stream->accepts(req.headers.get("Content-Type").value_or(""))) {
        // The streamed form answers while it reads; `parser` is consumed when the stream opens.
        // Refused (`res` set): answered below like any problem, the body unread.
        StreamEnd end = co_await serve_stream(*c, s, req, parser, buffer, started, close, res);
        if (end != StreamEnd::kRefused) {
          if (end == StreamEnd::kReusable && !s.stopping.load() && !c->stop_requested()) continue;
          linger = end != StreamEnd::kGone;
          break;
        }
      }

      if (!res && !parser.is_done()) {
        auto expect = req.headers.get("Expect");
        if (expect && iequals(*expect, "100-continue") && version == 11) {
          co_await send_continue(*c, limits, ec);
          if (ec) break;
        }
        c->arm(limits.body_timeout);
        co_await bhttp::async_read(c->stream, buffer, parser,
                                   asio::redirect_error(use_awaitable, ec));
        c->disarm();
        if (ec) {
          close = true;
          if (c->timed_out()) {
            res = s.pipeline.problem(
                req, make_error(Errc::kTimeout, "the request body did not arrive in time"));
          } else if (ec == bhttp::error::body_limit) {
            res = s.pipeline.problem(
                req, make_error(Errc::kPayloadTooLarge, "the body is larger than " +
                                                            std::to_string(limits.max_body_bytes) +
                                                            " bytes"));
          } else if (is_disconnect(ec)) {
            break;
          } else {
            res = s.pipeline.problem(
                req, make_error(Errc::kInvalidArgument, "malformed request body framing"));
          }
        }
      }
      if (!res) {
        req.body = std::move(parser.get().body());
        c->phase = ConnBase::Phase::kHandling;
        if (req.route->exec == Exec::kInline) {
          res = s.pipeline.execute(req);
        } else {
          res = co_await on_worker(s, req);
        }
      }
    }

    // A body left unread cannot be skipped reliably: close after answering.
    if (!parser.is_done()) close = true;
    // Stopping: answer what was read, then close unless more requests are already buffered.
    if ((s.stopping.load() || c->stop_requested()) && buffer.size() == 0) close = true;
    s.pipeline.finish(req, *res, started, kTls);
    co_await write_response(*c, req, *res, version, close, limits, ec);
    if (ec || close) {
      linger = !ec;
      break;
    }
  }
  co_await close_connection(*c, linger);
}

template <class Stream, class... Args>
asio::awaitable<void> run_typed(tcp::socket socket, Shared& s, Args&... args) {
  auto c = std::make_shared<Connection<Stream>>(std::move(socket), args...);
  s.connections.add(c);
  try {
    co_await serve<Stream>(c, s);
  } catch (const std::exception& e) {
    spdlog::error("connection ended by an unexpected error (a bug): {}", e.what());
    c->force_close();
  }
  s.connections.remove(c);
}

}  // namespace

asio::awaitable<void> run_connection(tcp::socket socket, Shared& s) {
  struct Count {
    explicit Count(HttpMetrics& m) : m(m) {}
    ~Count() { m.connections.fetch_sub(1); }
    HttpMetrics& m;
  } count(s.metrics);  // the acceptor counted this connection in
  if (s.tls) {
    co_await run_typed<TlsStream>(std::move(socket), s, *s.tls);
  } else {
    co_await run_typed<tcp::socket>(std::move(socket), s);
  }
}

void refuse_connection(tcp::socket& socket, Shared& s) {
  s.metrics.refused_connections.fetch_add(1);
  error_code ec;
  if (!s.tls) {
    Request req;
    req.id = s.pipeline.new_request_id();
    ProblemExtras extras;
    extras.retry_after_seconds = 1;
    Response res = s.pipeline.problem(
        req, make_error(Errc::kUnavailable, "too many connections; retry later"), extras);
    s.pipeline.finish(req, res, std::chrono::steady_clock::now(), false);
    std::string text = "HTTP/1.1 503 Service Unavailable\r\n";
    for (const auto& [name, value] : res.headers) text += name + ": " + value + "\r\n";
    text += "Date: " + http_date() +
            "\r\nConnection: close\r\nContent-Length: " + std::to_string(res.body.size()) +
            "\r\n\r\n" + res.body;
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(asio::buffer(text), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }
  socket.close(ec);
}

}  // namespace charter::http::detail
