// DecisionMetrics: access decisions answered over HTTP, by outcome and reason code, as the
// Prometheus counter charter_decisions_total{outcome="allow"|"deny",reason="<code>"}
// (docs/HTTP.md "Logs and metrics"). Single decisions (reads for a purpose, POST /v1/decisions)
// count one each; bulk decisions count one per answered line. Reason codes are the access
// layer's (access/decision.h, bulk_plan.h); any other code is counted as reason="other" so the
// label set stays bounded.
// Thread safety: count() is lock-free once constructed.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "http/metrics.h"

namespace charter::http {

class DecisionMetrics {
 public:
  // Registers every series (at zero). Errors: the registry's.
  static Result<std::unique_ptr<DecisionMetrics>> create(MetricsRegistry& registry);
  void count(bool allowed, std::string_view reason, std::uint64_t n = 1);

 private:
  DecisionMetrics() = default;
  Counter* allow_ = nullptr;
  std::vector<std::pair<std::string_view, Counter*>> deny_;  // the last one is "other"
};

}  // namespace charter::http
