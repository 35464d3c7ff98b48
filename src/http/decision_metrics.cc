#include "http/decision_metrics.h"

#include "access/bulk_plan.h"
#include "access/decision.h"

namespace charter::http {
namespace {

constexpr std::string_view kName = "charter_decisions_total";
constexpr std::string_view kHelp = "Access decisions answered, by outcome and reason code";

namespace r = access::reason;
constexpr const char* kDenyReasons[] = {r::kUnknownPurpose,         r::kUnknownCategory,
                                        r::kActorSuspended,         r::kRoleNotRecipient,
                                        r::kTrainingMissing,        r::kTrainingExpired,
                                        r::kConfidentialityMissing, r::kServiceNotBound,
                                        r::kCategoryNotInPurpose,   r::kSubjectErased,
                                        r::kSubjectRestricted,      r::kSubjectDeceased,
                                        r::kConsentMissing,         r::kConsentWithdrawn,
                                        r::kConsentExpired,         r::kObjection,
                                        r::kRetentionClosed,        r::kUnknownSubject,
                                        r::kInvalidInput,           "other"};

}  // namespace

Result<std::unique_ptr<DecisionMetrics>> DecisionMetrics::create(MetricsRegistry& registry) {
  std::unique_ptr<DecisionMetrics> m(new DecisionMetrics());
  CHARTER_TRY(m->allow_,
              registry.counter(kName, kHelp, {{"outcome", "allow"}, {"reason", r::kAllowed}}));
  for (const char* reason : kDenyReasons) {
    CHARTER_TRY(Counter * c,
                registry.counter(kName, kHelp, {{"outcome", "deny"}, {"reason", reason}}));
    m->deny_.emplace_back(reason, c);
  }
  return m;
}

void DecisionMetrics::count(bool allowed, std::string_view reason, std::uint64_t n) {
  if (n == 0) return;
  if (allowed) {
    allow_->inc(n);
    return;
  }
  for (auto& [name, counter] : deny_) {
    if (name == reason) {
      counter->inc(n);
      return;
    }
  }
  deny_.back().second->inc(n);
}

}  // namespace charter::http
