#include "consent/gpc.h"

#include <algorithm>
#include <memory>

#include "consent/objection.h"

namespace charter::consent {
namespace {

Result<std::optional<ConsentEvent>> latest_event(store::Transaction& tx, const std::string& subject,
                                                 const std::string& purpose) {
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kEventColumns) +
                                      " FROM consent_events WHERE subject_id = ? AND purpose = ? "
                                      "ORDER BY seq DESC LIMIT 1",
                                  {subject, purpose}));
  CHARTER_TRY(bool more, rows.next());
  if (!more) return std::optional<ConsentEvent>();
  CHARTER_TRY(auto e, read_event(rows));
  CHARTER_TRY(bool extra, rows.next());
  (void)extra;
  return std::optional<ConsentEvent>(std::move(e));
}

}  // namespace

bool gpc_applies(const policy::Purpose& purpose) { return purpose.dpv == "dpv:DirectMarketing"; }

bool gpc_header_set(const std::vector<std::string_view>& values) {
  return std::any_of(values.begin(), values.end(), [](std::string_view v) { return v == "1"; });
}

Result<GpcOutcome> apply_gpc(ConsentLedger& ledger, std::string_view subject_id,
                             Evidence evidence) {
  auto& core = ledger.core();
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  if (evidence.channel.empty()) evidence.channel = "privacy_center";
  CHARTER_TRY(const policy::Channel* channel, core.find_channel(evidence.channel));
  CHARTER_TRY(auto language, core.language_or_default(evidence.language));
  std::vector<const policy::Purpose*> consent_purposes, other_purposes;
  for (const auto& p : core.policy().purposes) {
    if (!gpc_applies(p)) continue;
    const auto* basis = core.policy().find_basis(p.basis);
    if (basis && basis->kind == policy::BasisKind::kConsent && p.consent) {
      const auto& ch = p.consent->withdrawal_channels;
      if (std::find(ch.begin(), ch.end(), channel->id) == ch.end()) {
        return make_error(Errc::kInvalidArgument, "channel " + shown_name(channel->id) +
                                                      " is not a withdrawal channel of purpose " +
                                                      shown_name(p.id));
      }
      consent_purposes.push_back(&p);
    } else if (p.objection != policy::Objection::kNone) {
      other_purposes.push_back(&p);
    }
  }

  auto outcome = std::make_shared<GpcOutcome>();
  LedgerCore* c = &core;
  std::string subject(subject_id), ch = channel->id;
  Status st = core.committer().run([=](store::Transaction& tx) -> Status {
    *outcome = GpcOutcome{};
    const auto now = c->clock().now();
    for (const auto* p : consent_purposes) {
      CHARTER_TRY(auto latest, latest_event(tx, subject, p->id));
      auto state = derive_consent_state(latest ? &*latest : nullptr, now);
      if (state.status != ConsentStatus::kGiven) continue;
      if (latest->gpc) {  // given with the signal on: a specific opt-in
        outcome->kept_specific.push_back(p->id);
        continue;
      }
      ConsentEvent e;
      e.event_id = c->new_id("cev");
      e.subject_id = subject;
      e.purpose = p->id;
      e.kind = EventKind::kWithdrawn;
      e.at = now;
      e.seq = c->next_seq(now);
      e.channel = ch;
      e.language = language;
      e.policy_version = c->policy().version;
      e.gpc = true;
      e.key_version = c->keys().version;
      e.sealed_evidence = c->seal_evidence(evidence, subject, e.event_id);
      std::vector<store::Param> params;
      append_event_params(e, params);
      CHARTER_TRY(auto n, tx.exec(kInsertEventSql, params));
      (void)n;
      c->audit("consent.withdrawn", subject, p->id, "gpc");
      outcome->withdrawn.push_back(p->id);
    }
    for (const auto* p : other_purposes) {
      CHARTER_TRY(auto events, read_objections(tx, subject, p->id));
      if (fold_objection(p, events).objected) continue;
      ObjectionEvent e;
      e.event_id = c->new_id("obj");
      e.subject_id = subject;
      e.purpose = p->id;
      e.kind = ObjectionKind::kObjected;
      e.at = now;
      e.seq = c->next_seq(now);
      e.channel = ch;
      e.policy_version = c->policy().version;
      e.key_version = c->keys().version;
      CHARTER_TRY_STATUS(insert_objection(tx, e));
      c->audit("objection.objected", subject, p->id, "gpc");
      outcome->objected.push_back(p->id);
    }
    bool changed = !outcome->withdrawn.empty() || !outcome->objected.empty();
    if (!changed) {
      CHARTER_TRY(auto any, tx.query_one("SELECT event_id FROM consent_signals WHERE subject_id = "
                                         "? LIMIT 1",
                                         {subject}));
      if (any) return ok_status();
    }
    CHARTER_TRY(auto n,
                tx.exec("INSERT INTO consent_signals (subject_id, event_id, kind, seq, at, "
                        "channel) VALUES (?, ?, 'gpc', ?, ?, ?)",
                        {subject, c->new_id("sig"), c->next_seq(now), to_unix_micros(now), ch}));
    (void)n;
    c->audit("gpc.signal", subject, "", ch);
    outcome->signal_recorded = true;
    return ok_status();
  });
  CHARTER_TRY_STATUS(st);
  for (const auto& p : outcome->withdrawn)
    core.changed({Change::Kind::kConsent, subject, p, /*raised=*/true});
  for (const auto& p : outcome->objected)
    core.changed({Change::Kind::kObjection, subject, p, /*raised=*/true});
  return *outcome;
}

Result<std::vector<Timestamp>> gpc_signals(ConsentLedger& ledger, std::string_view subject_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(auto tx, ledger.core().store().read());
  CHARTER_TRY(auto rows, tx.query("SELECT at FROM consent_signals WHERE subject_id = ? AND kind = "
                                  "'gpc' ORDER BY seq",
                                  {subject_id}));
  std::vector<Timestamp> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto at, rows.get_int(0));
    out.push_back(from_unix_micros(at));
  }
  return out;
}

}  // namespace charter::consent
