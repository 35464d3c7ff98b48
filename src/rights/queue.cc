#include "rights/queue.h"

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/seal.h"
#include "rights/deadline.h"
#include "rights/schema.h"
#include "vault/normalize.h"

namespace charter::rights {
namespace {

constexpr std::size_t kMaxText = 10000;
constexpr std::string_view kColumns =
    "request_id, type, state, requester, proof_state, channel, language, email_sealed, "
    "text_sealed, params_sealed, answer_sealed, subject_id, received_on, due_on, "
    "extended_due_on, created_at, updated_at, verified_at";

std::int64_t us(Timestamp t) { return to_unix_micros(t); }

bool valid_reason(std::string_view r) {
  if (r.empty() || r.size() > 64) return false;
  for (char c : r) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

const char* kind_name(Actor::Kind k) {
  switch (k) {
    case Actor::Kind::kSubject:
      return "subject";
    case Actor::Kind::kStaff:
      return "staff";
    case Actor::Kind::kSystem:
      return "system";
  }
  return "system";
}

Actor::Kind parse_kind(std::string_view s) {
  if (s == "subject") return Actor::Kind::kSubject;
  if (s == "staff") return Actor::Kind::kStaff;
  return Actor::Kind::kSystem;
}

ProofState parse_proof(std::string_view s) {
  if (s == "pending") return ProofState::kPending;
  if (s == "accepted") return ProofState::kAccepted;
  if (s == "refused") return ProofState::kRefused;
  return ProofState::kNone;
}

Status check_actor(const Actor& a) {
  if (a.kind == Actor::Kind::kStaff && !is_valid_id(a.id, "stf")) {
    return make_error(Errc::kInvalidArgument, "actor: a staff id (\"stf_...\") is required");
  }
  if (a.kind == Actor::Kind::kSystem && !valid_reason(a.id)) {
    return make_error(Errc::kInvalidArgument, "actor: a component name ([a-z0-9_]) is required");
  }
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<RequestQueue>> RequestQueue::open(store::Store& store,
                                                         const policy::Policy& policy,
                                                         const crypto::KeyRing& ring,
                                                         const Clock& clock, Random& random,
                                                         AuditHook audit) {
  CHARTER_TRY_STATUS(migrate_rights(store, clock));
  CHARTER_TRY(RightsKeys keys, load_rights_keys(store, ring, random, clock));
  return std::unique_ptr<RequestQueue>(
      new RequestQueue(store, policy, std::move(keys), clock, random, std::move(audit)));
}

crypto::BlindIndex RequestQueue::email_index(std::string_view normalized_email) const {
  return keys_.email_index->compute(normalized_email);
}

std::vector<std::uint8_t> RequestQueue::seal(std::string_view request_id, std::string_view field,
                                             std::string_view plain) {
  const auto ad = crypto::canonical_ad({"rights", request_id, field});
  return crypto::seal(keys_.seal, crypto::as_bytes(plain), ad, random_);
}

Result<std::string> RequestQueue::open_sealed(std::string_view request_id, std::string_view field,
                                              crypto::ByteView sealed) const {
  const auto ad = crypto::canonical_ad({"rights", request_id, field});
  CHARTER_TRY(auto plain, crypto::open(keys_.seal, sealed, ad));
  return std::string(crypto::as_chars(plain));
}

Status RequestQueue::record(store::Transaction& tx, const Transition& t, std::string_view note) {
  CHARTER_TRY(auto row, tx.query_one("SELECT COALESCE(MAX(seq), 0) FROM rights_transitions WHERE "
                                     "request_id = ?",
                                     {t.request_id}));
  CHARTER_TRY(std::int64_t last, (*row)[0].as_int(0));
  store::Param sealed_note;
  std::vector<std::uint8_t> sealed;
  if (!note.empty()) {
    sealed = seal(t.request_id, "note:" + std::to_string(last + 1), note);
    sealed_note = store::Param(sealed);
  }
  std::optional<std::string> from;
  if (t.from) from = to_string(*t.from);
  CHARTER_TRY(auto n, tx.exec("INSERT INTO rights_transitions (request_id, seq, at, from_state, "
                              "to_state, actor_kind, actor_id, reason, note_sealed) VALUES (?, ?, "
                              "?, ?, ?, ?, ?, ?, ?)",
                              {t.request_id, last + 1, us(t.at), from, to_string(t.to),
                               kind_name(t.actor.kind), t.actor.id, t.reason, sealed_note}));
  (void)n;
  if (audit_) CHARTER_TRY_STATUS(audit_(tx, t));
  return ok_status();
}

Result<Request> RequestQueue::create(const NewRequest& in, const Actor& actor,
                                     std::string_view reason) {
  CHARTER_TRY_STATUS(check_actor(actor));
  if (!valid_reason(reason)) {
    return make_error(Errc::kInvalidArgument, "reason: a reason code of [a-z0-9_] is required");
  }
  if (in.language != "fr" && in.language != "en") {
    return make_error(Errc::kInvalidArgument, "language: \"fr\" or \"en\"");
  }
  if (policy_.find_channel(in.channel) == nullptr) {
    return make_error(Errc::kInvalidArgument, "channel: not a channel of the policy");
  }
  auto email = vault::normalize_email(in.email);
  if (!email) return make_error(Errc::kInvalidArgument, "email: not a valid e-mail address");
  if (in.text.size() > kMaxText) {
    return make_error(Errc::kInvalidArgument, "text: at most 10,000 bytes");
  }
  auto params = nlohmann::json::parse(in.params_json, nullptr, false);
  if (params.is_discarded() || !params.is_object()) {
    return make_error(Errc::kInvalidArgument, "params: a JSON object is required");
  }
  const Timestamp now = clock_.now();
  Request r;
  r.id = new_id(random_, "dsr");
  r.type = in.type;
  r.state = State::kReceived;
  r.requester = in.requester;
  r.proof = in.requester == Requester::kSubject ? ProofState::kNone : ProofState::kPending;
  r.channel = in.channel;
  r.language = in.language;
  r.email = *email;
  r.text = in.text;
  r.params_json = params.dump();
  r.received = in.received ? *in.received : date_of(now);
  if (r.received > date_of(now)) {
    return make_error(Errc::kInvalidArgument, "received: must not be in the future");
  }
  r.due = deadlines_for(r.received, policy_.rights).due;
  r.created_at = r.updated_at = now;
  const auto index = email_index(r.email);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n,
              tx.exec("INSERT INTO rights_requests (request_id, type, state, requester, "
                      "proof_state, channel, language, email_index, email_sealed, text_sealed, "
                      "params_sealed, subject_id, received_on, due_on, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)",
                      {r.id, to_string(r.type), to_string(r.state), to_string(r.requester),
                       to_string(r.proof), r.channel, r.language, crypto::ByteView(index),
                       seal(r.id, "email", r.email), seal(r.id, "text", r.text),
                       seal(r.id, "params", r.params_json), format_date(r.received),
                       format_date(r.due), us(now), us(now)}));
  (void)n;
  if (!in.mail_key.empty()) {
    CHARTER_TRY(auto m, tx.exec("INSERT INTO rights_mail (message_key, request_id, recorded_at) "
                                "VALUES (?, ?, ?)",
                                {in.mail_key, r.id, us(now)}));
    (void)m;
  }
  Transition t{r.id, "", r.type, std::nullopt, State::kReceived, actor, std::string(reason), now};
  CHARTER_TRY_STATUS(record(tx, t, {}));
  CHARTER_TRY_STATUS(tx.commit());
  return r;
}

Result<Request> RequestQueue::transition(std::string_view request_id, State to, const Actor& actor,
                                         std::string_view reason, std::string_view note,
                                         const Changes& c) {
  CHARTER_TRY_STATUS(check_actor(actor));
  if (!valid_reason(reason)) {
    return make_error(Errc::kInvalidArgument, "reason: a reason code of [a-z0-9_] is required");
  }
  if (!is_valid_id(request_id, "dsr")) {
    return make_error(Errc::kInvalidArgument, "request_id: a request id (\"dsr_...\") is required");
  }
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY_STATUS(tx.lock(std::string("charter.rights.") + std::string(request_id)));
  CHARTER_TRY(Request r, read_one(tx, request_id));
  if (to != r.state && !transition_allowed(r.state, to)) {
    return make_error(Errc::kFailedPrecondition, std::string("request is ") + to_string(r.state) +
                                                     ": cannot become " + to_string(to));
  }
  if (to == r.state && is_final(r.state)) {
    return make_error(Errc::kFailedPrecondition,
                      std::string("request is ") + to_string(r.state) + ": it is closed");
  }
  const Timestamp now = clock_.now();
  const State from = r.state;
  r.state = to;
  r.updated_at = now;
  if (c.type) r.type = *c.type;
  if (c.subject_id) r.subject_id = *c.subject_id;
  if (c.extended_due) r.extended_due = *c.extended_due;
  if (c.answer) r.answer = *c.answer;
  if (c.proof) r.proof = *c.proof;
  if (c.params_json) r.params_json = *c.params_json;
  if (c.verified) r.verified_at = now;
  std::optional<std::string> ext;
  if (r.extended_due) ext = format_date(*r.extended_due);
  std::optional<std::int64_t> verified;
  if (r.verified_at) verified = us(*r.verified_at);
  CHARTER_TRY(auto n,
              tx.exec("UPDATE rights_requests SET type = ?, state = ?, proof_state = ?, "
                      "subject_id = ?, extended_due_on = ?, updated_at = ?, verified_at = "
                      "?, params_sealed = ? WHERE request_id = ?",
                      {to_string(r.type), to_string(r.state), to_string(r.proof), r.subject_id, ext,
                       us(now), verified, seal(r.id, "params", r.params_json), r.id}));
  (void)n;
  if (c.answer) {
    CHARTER_TRY(auto m, tx.exec("UPDATE rights_requests SET answer_sealed = ? WHERE request_id = ?",
                                {seal(r.id, "answer", r.answer), r.id}));
    (void)m;
  }
  if (c.proof_document) {
    CHARTER_TRY(auto m, tx.exec("UPDATE rights_requests SET proof_sealed = ? WHERE request_id = ?",
                                {seal(r.id, "proof", *c.proof_document), r.id}));
    (void)m;
  }
  Transition t{r.id, r.subject_id, r.type, from, to, actor, std::string(reason), now};
  CHARTER_TRY_STATUS(record(tx, t, note));
  CHARTER_TRY_STATUS(tx.commit());
  return r;
}

Result<std::vector<Request>> RequestQueue::select(store::Transaction& tx, std::string_view where,
                                                  std::initializer_list<store::Param> params) {
  std::string sql =
      "SELECT " + std::string(kColumns) + " FROM rights_requests " + std::string(where);
  CHARTER_TRY(store::Rows rows, tx.query(sql, params));
  std::vector<Request> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    Request r;
    CHARTER_TRY(auto id, rows.get_text(0));
    r.id = std::string(id);
    CHARTER_TRY(auto type, rows.get_text(1));
    r.type = parse_right(type).value_or(RightType::kUnclassified);
    CHARTER_TRY(auto state, rows.get_text(2));
    r.state = parse_state(state).value_or(State::kReceived);
    CHARTER_TRY(auto req, rows.get_text(3));
    r.requester = parse_requester(req).value_or(Requester::kSubject);
    CHARTER_TRY(auto proof, rows.get_text(4));
    r.proof = parse_proof(proof);
    CHARTER_TRY(auto channel, rows.get_text(5));
    r.channel = std::string(channel);
    CHARTER_TRY(auto lang, rows.get_text(6));
    r.language = std::string(lang);
    CHARTER_TRY(auto email, rows.get_blob(7));
    CHARTER_TRY(r.email, open_sealed(r.id, "email", email));
    CHARTER_TRY(auto text, rows.get_blob(8));
    CHARTER_TRY(r.text, open_sealed(r.id, "text", text));
    CHARTER_TRY(auto params, rows.get_blob(9));
    CHARTER_TRY(r.params_json, open_sealed(r.id, "params", params));
    if (!rows.is_null(10)) {
      CHARTER_TRY(auto answer, rows.get_blob(10));
      CHARTER_TRY(r.answer, open_sealed(r.id, "answer", answer));
    }
    CHARTER_TRY(auto subject, rows.get_text(11));
    r.subject_id = std::string(subject);
    CHARTER_TRY(auto received, rows.get_text(12));
    CHARTER_TRY(r.received, parse_date(received));
    CHARTER_TRY(auto due, rows.get_text(13));
    CHARTER_TRY(r.due, parse_date(due));
    if (!rows.is_null(14)) {
      CHARTER_TRY(auto ext, rows.get_text(14));
      CHARTER_TRY(Date d, parse_date(ext));
      r.extended_due = d;
    }
    CHARTER_TRY(auto created, rows.get_int(15));
    r.created_at = from_unix_micros(created);
    CHARTER_TRY(auto updated, rows.get_int(16));
    r.updated_at = from_unix_micros(updated);
    if (!rows.is_null(17)) {
      CHARTER_TRY(auto v, rows.get_int(17));
      r.verified_at = from_unix_micros(v);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<Request> RequestQueue::read_one(store::Transaction& tx, std::string_view request_id) {
  CHARTER_TRY(auto found, select(tx, "WHERE request_id = ?", {request_id}));
  if (found.empty()) return make_error(Errc::kNotFound, "request: no such request");
  return std::move(found.front());
}

Result<Request> RequestQueue::get(std::string_view request_id) {
  if (!is_valid_id(request_id, "dsr")) {
    return make_error(Errc::kInvalidArgument, "request_id: a request id (\"dsr_...\") is required");
  }
  CHARTER_TRY(auto tx, store_.read());
  return read_one(tx, request_id);
}

Result<std::vector<Request>> RequestQueue::list(std::optional<State> state, bool open_only,
                                                std::size_t limit) {
  CHARTER_TRY(auto tx, store_.read());
  const auto lim = static_cast<std::int64_t>(limit);
  if (state) {
    return select(tx, "WHERE state = ? ORDER BY created_at, request_id LIMIT ?",
                  {to_string(*state), lim});
  }
  if (open_only) {
    return select(tx,
                  "WHERE state NOT IN ('fulfilled', 'partially_fulfilled', 'refused') ORDER BY "
                  "created_at, request_id LIMIT ?",
                  {lim});
  }
  return select(tx, "ORDER BY created_at, request_id LIMIT ?", {lim});
}

Result<std::vector<Request>> RequestQueue::list_by_email(std::string_view email) {
  auto normal = vault::normalize_email(email);
  if (!normal) return make_error(Errc::kInvalidArgument, "email: not a valid e-mail address");
  return list_by_email_index(email_index(*normal));
}

Result<std::vector<Request>> RequestQueue::list_by_email_index(const crypto::BlindIndex& index) {
  CHARTER_TRY(auto tx, store_.read());
  return select(tx, "WHERE email_index = ? ORDER BY created_at DESC, request_id",
                {crypto::ByteView(index)});
}

Result<std::vector<TransitionRecord>> RequestQueue::history(std::string_view request_id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(store::Rows rows,
              tx.query("SELECT seq, at, from_state, to_state, actor_kind, actor_id, reason, "
                       "note_sealed FROM rights_transitions WHERE request_id = ? ORDER BY seq",
                       {request_id}));
  std::vector<TransitionRecord> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    TransitionRecord t;
    CHARTER_TRY(t.seq, rows.get_int(0));
    CHARTER_TRY(auto at, rows.get_int(1));
    t.at = from_unix_micros(at);
    if (!rows.is_null(2)) {
      CHARTER_TRY(auto f, rows.get_text(2));
      t.from = parse_state(f);
    }
    CHARTER_TRY(auto to, rows.get_text(3));
    t.to = parse_state(to).value_or(State::kReceived);
    CHARTER_TRY(auto kind, rows.get_text(4));
    t.actor.kind = parse_kind(kind);
    CHARTER_TRY(auto actor, rows.get_text(5));
    t.actor.id = std::string(actor);
    CHARTER_TRY(auto reason, rows.get_text(6));
    t.reason = std::string(reason);
    if (!rows.is_null(7)) {
      CHARTER_TRY(auto note, rows.get_blob(7));
      CHARTER_TRY(t.note, open_sealed(request_id, "note:" + std::to_string(t.seq), note));
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::string> RequestQueue::proof_document(std::string_view request_id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(
      auto row,
      tx.query_one("SELECT proof_sealed FROM rights_requests WHERE request_id = ?", {request_id}));
  if (!row) return make_error(Errc::kNotFound, "request: no such request");
  if ((*row)[0].is_null()) return std::string();
  CHARTER_TRY(auto blob, (*row)[0].as_blob(0));
  return open_sealed(request_id, "proof", blob);
}

Result<bool> RequestQueue::open_for_subject(std::string_view subject_id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT COUNT(*) FROM rights_requests WHERE subject_id = ? "
                                     "AND state NOT IN ('fulfilled', 'partially_fulfilled', "
                                     "'refused')",
                                     {subject_id}));
  CHARTER_TRY(std::int64_t n, (*row)[0].as_int(0));
  return n > 0;
}

}  // namespace charter::rights
