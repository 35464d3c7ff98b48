// The disclosure register (docs/DISCLOSURE.md): requests of public authorities (a court, the
// police or gendarmerie, the tax or customs administration, a social security body, a
// regulator) for personal data held by the controller, each with the authority, the legal
// reference it invokes, who asked on its behalf, the data categories and the subjects concerned
// (by subject id, an opaque pseudonymous id: never an e-mail or a name), and the DPO's approval
// or refusal with its reason.
//
// Append-only: a request is one row written once (disclosure_requests) and its decision another
// (disclosure_decisions, primary key = the request: at most one decision, enforced by the
// database); nothing is updated or deleted by this class. history() is the two rows in order.
// States: pending -> approved | refused (final).
//
// Audit (fail closed): each record and decision calls `audit` inside the write transaction,
// before it commits: one event without subject ("disclosure.<recorded|approved|refused>",
// reason = the authority kind, request_id = the disclosure id, actor = the staff member in the
// role "dpo") and one more per subject concerned with its pseudonym. If the audit fails, nothing
// is stored. Free texts (authority, reference, requester, reasons) never go to the audit log.
//
// Errors: kInvalidArgument naming the field (kind not in the list, empty or too long text,
// unknown category, malformed subject or staff id, duplicate subject, more than 1,000 subjects,
// refusal without a reason, received date in the future), kNotFound (unknown disclosure),
// kFailedPrecondition ("disclosure is approved: already decided"), the store's and the audit's.
// Thread safety: thread safe; everything given must outlive the register.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "policy/model.h"
#include "store/store.h"

namespace charter::disclosure {

// Who asks. "other" needs the authority's name to say it.
inline constexpr std::string_view kAuthorityKinds[] = {
    "court", "police", "tax", "customs", "social_security", "regulator", "other"};
bool valid_authority_kind(std::string_view kind);

enum class State { kPending, kApproved, kRefused };
const char* to_string(State s);  // "pending", "approved", "refused"
std::optional<State> parse_state(std::string_view s);

struct NewDisclosure {
  std::string authority_kind;           // one of kAuthorityKinds
  std::string authority;                // "Tribunal judiciaire de Paris" (1..200)
  std::string legal_reference;          // "Code de procédure pénale, art. 60-1" (1..500)
  std::string requested_by;             // function/office of the person who asked (1..200)
  std::vector<std::string> categories;  // policy category ids (at least one)
  std::vector<std::string> subjects;    // subject ids "sub_..." (may be empty: not yet known)
  std::string description;              // what is asked, in words (0..4,000)
  std::optional<Date> received;         // unset: today
};

struct Disclosure {
  std::string id;  // "dis_..."
  std::string authority_kind, authority, legal_reference, requested_by, description;
  std::vector<std::string> categories;
  std::vector<std::string> subjects;
  Date received;
  std::string recorded_by;  // staff id
  Timestamp recorded_at;
  State state = State::kPending;
  std::string decided_by;  // staff id, "" while pending
  std::optional<Timestamp> decided_at;
  std::string decision_reason;  // refusal: the reason; approval: the note (may be empty)
};

struct HistoryEntry {
  Timestamp at;
  std::string action;  // "recorded", "approved", "refused"
  std::string actor;   // staff id
  std::string note;
};

using AuditFn = std::function<Status(std::vector<audit::AuditEvent>)>;
using PseudonymFn = std::function<Result<std::string>(std::string_view subject_id)>;

class DisclosureRegister {
 public:
  // Applies the register's migrations. `audit` null: not audited (unit tests only);
  // `pseudonym` is needed as soon as a disclosure names a subject.
  static Result<std::unique_ptr<DisclosureRegister>> open(store::Store& store,
                                                          const policy::Policy& policy,
                                                          const Clock& clock, Random& random,
                                                          AuditFn audit, PseudonymFn pseudonym);

  Result<Disclosure> record(const NewDisclosure& request, std::string_view staff_id);
  // The DPO's decision: approve (note optional) or refuse (reason required).
  Result<Disclosure> approve(std::string_view disclosure_id, std::string_view staff_id,
                             std::string_view note);
  Result<Disclosure> refuse(std::string_view disclosure_id, std::string_view staff_id,
                            std::string_view reason);

  Result<Disclosure> get(std::string_view disclosure_id);
  // Newest first; `state` filters.
  Result<std::vector<Disclosure>> list(std::optional<State> state = std::nullopt,
                                       std::size_t limit = 200);
  Result<std::vector<HistoryEntry>> history(std::string_view disclosure_id);

 private:
  DisclosureRegister(store::Store& store, const policy::Policy& policy, const Clock& clock,
                     Random& random, AuditFn audit, PseudonymFn pseudonym)
      : store_(store),
        policy_(policy),
        clock_(clock),
        random_(random),
        audit_(std::move(audit)),
        pseudonym_(std::move(pseudonym)) {}

  Result<Disclosure> decide(std::string_view disclosure_id, std::string_view staff_id, bool approve,
                            std::string_view note);
  Status audit(const Disclosure& d, std::string_view action, std::string_view staff_id);
  Result<std::optional<Disclosure>> read(store::Transaction& tx, std::string_view disclosure_id);
  std::string next_id();

  store::Store& store_;
  const policy::Policy& policy_;
  const Clock& clock_;
  Random& random_;
  std::mutex random_mu_;
  AuditFn audit_;
  PseudonymFn pseudonym_;
};

}  // namespace charter::disclosure
