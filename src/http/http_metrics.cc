#include "http/http_metrics.h"

namespace charter::http {

HttpMetrics::HttpMetrics(const Router& router) {
  for (const Route* r : router.routes()) {
    auto s = std::make_unique<Slot>();
    s->route = r->path;
    s->method = std::string(to_string(r->method));
    index_[r] = slots_.size();
    slots_.push_back(std::move(s));
  }
  auto unmatched = std::make_unique<Slot>();
  unmatched->route = "unmatched";
  slots_.push_back(std::move(unmatched));
}

void HttpMetrics::observe(const Route* route, int status, double seconds) {
  std::size_t i = slots_.size() - 1;
  if (route) {
    auto it = index_.find(route);
    if (it != index_.end()) i = it->second;
  }
  Slot& s = *slots_[i];
  if (status >= 100 && status < 600) {
    s.by_status[static_cast<std::size_t>(status - 100)].fetch_add(1, std::memory_order_relaxed);
  }
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  if (b < kBuckets.size()) s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void HttpMetrics::attach(MetricsRegistry& registry) {
  registry.add_collector([this](std::string& out) { render(out); });
}

void HttpMetrics::render(std::string& out) const {
  auto labels = [](const Slot& s, Labels extra) {
    Labels l{{"route", s.route}};
    if (!s.method.empty()) l.emplace_back("method", s.method);
    for (auto& e : extra) l.push_back(std::move(e));
    return render_labels(l);
  };
  out +=
      "# HELP charter_http_requests_total HTTP requests answered, by route template, method "
      "and status.\n# TYPE charter_http_requests_total counter\n";
  for (const auto& s : slots_) {
    for (std::size_t i = 0; i < s->by_status.size(); ++i) {
      std::uint64_t n = s->by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "charter_http_requests_total" + labels(*s, {{"status", std::to_string(i + 100)}}) +
             " " + std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP charter_http_request_duration_seconds Time from the first byte of the request "
      "to its response being ready, by route.\n"
      "# TYPE charter_http_request_duration_seconds histogram\n";
  for (const auto& s : slots_) {
    std::uint64_t count = s->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += s->buckets[b].load(std::memory_order_relaxed);
      out += "charter_http_request_duration_seconds_bucket" +
             labels(*s, {{"le", format_value(kBuckets[b])}}) + " " + std::to_string(cumulative) +
             "\n";
    }
    out += "charter_http_request_duration_seconds_bucket" + labels(*s, {{"le", "+Inf"}}) + " " +
           std::to_string(count) + "\n";
    out += "charter_http_request_duration_seconds_sum" + labels(*s, {}) + " " +
           format_value(static_cast<double>(s->sum_us.load(std::memory_order_relaxed)) / 1e6) +
           "\n";
    out += "charter_http_request_duration_seconds_count" + labels(*s, {}) + " " +
           std::to_string(count) + "\n";
  }
  auto gauge = [&](const char* name, const char* help, double v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
           " " + format_value(v) + "\n";
  };
  gauge("charter_http_connections", "Open client connections.",
        static_cast<double>(connections.load()));
  gauge("charter_http_requests_in_flight", "Requests read and not yet answered.",
        static_cast<double>(in_flight.load()));
  gauge("charter_http_worker_queue", "Handler calls waiting for or running on a worker thread.",
        static_cast<double>(worker_queue.load()));
  out +=
      "# HELP charter_http_refused_connections_total Connections refused at accept (too many "
      "open).\n# TYPE charter_http_refused_connections_total counter\n"
      "charter_http_refused_connections_total " +
      std::to_string(refused_connections.load()) + "\n";
}

}  // namespace charter::http
