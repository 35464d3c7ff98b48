// HTTP server ceiling and the worker-pool choice, in process, on loopback.
//
// A small epoll load driver (one thread, N keep-alive connections, one request in flight per
// connection, latency of every request) against charter::http::Server with test routes:
//   1. a static route run inline on the I/O threads (the /healthz shape);
//   2. the same route run on the worker pool (the cost of the hop);
//   3. 56 connections on the inline route beside 8 connections calling a handler that blocks
//      5 ms (a stand-in for a storage write): (a) on the worker pool, (b) inline. (b) shows why
//      blocking handlers must not run on the I/O threads.
// Run: ./scripts/build.sh release http_bench && ./build/release/bench/http_bench [seconds]
// Load stays on 127.0.0.1 and is bounded in time (about 7 x `seconds`).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "http/server.h"

namespace {

using namespace charter;
using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::string request;
  std::string in;
  Clock::time_point sent;
  int group = 0;
};

struct GroupResult {
  std::vector<double> latencies_ms;
  std::uint64_t errors = 0;
};

struct Load {
  std::string name;
  std::vector<std::pair<std::string, int>> groups;  // target, connections
};

// Drives `load` for `seconds` after a 1 s warm-up; one result per group.
std::vector<GroupResult> drive(std::uint16_t port, const Load& load, double seconds) {
  int ep = epoll_create1(0);
  std::vector<Conn> conns;
  for (std::size_t g = 0; g < load.groups.size(); ++g) {
    for (int i = 0; i < load.groups[g].second; ++i) {
      Conn c;
      c.group = static_cast<int>(g);
      c.request = "GET " + load.groups[g].first + " HTTP/1.1\r\nHost: bench\r\n\r\n";
      conns.push_back(std::move(c));
    }
  }
  for (std::size_t i = 0; i < conns.size(); ++i) {
    Conn& c = conns[i];
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::abort();
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  std::vector<GroupResult> results(load.groups.size());
  auto start = Clock::now();
  auto measure_from = start + std::chrono::seconds(1);
  auto end = measure_from +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (Conn& c : conns) {
    c.sent = Clock::now();
    (void)!send(c.fd, c.request.data(), c.request.size(), MSG_NOSIGNAL);
  }
  std::vector<epoll_event> events(conns.size());
  char buf[65536];
  while (Clock::now() < end) {
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int k = 0; k < n; ++k) {
      Conn& c = conns[events[k].data.u64];
      ssize_t r = recv(c.fd, buf, sizeof buf, 0);
      if (r <= 0) {
        ++results[c.group].errors;
        epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        continue;
      }
      c.in.append(buf, static_cast<std::size_t>(r));
      for (;;) {
        std::size_t h = c.in.find("\r\n\r\n");
        if (h == std::string::npos) break;
        std::size_t cl = c.in.find("Content-Length: ");
        std::size_t len = cl < h ? std::strtoul(c.in.c_str() + cl + 16, nullptr, 10) : 0;
        if (c.in.size() < h + 4 + len) break;
        bool ok = c.in.compare(9, 3, "200") == 0;
        c.in.erase(0, h + 4 + len);
        auto now = Clock::now();
        if (now >= measure_from) {
          if (ok) {
            results[c.group].latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(now - c.sent).count());
          } else {
            ++results[c.group].errors;
          }
        }
        c.sent = now;
        (void)!send(c.fd, c.request.data(), c.request.size(), MSG_NOSIGNAL);
      }
    }
  }
  for (Conn& c : conns) close(c.fd);
  close(ep);
  return results;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 5;
  spdlog::set_level(spdlog::level::warn);
  http::Router router;
  auto add = [&](std::string path, std::string op, http::Exec exec, int sleep_ms) {
    http::Route r;
    r.method = http::Method::kGet;
    r.path = std::move(path);
    r.operation_id = std::move(op);
    r.summary = "bench";
    r.exec = exec;
    r.rate_limited = false;
    std::string body = R"({"policy_version":")" + std::string(64, 'a') + R"(","status":"ok"})";
    r.handler = [body, sleep_ms](http::Request&) -> Result<http::Response> {
      if (sleep_ms) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      return http::text_response(200, body, "application/json");
    };
    if (!router.add(std::move(r))) std::abort();
  };
  add("/inline", "inlineStatic", http::Exec::kInline, 0);
  add("/worker", "workerStatic", http::Exec::kWorker, 0);
  add("/slow-worker", "slowWorker", http::Exec::kWorker, 5);
  add("/slow-inline", "slowInline", http::Exec::kInline, 5);
  http::HttpMetrics metrics(router);
  SystemClock clock;
  SystemRandom random;
  http::ServerOptions options;
  options.port = 0;
  options.handle_signals = false;
  auto server = http::Server::create(options, {router, metrics, clock, random, nullptr});
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().to_string().c_str());
    return 1;
  }
  std::thread runner([&] { (*server)->run(); });
  std::uint16_t port = (*server)->port();

  std::printf(
      "machine: %u hardware threads; server: one I/O thread per core, 8 workers; "
      "driver: 1 thread, same machine; %.0f s per run after 1 s warm-up\n",
      std::thread::hardware_concurrency(), seconds);
  std::printf("%-58s %12s %9s %9s %9s %7s\n", "load", "requests/s", "p50 ms", "p99 ms", "max ms",
              "errors");
  std::vector<Load> loads = {
      {"64 conns, static route inline", {{"/inline", 64}}},
      {"64 conns, static route on the worker pool", {{"/worker", 64}}},
      {"56 conns inline static + 8 conns 5 ms handler on workers",
       {{"/inline", 56}, {"/slow-worker", 8}}},
      {"56 conns inline static + 8 conns 5 ms handler INLINE",
       {{"/inline", 56}, {"/slow-inline", 8}}},
  };
  for (const Load& load : loads) {
    auto results = drive(port, load, seconds);
    for (std::size_t g = 0; g < results.size(); ++g) {
      auto& r = results[g];
      std::string name = load.name + (results.size() > 1 ? " [" + load.groups[g].first + "]" : "");
      std::printf("%-58s %12.0f %9.2f %9.2f %9.2f %7llu\n", name.c_str(),
                  static_cast<double>(r.latencies_ms.size()) / seconds,
                  percentile(r.latencies_ms, 0.50), percentile(r.latencies_ms, 0.99),
                  r.latencies_ms.empty()
                      ? 0.0
                      : *std::max_element(r.latencies_ms.begin(), r.latencies_ms.end()),
                  static_cast<unsigned long long>(r.errors));
    }
    std::fflush(stdout);
  }
  (*server)->stop();
  runner.join();
  return 0;
}
