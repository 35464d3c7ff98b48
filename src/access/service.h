// AccessService: single access decisions on stored subjects (DESIGN.md section 4;
// docs/ACCESS.md). decide() checks the actor, purpose and categories first; when they already
// refuse, the subject is not looked up (the caller learns nothing about it). Otherwise it reads
// the subject's facts from the store (FactSource: vault row, consent ledger), calls the pure
// access::decide() at the clock's now, records the decision through the DecisionLog, and only
// then answers.
//
// Results: the Decision (allowed or denied with reasons and a sentence). Errors:
//   kInvalidArgument  subject_id is not a subject id ("sub_" + 26 base32 characters);
//   kNotFound         "no such subject": no subject with this id in the vault (the refusal is
//                     recorded as a denial with reason unknown_subject first);
//   the DecisionLog's error when the decision cannot be recorded: FAIL CLOSED, the decision is
//                     never returned, allowed or not;
//   the store's errors (kUnavailable...).
// Messages never contain the subject id or any personal data.
// Thread safety: thread safe. The FactSource, DecisionLog and Clock must outlive it.
#pragma once

#include <string_view>

#include "access/decision.h"
#include "access/decision_index.h"
#include "access/decision_log.h"
#include "access/subject_facts.h"
#include "staff/types.h"

namespace charter::access {

class AccessService {
 public:
  AccessService(FactSource& source, DecisionLog& log, const Clock& clock)
      : source_(source), log_(log), clock_(clock) {}

  Result<Decision> decide(const staff::Identity& who, std::string_view subject_id,
                          const AccessRequest& request, std::string_view request_id = {});
  Result<Decision> decide(const Actor& actor, std::string_view subject_id,
                          const AccessRequest& request, std::string_view request_id = {});

  const policy::Policy& policy() const { return source_.vault().policy(); }

  // Reads the subject's facts from `index` (DecisionIndex::facts: no store query) instead of the
  // store, when the index is loaded and holds the subject; else from the store as above. Only
  // for an index that is current: one that sees every committed change before it is
  // acknowledged (its observers are on this process's vault and ledger, and no other process
  // writes the store: SQLite). With several servers on one PostgreSQL the index follows the
  // others with a delay (cli/index_feed.h): do not set it there. Set before serving; null: off.
  void use_index(DecisionIndex* index) { index_ = index; }

 private:
  Result<SubjectFacts> load_facts(std::string_view subject_id);

  FactSource& source_;
  DecisionLog& log_;
  const Clock& clock_;
  DecisionIndex* index_ = nullptr;
};

// True for the reason codes decided by the actor, purpose and categories alone.
bool is_request_reason(std::string_view code);

}  // namespace charter::access
