#include "consent/ledger.h"

#include <future>

#include "consent/schema.h"
#include "policy/window.h"

namespace charter::consent {
namespace {

constexpr std::size_t kMaxIpBytes = 64;
constexpr std::size_t kMaxUserAgentBytes = 1024;

std::string channel_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

Result<std::int64_t> stored_seq(store::Store& store) {
  CHARTER_TRY(auto tx, store.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT value FROM consent_meta WHERE name = 'seq'"));
  if (!row) return std::int64_t{0};
  return (*row)[0].as_int(0);
}

}  // namespace

void append_event_params(const ConsentEvent& e, std::vector<store::Param>& out) {
  out.emplace_back(e.subject_id);
  out.emplace_back(e.event_id);
  out.emplace_back(e.purpose);
  out.emplace_back(e.seq);
  out.emplace_back(to_string(e.kind));
  out.emplace_back(to_unix_micros(e.at));
  out.emplace_back(e.channel);
  out.emplace_back(e.language);
  out.push_back(e.notice_sha256 ? store::Param(*e.notice_sha256) : store::Param());
  out.emplace_back(e.policy_version);
  out.push_back(e.expires_at ? store::Param(to_unix_micros(*e.expires_at)) : store::Param());
  out.emplace_back(e.gpc ? 1 : 0);
  out.emplace_back(static_cast<std::int64_t>(e.key_version));
  out.push_back(e.sealed_evidence ? store::Param(*e.sealed_evidence) : store::Param());
}

Result<ConsentEvent> read_event(const store::Rows& rows) {
  ConsentEvent e;
  CHARTER_TRY(e.subject_id, text(rows, 0));
  CHARTER_TRY(e.event_id, text(rows, 1));
  CHARTER_TRY(e.purpose, text(rows, 2));
  CHARTER_TRY(e.seq, rows.get_int(3));
  CHARTER_TRY(auto kind, rows.get_text(4));
  auto k = parse_event_kind(kind);
  if (!k) return make_error(Errc::kIntegrity, "consent_events: unknown kind");
  e.kind = *k;
  CHARTER_TRY(auto at, rows.get_int(5));
  e.at = from_unix_micros(at);
  CHARTER_TRY(e.channel, text(rows, 6));
  CHARTER_TRY(e.language, text(rows, 7));
  CHARTER_TRY(e.notice_sha256, opt_blob(rows, 8));
  CHARTER_TRY(e.policy_version, text(rows, 9));
  CHARTER_TRY(e.expires_at, opt_time(rows, 10));
  CHARTER_TRY(auto gpc, rows.get_int(11));
  e.gpc = gpc != 0;
  CHARTER_TRY(auto kv, rows.get_int(12));
  e.key_version = static_cast<std::uint32_t>(kv);
  CHARTER_TRY(e.sealed_evidence, opt_blob(rows, 13));
  return e;
}

Result<std::unique_ptr<ConsentLedger>> ConsentLedger::open(
    store::Store& store, std::shared_ptr<const policy::Policy> policy, const Clock& clock,
    Random& random, const crypto::KeyRing& ring, LedgerOptions options) {
  if (!policy) return make_error(Errc::kInvalidArgument, "consent ledger: no policy");
  CHARTER_TRY(auto applied, migrate_consent(store, clock));
  (void)applied;
  CHARTER_TRY(auto keys, load_consent_keys(store, ring, random, clock));
  CHARTER_TRY(auto seq, stored_seq(store));
  auto core =
      std::make_unique<LedgerCore>(store, std::move(policy), clock, random, std::move(keys),
                                   std::move(options.on_change), options.max_batch, options.audit);
  core->seed_seq(seq);
  return std::unique_ptr<ConsentLedger>(new ConsentLedger(std::move(core)));
}

ConsentLedger::~ConsentLedger() = default;

Result<ConsentEvent> ConsentLedger::prepare(EventKind kind, std::string_view subject_id,
                                            std::string_view purpose_id, const Evidence& evidence) {
  auto& core = *core_;
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(const policy::Purpose* purpose, core.find_purpose(purpose_id));
  const auto* basis = core.policy().find_basis(purpose->basis);
  if (!basis || basis->kind != policy::BasisKind::kConsent || !purpose->consent) {
    return make_error(Errc::kInvalidArgument,
                      "purpose " + shown_name(purpose_id) + " does not rest on consent (basis: " +
                          (basis ? std::string(policy::to_string(basis->kind)) : "none") +
                          "): there is no consent to give or withdraw" +
                          (purpose->objection != policy::Objection::kNone
                               ? "; the subject may object to it instead"
                               : ""));
  }
  CHARTER_TRY(const policy::Channel* channel, core.find_channel(evidence.channel));
  const auto& terms = *purpose->consent;
  if (kind == EventKind::kGiven && channel->id == "one_click_unsubscribe") {
    return make_error(Errc::kInvalidArgument,
                      "channel 'one_click_unsubscribe' only withdraws consent; consent is given "
                      "through another channel");
  }
  if (kind == EventKind::kWithdrawn &&
      std::find(terms.withdrawal_channels.begin(), terms.withdrawal_channels.end(), channel->id) ==
          terms.withdrawal_channels.end()) {
    return make_error(Errc::kInvalidArgument,
                      "channel " + shown_name(channel->id) +
                          " is not a withdrawal channel of purpose " + shown_name(purpose->id) +
                          "; the policy allows: " + channel_list(terms.withdrawal_channels));
  }
  if (kind == EventKind::kExpired) {
    return make_error(Errc::kInvalidArgument, "expired events are written by the ledger only");
  }
  CHARTER_TRY(auto language, core.language_or_default(evidence.language));
  if (evidence.ip && evidence.ip->size() > kMaxIpBytes) {
    return make_error(Errc::kInvalidArgument, "ip: longer than 64 bytes");
  }
  if (evidence.user_agent && evidence.user_agent->size() > kMaxUserAgentBytes) {
    return make_error(Errc::kInvalidArgument, "user agent: longer than 1024 bytes");
  }

  ConsentEvent e;
  e.event_id = core.new_id("cev");
  e.subject_id = std::string(subject_id);
  e.purpose = purpose->id;
  e.kind = kind;
  e.at = core.clock().now();
  e.seq = core.next_seq(e.at);
  e.channel = channel->id;
  e.language = language;
  e.policy_version = core.policy().version;
  e.gpc = evidence.gpc;
  e.key_version = core.keys().version;
  if (kind == EventKind::kGiven) {
    e.notice_sha256 = core.notice_hash(*purpose, language);
    if (terms.expiry && !terms.expiry->is_zero()) {
      e.expires_at = policy::add_duration(e.at, *terms.expiry);
    }
  }
  e.sealed_evidence = core.seal_evidence(evidence, e.subject_id, e.event_id);
  return e;
}

namespace {

// One event on its way to the writer: the event (which the insert's parameters point into) and
// who to tell once it is durable.
struct PendingEvent {
  ConsentEvent event;
  ConsentLedger::EventCallback done;
  LedgerCore* core = nullptr;
};

void append_pending(const PendingEvent& p, std::vector<store::Param>& out) {
  append_event_params(p.event, out);
}

std::string event_action(EventKind kind) {
  return std::string("consent.") + to_string(kind);  // consent.given, .withdrawn, .expired
}

void audit_pending(const PendingEvent& p, std::vector<AuditRecord>& out) {
  out.push_back(
      {event_action(p.event.kind), p.event.subject_id, p.event.purpose, p.event.channel, ""});
}

void complete_pending(PendingEvent& p, const Status& st) {
  if (!st.ok()) {
    p.done(st.error());
    return;
  }
  p.core->changed({Change::Kind::kConsent, p.event.subject_id, p.event.purpose,
                   p.event.kind == EventKind::kWithdrawn});
  p.done(std::move(p.event));
}

}  // namespace

void ConsentLedger::record_async(EventKind kind, std::string_view subject_id,
                                 std::string_view purpose, const Evidence& evidence,
                                 EventCallback done) {
  auto prepared = prepare(kind, subject_id, purpose, evidence);
  if (!prepared.ok()) {
    done(std::move(prepared).error());
    return;
  }
  auto pending = std::make_shared<PendingEvent>(
      PendingEvent{std::move(prepared).value(), std::move(done), core_.get()});
  core_->committer().submit_payload<PendingEvent, append_pending, complete_pending, audit_pending>(
      kInsertEvent, std::move(pending));
}

Result<ConsentEvent> ConsentLedger::record(EventKind kind, std::string_view subject_id,
                                           std::string_view purpose, const Evidence& evidence) {
  std::promise<Result<ConsentEvent>> promise;
  auto future = promise.get_future();
  record_async(kind, subject_id, purpose, evidence,
               [&promise](Result<ConsentEvent> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<ConsentEvent> ConsentLedger::give(std::string_view subject_id, std::string_view purpose,
                                         const Evidence& evidence) {
  return record(EventKind::kGiven, subject_id, purpose, evidence);
}

Result<ConsentEvent> ConsentLedger::withdraw(std::string_view subject_id, std::string_view purpose,
                                             const Evidence& evidence) {
  return record(EventKind::kWithdrawn, subject_id, purpose, evidence);
}

Result<ConsentState> ConsentLedger::state(std::string_view subject_id, std::string_view purpose) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(auto tx, core_->store().read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kEventColumns) +
                                      " FROM consent_events WHERE subject_id = ? AND purpose = ? "
                                      "ORDER BY seq DESC LIMIT 1",
                                  {subject_id, purpose}));
  CHARTER_TRY(bool more, rows.next());
  if (!more) return derive_consent_state(nullptr, core_->clock().now());
  CHARTER_TRY(auto e, read_event(rows));
  return derive_consent_state(&e, core_->clock().now());
}

Result<std::map<std::string, ConsentState>> ConsentLedger::states(std::string_view subject_id) {
  CHARTER_TRY(auto events, history(subject_id));
  std::map<std::string, const ConsentEvent*> latest;
  for (const auto& e : events) latest[e.purpose] = &e;  // history is in seq order
  std::map<std::string, ConsentState> out;
  const auto now = core_->clock().now();
  for (const auto& [purpose, e] : latest) out[purpose] = derive_consent_state(e, now);
  return out;
}

Result<std::vector<ConsentEvent>> ConsentLedger::history(std::string_view subject_id,
                                                         std::string_view purpose) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(auto tx, core_->store().read());
  std::string sql = "SELECT " + std::string(kEventColumns) + " FROM consent_events WHERE " +
                    "subject_id = ?" + (purpose.empty() ? "" : " AND purpose = ?") +
                    " ORDER BY seq, event_id";
  auto rows_r =
      purpose.empty() ? tx.query(sql, {subject_id}) : tx.query(sql, {subject_id, purpose});
  CHARTER_TRY(auto rows, std::move(rows_r));
  std::vector<ConsentEvent> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto e, read_event(rows));
    out.push_back(std::move(e));
  }
  return out;
}

