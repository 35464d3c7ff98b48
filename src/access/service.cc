#include "access/service.h"

#include "access/actor.h"
#include "access/bulk_plan.h"
#include "core/id.h"

namespace charter::access {

bool is_request_reason(std::string_view code) {
  return code == reason::kUnknownPurpose || code == reason::kUnknownCategory ||
         code == reason::kActorSuspended || code == reason::kRoleNotRecipient ||
         code == reason::kTrainingMissing || code == reason::kTrainingExpired ||
         code == reason::kConfidentialityMissing || code == reason::kServiceNotBound ||
         code == reason::kCategoryNotInPurpose;
}

Result<SubjectFacts> AccessService::load_facts(std::string_view subject_id) {
  if (index_ && index_->loaded()) {
    CHARTER_TRY(auto held, index_->facts(subject_id));
    if (held) return std::move(*held);
    // Not in the index (an id of another shape, a subject whose load failed): the store says.
  }
  return source_.load(subject_id);
}

Result<Decision> AccessService::decide(const staff::Identity& who, std::string_view subject_id,
                                       const AccessRequest& request, std::string_view request_id) {
  return decide(actor_from(who), subject_id, request, request_id);
}

Result<Decision> AccessService::decide(const Actor& actor, std::string_view subject_id,
                                       const AccessRequest& request, std::string_view request_id) {
  if (!is_valid_id(subject_id, "sub")) {
    return make_error(Errc::kInvalidArgument,
                      "subject_id: expected \"sub_\" followed by 26 base32 characters");
  }
  const policy::Policy& policy = source_.vault().policy();
  const Timestamp now = clock_.now();
  // 1. What the actor, purpose and categories decide alone: answered without reading the
  //    subject, so a refused caller learns nothing about it.
  Decision pre = access::decide(policy, actor, SubjectSnapshot{}, request, now);
  if (!pre.reasons.empty() && is_request_reason(pre.reasons[0])) {
    Decision d;
    d.sentence = pre.sentence;
    for (auto& r : pre.reasons)
      if (is_request_reason(r)) d.reasons.push_back(r);
    CHARTER_TRY_STATUS(log_.record(actor, subject_id, request, d, request_id));
    return d;
  }
  // 2. The subject.
  auto facts = load_facts(subject_id);
  if (!facts.ok()) {
    if (facts.error().code != Errc::kNotFound) return facts.error();
    Decision d;
    d.reasons = {reason::kUnknownSubject};
    d.sentence = "No such subject.";
    CHARTER_TRY_STATUS(log_.record(actor, subject_id, request, d, request_id));
    return make_error(Errc::kNotFound, "no such subject");
  }
  Decision d = access::decide(policy, actor, to_snapshot(*facts, now), request, now);
  CHARTER_TRY_STATUS(log_.record(actor, subject_id, request, d, request_id));
  return d;
}

}  // namespace charter::access
