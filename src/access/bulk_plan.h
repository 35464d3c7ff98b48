// BulkPlan: one bulk question (actor, purpose, categories) compiled for fast evaluation over
// index rows (DecisionIndex). evaluate() answers exactly what decide() answers first
// (reasons[0]) for the subject the row describes, at `now`, without allocating: the actor,
// purpose and category checks are done once by decide() itself when the plan is made; the
// status, legal basis, objection and retention checks are mirrored per row (decision.cc and
// policy/window.cc; bulk_agreement_test.cc checks they agree).
// Thread safety: immutable after make(); evaluate() is const and thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "access/decision.h"

namespace charter::access {

struct IndexRow;
class DecisionIndex;

// Reason codes only bulk answers use (besides those of decide()).
namespace reason {
// The line names no subject the vault holds (unknown id or address). Also answered for an
// erased subject's former address: its blind index is gone.
inline constexpr const char* kUnknownSubject = "unknown_subject";
// The line is neither a subject id nor an e-mail address (empty, too long, malformed).
inline constexpr const char* kInvalidInput = "invalid_input";
}  // namespace reason

class BulkPlan {
 public:
  // The policy and the index's column layout (consent and objection columns of the purpose).
  static BulkPlan make(const DecisionIndex& index, const Actor& actor, const AccessRequest& request,
                       Timestamp now);

  // reasons[0] of decide() for the row's subject at `now` (reason::kAllowed when allowed).
  const char* evaluate(const IndexRow& row, Timestamp now) const;

  // Set when the actor, purpose or categories already decide (the same for every subject).
  const char* prefix() const { return prefix_; }
  int consent_column() const { return consent_column_; }
  int objection_column() const { return objection_column_; }
  const std::string& purpose() const { return purpose_id_; }

 private:
  struct Rule {
    policy::Duration duration;
    std::vector<policy::Anchor> after;
    bool while_contract = false, while_hold = false, while_request = false;
    bool stop_withdrawal = false, stop_objection = false;
  };
  struct Category {
    std::vector<Rule> rules;
  };
  bool rule_open(const Rule& rule, const IndexRow& row, std::int64_t withdrawal, bool objected,
                 bool contract_running, Timestamp now) const;

  const char* prefix_ = nullptr;
  std::string purpose_id_;
  bool restriction_ok_ = false;
  bool consent_basis_ = false;
  policy::Objection objection_ = policy::Objection::kNone;
  int consent_column_ = -1;
  int objection_column_ = -1;
  std::vector<Category> categories_;
};

}  // namespace charter::access
