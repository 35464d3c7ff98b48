#include "http/metrics.h"

#include <cmath>
#include <cstdio>

namespace charter::http {

bool is_metric_name(std::string_view n) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += '}';
  return out;
}

namespace {
std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

Result<MetricsRegistry::Series*> MetricsRegistry::series(std::string_view name,
                                                         std::string_view help, Type type,
                                                         const Labels& labels) {
  if (!is_metric_name(name)) {
    return make_error(Errc::kInvalidArgument, "invalid metric name " + std::string(name));
  }
  for (const auto& [k, v] : labels) {
    if (!is_metric_name(k) || k.find(':') != std::string::npos || k.rfind("__", 0) == 0) {
      return make_error(Errc::kInvalidArgument, "invalid label name " + k);
    }
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  } else if (it->second.type != type || it->second.help != help) {
    return make_error(Errc::kInvalidArgument,
                      "metric " + std::string(name) + " registered with another type or help");
  }
  return &it->second.series[render_labels(labels)];
}

Result<Counter*> MetricsRegistry::counter(std::string_view name, std::string_view help,
                                          const Labels& labels) {
  std::lock_guard lock(mu_);
  CHARTER_TRY(Series * s, series(name, help, Type::kCounter, labels));
  if (!s->counter) s->counter = std::make_unique<Counter>();
  return s->counter.get();
}

Result<Gauge*> MetricsRegistry::gauge(std::string_view name, std::string_view help,
                                      const Labels& labels) {
  std::lock_guard lock(mu_);
  CHARTER_TRY(Series * s, series(name, help, Type::kGauge, labels));
  if (s->read) return make_error(Errc::kInvalidArgument, "gauge is read by a callback");
  if (!s->gauge) s->gauge = std::make_unique<Gauge>();
  return s->gauge.get();
}

Status MetricsRegistry::gauge_callback(std::string_view name, std::string_view help,
                                       const Labels& labels, std::function<double()> read) {
  std::lock_guard lock(mu_);
  CHARTER_TRY(Series * s, series(name, help, Type::kGauge, labels));
  if (s->gauge || s->read) return make_error(Errc::kInvalidArgument, "gauge already registered");
  s->read = std::move(read);
  return ok_status();
}

void MetricsRegistry::add_collector(std::function<void(std::string&)> render) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(render));
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + escape_help(family.help) + "\n";
    out += "# TYPE " + name + (family.type == Type::kCounter ? " counter\n" : " gauge\n");
    for (const auto& [labels, s] : family.series) {
      double v = s.counter ? static_cast<double>(s.counter->value())
                 : s.gauge ? s.gauge->value()
                 : s.read  ? s.read()
                           : 0;
      out += name + labels + " " + format_value(v) + "\n";
    }
  }
  for (const auto& c : collectors_) c(out);
  return out;
}

}  // namespace charter::http
