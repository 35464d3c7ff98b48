#include "disclosure/register.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "core/id.h"
#include "store/migrate.h"

namespace charter::disclosure {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSubjects = 1000;

// Times: microseconds since the Unix epoch (UTC); dates "YYYY-MM-DD"; lists: JSON arrays.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE disclosure_requests (
  disclosure_id TEXT NOT NULL PRIMARY KEY,
  authority_kind TEXT NOT NULL,
  authority TEXT NOT NULL,
  legal_reference TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  description TEXT NOT NULL,
  categories TEXT NOT NULL,
  subjects TEXT NOT NULL,
  received_on TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at BIGINT NOT NULL);
CREATE INDEX disclosure_requests_recorded ON disclosure_requests (recorded_at);
CREATE TABLE disclosure_decisions (
  disclosure_id TEXT NOT NULL PRIMARY KEY,
  decision TEXT NOT NULL CHECK (decision IN ('approved', 'refused')),
  decided_by TEXT NOT NULL,
  decided_at BIGINT NOT NULL,
  reason TEXT NOT NULL)
)sql";
constexpr store::Migration kMigrations[] = {{1, "disclosure register", kV1}};

constexpr std::string_view kSelect =
    "SELECT r.disclosure_id, r.authority_kind, r.authority, r.legal_reference, r.requested_by, "
    "r.description, r.categories, r.subjects, r.received_on, r.recorded_by, r.recorded_at, "
    "d.decision, d.decided_by, d.decided_at, d.reason FROM disclosure_requests r LEFT JOIN "
    "disclosure_decisions d ON d.disclosure_id = r.disclosure_id";

Status text_field(std::string_view value, std::string_view name, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max) {
    return make_error(Errc::kInvalidArgument, std::string(name) + ": " +
                                                  (min > 0 ? "required, " : "") + "at most " +
                                                  std::to_string(max) + " bytes");
  }
  for (unsigned char c : value) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      return make_error(Errc::kInvalidArgument,
                        std::string(name) + ": control characters are not allowed");
    }
  }
  return ok_status();
}

Result<std::vector<std::string>> string_list(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return make_error(Errc::kIntegrity, "disclosure_requests: bad list");
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (!v.is_string()) return make_error(Errc::kIntegrity, "disclosure_requests: bad list");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<Disclosure> from_rows(const store::Rows& rows) {
  Disclosure d;
  CHARTER_TRY(auto id, rows.get_text(0));
  CHARTER_TRY(auto kind, rows.get_text(1));
  CHARTER_TRY(auto authority, rows.get_text(2));
  CHARTER_TRY(auto ref, rows.get_text(3));
  CHARTER_TRY(auto by, rows.get_text(4));
  CHARTER_TRY(auto desc, rows.get_text(5));
  CHARTER_TRY(auto cats, rows.get_text(6));
  CHARTER_TRY(auto subs, rows.get_text(7));
  CHARTER_TRY(auto received, rows.get_text(8));
  CHARTER_TRY(auto recorded_by, rows.get_text(9));
  CHARTER_TRY(auto recorded_at, rows.get_int(10));
  d.id = id;
  d.authority_kind = kind;
  d.authority = authority;
  d.legal_reference = ref;
  d.requested_by = by;
  d.description = desc;
  CHARTER_TRY(d.categories, string_list(cats));
  CHARTER_TRY(d.subjects, string_list(subs));
  CHARTER_TRY(d.received, parse_date(received));
  d.recorded_by = recorded_by;
  d.recorded_at = from_unix_micros(recorded_at);
  if (!rows.is_null(11)) {
    CHARTER_TRY(auto decision, rows.get_text(11));
    CHARTER_TRY(auto decided_by, rows.get_text(12));
    CHARTER_TRY(auto decided_at, rows.get_int(13));
    CHARTER_TRY(auto reason, rows.get_text(14));
    d.state = decision == "approved" ? State::kApproved : State::kRefused;
    d.decided_by = decided_by;
    d.decided_at = from_unix_micros(decided_at);
    d.decision_reason = reason;
  }
  return d;
}

}  // namespace

bool valid_authority_kind(std::string_view kind) {
  return std::find(std::begin(kAuthorityKinds), std::end(kAuthorityKinds), kind) !=
         std::end(kAuthorityKinds);
}

const char* to_string(State s) {
  switch (s) {
    case State::kPending:
      return "pending";
    case State::kApproved:
      return "approved";
    case State::kRefused:
      return "refused";
  }
  return "?";
}