Result<ConsentEvent> ConsentLedger::event(std::string_view subject_id, std::string_view event_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(auto tx, core_->store().read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kEventColumns) +
                                      " FROM consent_events WHERE subject_id = ? AND event_id = ?",
                                  {subject_id, event_id}));
  CHARTER_TRY(bool more, rows.next());
  if (!more) return make_error(Errc::kNotFound, "no such consent event for this subject");
  CHARTER_TRY(auto e, read_event(rows));
  CHARTER_TRY(bool extra, rows.next());
  (void)extra;
  return e;
}

Result<EvidenceDetails> ConsentLedger::open_evidence(const ConsentEvent& e) const {
  if (!e.sealed_evidence) return EvidenceDetails{};
  return core_->open_evidence(*e.sealed_evidence, e.subject_id, e.key_version, e.event_id);
}

Result<int> ConsentLedger::record_expiries(int limit) {
  if (limit <= 0) return make_error(Errc::kInvalidArgument, "limit: must be positive");
  LedgerCore* core = core_.get();
  auto written = std::make_shared<int>(0);
  auto changes = std::make_shared<std::vector<Change>>();
  Status st = core->committer().run([core, limit, written,
                                     changes](store::Transaction& tx) -> Status {
    const auto now = core->clock().now();
    std::int64_t watermark = 0;
    {
      CHARTER_TRY(auto row, tx.query_one("SELECT value FROM consent_meta WHERE name = ?",
                                         {"expiry_watermark"}));
      if (row) {
        CHARTER_TRY(watermark, (*row)[0].as_int(0));
      }
    }
    std::vector<ConsentEvent> due;
    {
      CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kEventColumns) +
                                          " FROM consent_events WHERE kind = 'given' AND "
                                          "expires_at IS NOT NULL AND expires_at > ? AND "
                                          "expires_at <= ? ORDER BY expires_at LIMIT ?",
                                      {watermark, to_unix_micros(now), limit}));
      while (true) {
        CHARTER_TRY(bool more, rows.next());
        if (!more) break;
        CHARTER_TRY(auto e, read_event(rows));
        due.push_back(std::move(e));
      }
    }
    std::int64_t new_mark = watermark;
    for (const auto& given : due) {
      new_mark = std::max(new_mark, to_unix_micros(*given.expires_at));
      CHARTER_TRY(auto latest, tx.query_one("SELECT event_id FROM consent_events WHERE "
                                            "subject_id = ? AND purpose = ? ORDER BY seq DESC "
                                            "LIMIT 1",
                                            {given.subject_id, given.purpose}));
      if (!latest) continue;
      CHARTER_TRY(auto latest_id, (*latest)[0].as_text(0));
      if (latest_id != given.event_id) continue;  // withdrawn or renewed since
      ConsentEvent e;
      e.event_id = core->new_id("cev");
      e.subject_id = given.subject_id;
      e.purpose = given.purpose;
      e.kind = EventKind::kExpired;
      e.at = now;
      e.seq = core->next_seq(now);
      e.channel = "expiry";
      e.language = given.language;
      e.policy_version = core->policy().version;
      e.expires_at = given.expires_at;
      e.key_version = core->keys().version;
      std::vector<store::Param> params;
      append_event_params(e, params);
      CHARTER_TRY(auto n, tx.exec(kInsertEventSql, params));
      (void)n;
      core->audit("consent.expired", e.subject_id, e.purpose, "expiry");
      ++*written;
      changes->push_back({Change::Kind::kConsent, e.subject_id, e.purpose});
    }
    // When the limit cut a run of equal expiry times, step back so the rest is seen next time
    // (those already handled are no longer the latest event of their purpose).
    if (static_cast<int>(due.size()) == limit && new_mark > watermark) --new_mark;
    CHARTER_TRY(auto n, tx.exec("INSERT INTO consent_meta (name, value) VALUES (?, ?) ON CONFLICT "
                                "(name) DO UPDATE SET value = excluded.value",
                                {"expiry_watermark", new_mark}));
    (void)n;
    return ok_status();
  });
  CHARTER_TRY_STATUS(st);
  for (const auto& c : *changes) core->changed(c);
  return *written;
}

