// Metrics registry, rendered at /metrics in the Prometheus text format 0.0.4.
//
// Other parts of the server add their own series: counters and gauges they update (e.g. the
// decision routes count `charter_decisions_total{outcome="allow"}`), gauges read on each scrape
// through a callback (e.g. the audit backlog: `registry.gauge_callback("charter_audit_backlog",
// ..., [&] { return double(log.backlog()); })`), or whole families rendered by a collector
// (the HTTP metrics, http_metrics.h). Modules below http expose plain numbers and are
// registered here by the code that wires them into the server.
//
// Contract: counter()/gauge() return the series of `name` with `labels`, created on first use;
// the pointer stays valid for the registry's lifetime. Errors (kInvalidArgument): a name or
// label name that Prometheus does not accept, or a name already registered with another type
// or help. Updates are lock-free; registration and render() take a lock. Callbacks and
// collectors run during render() on the scraping thread: they must be quick and thread safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace charter::http {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class MetricsRegistry {
 public:
  Result<Counter*> counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Result<Gauge*> gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Status gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                        std::function<double()> read);
  // `render` appends complete families (# HELP, # TYPE, samples) to the output.
  void add_collector(std::function<void(std::string&)> render);

  std::string render() const;

 private:
  enum class Type { kCounter, kGauge };
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::function<double()> read;
  };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Series> series;  // by rendered label set
  };
  Result<Series*> series(std::string_view name, std::string_view help, Type type,
                         const Labels& labels);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

// Prometheus helpers, for collectors.
bool is_metric_name(std::string_view name);
// `{a="x",b="y"}` with values escaped ("" for no labels).
std::string render_labels(const Labels& labels);
// Formats a sample value ("+Inf", integers without exponent).
std::string format_value(double v);

}  // namespace charter::http