std::optional<State> parse_state(std::string_view s) {
  if (s == "pending") return State::kPending;
  if (s == "approved") return State::kApproved;
  if (s == "refused") return State::kRefused;
  return std::nullopt;
}

Result<std::unique_ptr<DisclosureRegister>> DisclosureRegister::open(store::Store& store,
                                                                     const policy::Policy& policy,
                                                                     const Clock& clock,
                                                                     Random& random, AuditFn audit,
                                                                     PseudonymFn pseudonym) {
  CHARTER_TRY(int applied, store::migrate(store, "disclosure", kMigrations, clock));
  (void)applied;
  return std::unique_ptr<DisclosureRegister>(
      new DisclosureRegister(store, policy, clock, random, std::move(audit), std::move(pseudonym)));
}

std::string DisclosureRegister::next_id() {
  std::lock_guard lock(random_mu_);
  return new_id(random_, "dis");
}

Status DisclosureRegister::audit(const Disclosure& d, std::string_view action,
                                 std::string_view staff_id) {
  if (!audit_) return ok_status();
  std::vector<audit::AuditEvent> events;
  audit::AuditEvent base;
  base.actor = {audit::ActorKind::kStaff, std::string(staff_id), "dpo"};
  base.action = "disclosure." + std::string(action);
  base.reason = d.authority_kind;
  base.request_id = d.id;
  events.push_back(base);
  for (const auto& s : d.subjects) {
    if (!pseudonym_) {
      return make_error(Errc::kFailedPrecondition, "disclosure: no pseudonym key for the audit");
    }
    CHARTER_TRY(std::string p, pseudonym_(s));
    audit::AuditEvent e = base;
    e.subject = std::move(p);
    events.push_back(std::move(e));
  }
  return audit_(std::move(events));
}

Result<Disclosure> DisclosureRegister::record(const NewDisclosure& n, std::string_view staff_id) {
  if (!valid_authority_kind(n.authority_kind)) {
    return make_error(Errc::kInvalidArgument,
                      "authority_kind: one of court, police, tax, customs, social_security, "
                      "regulator, other");
  }
  CHARTER_TRY_STATUS(text_field(n.authority, "authority", 1, 200));
  CHARTER_TRY_STATUS(text_field(n.legal_reference, "legal_reference", 1, 500));
  CHARTER_TRY_STATUS(text_field(n.requested_by, "requested_by", 1, 200));
  CHARTER_TRY_STATUS(text_field(n.description, "description", 0, 4000));
  if (!is_valid_id(staff_id, "stf")) {
    return make_error(Errc::kInvalidArgument, "recorded_by: a staff id (stf_...)");
  }
  if (n.categories.empty()) {
    return make_error(Errc::kInvalidArgument,
                      "categories: at least one data category of the policy");
  }
  std::set<std::string> seen;
  for (const auto& c : n.categories) {
    if (!policy_.find_category(c)) {
      return make_error(Errc::kInvalidArgument,
                        "categories: not a data category of the policy (see GET /v1/policy)");
    }
    if (!seen.insert(c).second) {
      return make_error(Errc::kInvalidArgument, "categories: listed twice");
    }
  }
  if (n.subjects.size() > kMaxSubjects) {
    return make_error(Errc::kInvalidArgument, "subjects: at most 1000 per disclosure");
  }
  seen.clear();
  for (const auto& s : n.subjects) {
    if (!is_valid_id(s, "sub")) {
      return make_error(Errc::kInvalidArgument,
                        "subjects: subject ids (sub_...), never an e-mail or a name");
    }
    if (!seen.insert(s).second) {
      return make_error(Errc::kInvalidArgument, "subjects: listed twice");
    }
  }
  const Timestamp now = clock_.now();
  Disclosure d;
  d.id = next_id();
  d.authority_kind = n.authority_kind;
  d.authority = n.authority;
  d.legal_reference = n.legal_reference;
  d.requested_by = n.requested_by;
  d.description = n.description;
  d.categories = n.categories;
  d.subjects = n.subjects;
  d.received = n.received.value_or(date_of(now));
  if (std::chrono::sys_days(d.received) > std::chrono::sys_days(date_of(now))) {
    return make_error(Errc::kInvalidArgument, "received: not after today");
  }
  d.recorded_by = std::string(staff_id);
  d.recorded_at = now;
  const std::string cats = json(d.categories).dump();
  const std::string subs = json(d.subjects).dump();
  const std::string received = format_date(d.received);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto rows,
              tx.exec("INSERT INTO disclosure_requests (disclosure_id, authority_kind, "
                      "authority, legal_reference, requested_by, description, "
                      "categories, subjects, received_on, recorded_by, recorded_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      {d.id, d.authority_kind, d.authority, d.legal_reference, d.requested_by,
                       d.description, cats, subs, received, d.recorded_by, to_unix_micros(now)}));
  (void)rows;
  CHARTER_TRY_STATUS(audit(d, "recorded", staff_id));
  CHARTER_TRY_STATUS(tx.commit());
  return d;
}