Status ConsentLedger::erase_subject(std::string_view subject_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  LedgerCore* core = core_.get();
  std::string subject(subject_id);
  Status st = core->committer().run([core, subject](store::Transaction& tx) -> Status {
    for (auto table : kSubjectTables) {
      CHARTER_TRY(auto n, tx.exec("DELETE FROM " + std::string(table) + " WHERE subject_id = ?",
                                  {subject}));
      (void)n;
    }
    CHARTER_TRY(auto n, tx.exec("INSERT INTO consent_erased (subject_id, erased_at) VALUES (?, ?) "
                                "ON CONFLICT (subject_id) DO NOTHING",
                                {subject, to_unix_micros(core->clock().now())}));
    (void)n;
    core->audit("consent.erased", subject, "", "");
    return ok_status();
  });
  CHARTER_TRY_STATUS(st);
  core->changed({Change::Kind::kErased, subject, ""});
  return ok_status();
}

Status ConsentLedger::scan_states(
    const std::function<void(const std::string&, const std::string&, const ConsentState&)>& visit) {
  CHARTER_TRY(auto tx, core_->store().read());
  // Same columns as kEventColumns, without the notice hash and the sealed evidence.
  CHARTER_TRY(auto rows, tx.query("SELECT subject_id, event_id, purpose, seq, kind, at, channel, "
                                  "language, NULL, policy_version, expires_at, gpc, key_version, "
                                  "NULL FROM consent_events ORDER BY subject_id, purpose, seq"));
  const auto now = core_->clock().now();
  std::optional<ConsentEvent> last;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto e, read_event(rows));
    if (last && (last->subject_id != e.subject_id || last->purpose != e.purpose)) {
      visit(last->subject_id, last->purpose, derive_consent_state(&*last, now));
    }
    last = std::move(e);
  }
  if (last) visit(last->subject_id, last->purpose, derive_consent_state(&*last, now));
  return ok_status();
}

}  // namespace charter::consent
