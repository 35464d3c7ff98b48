// The server's own metrics: requests by route template, method and status; a latency
// histogram per route; connections, requests in flight, worker queue, refused connections.
// Rendered by a collector of the MetricsRegistry (metrics.h).
//
// Contract: built once from the final Router; observe() is lock-free and thread safe. Route
// labels are templates ("/v1/subjects/{id}"), never raw paths (ids could be personal data);
// requests that match no route count under route="unmatched".
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/metrics.h"
#include "http/router.h"

namespace charter::http {

class HttpMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  explicit HttpMetrics(const Router& router);

  void observe(const Route* route, int status, double seconds);
  // Registers the collector rendering these metrics.
  void attach(MetricsRegistry& registry);
  void render(std::string& out) const;

  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::int64_t> worker_queue{0};
  std::atomic<std::uint64_t> refused_connections{0};

 private:
  struct Slot {
    std::string route;                                        // template or "unmatched"
    std::string method;                                       // "GET", ... ("" for unmatched)
    std::array<std::atomic<std::uint64_t>, 500> by_status{};  // index status - 100
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_us{0};
  };
  std::vector<std::unique_ptr<Slot>> slots_;  // last: unmatched
  std::unordered_map<const Route*, std::size_t> index_;
};

}  // namespace charter::http