Result<Disclosure> DisclosureRegister::approve(std::string_view id, std::string_view staff_id,
                                               std::string_view note) {
  return decide(id, staff_id, true, note);
}

Result<Disclosure> DisclosureRegister::refuse(std::string_view id, std::string_view staff_id,
                                              std::string_view reason) {
  return decide(id, staff_id, false, reason);
}

Result<Disclosure> DisclosureRegister::decide(std::string_view id, std::string_view staff_id,
                                              bool approve, std::string_view note) {
  if (!is_valid_id(id, "dis")) {
    return make_error(Errc::kInvalidArgument, "disclosure_id: a disclosure id (dis_...)");
  }
  if (!is_valid_id(staff_id, "stf")) {
    return make_error(Errc::kInvalidArgument, "decided_by: a staff id (stf_...)");
  }
  if (approve) {
    CHARTER_TRY_STATUS(text_field(note, "note", 0, 4000));
  } else {
    CHARTER_TRY_STATUS(text_field(note, "reason", 1, 4000));
  }
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY_STATUS(tx.lock("disclosure"));
  CHARTER_TRY(auto current, read(tx, id));
  if (!current) return make_error(Errc::kNotFound, "disclosure: no such disclosure");
  Disclosure d = std::move(*current);
  if (d.state != State::kPending) {
    return make_error(Errc::kFailedPrecondition,
                      std::string("disclosure is ") + to_string(d.state) + ": already decided");
  }
  const Timestamp now = clock_.now();
  d.state = approve ? State::kApproved : State::kRefused;
  d.decided_by = std::string(staff_id);
  d.decided_at = now;
  d.decision_reason = std::string(note);
  CHARTER_TRY(auto n, tx.exec("INSERT INTO disclosure_decisions (disclosure_id, decision, "
                              "decided_by, decided_at, reason) VALUES (?, ?, ?, ?, ?)",
                              {d.id, to_string(d.state), d.decided_by, to_unix_micros(now),
                               d.decision_reason}));
  (void)n;
  CHARTER_TRY_STATUS(audit(d, to_string(d.state), staff_id));
  CHARTER_TRY_STATUS(tx.commit());
  return d;
}

Result<std::optional<Disclosure>> DisclosureRegister::read(store::Transaction& tx,
                                                           std::string_view id) {
  CHARTER_TRY(auto rows, tx.query(std::string(kSelect) + " WHERE r.disclosure_id = ?", {id}));
  CHARTER_TRY(bool more, rows.next());
  if (!more) return std::optional<Disclosure>();
  CHARTER_TRY(auto d, from_rows(rows));
  return std::optional<Disclosure>(std::move(d));
}

Result<Disclosure> DisclosureRegister::get(std::string_view id) {
  if (!is_valid_id(id, "dis")) {
    return make_error(Errc::kInvalidArgument, "disclosure_id: a disclosure id (dis_...)");
  }
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto d, read(tx, id));
  if (!d) return make_error(Errc::kNotFound, "disclosure: no such disclosure");
  return std::move(*d);
}

Result<std::vector<Disclosure>> DisclosureRegister::list(std::optional<State> state,
                                                         std::size_t limit) {
  std::string sql(kSelect);
  if (state == State::kPending) {
    sql += " WHERE d.decision IS NULL";
  } else if (state) {
    sql += " WHERE d.decision = ?";
  }
  sql += " ORDER BY r.recorded_at DESC, r.disclosure_id LIMIT ?";
  CHARTER_TRY(auto tx, store_.read());
  const auto n = static_cast<std::int64_t>(limit);
  CHARTER_TRY(auto rows, state&&* state != State::kPending ? tx.query(sql, {to_string(*state), n})
                                                           : tx.query(sql, {n}));
  std::vector<Disclosure> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto d, from_rows(rows));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<HistoryEntry>> DisclosureRegister::history(std::string_view id) {
  CHARTER_TRY(Disclosure d, get(id));
  std::vector<HistoryEntry> out;
  out.push_back({d.recorded_at, "recorded", d.recorded_by, ""});
  if (d.decided_at) {
    out.push_back({*d.decided_at, to_string(d.state), d.decided_by, d.decision_reason});
  }
  return out;
}

}  // namespace charter::disclosure
