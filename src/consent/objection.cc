#include "consent/objection.h"

#include <memory>

namespace charter::consent {
namespace {

constexpr std::size_t kMaxGroundsBytes = 4000;
constexpr std::string_view kColumnReason = "consent_objections.reason";
constexpr std::string_view kColumns =
    "subject_id, event_id, purpose, seq, kind, at, channel, actor, policy_version, key_version, "
    "reason";

Result<ObjectionEvent> read_objection(const store::Rows& rows) {
  ObjectionEvent e;
  CHARTER_TRY(e.subject_id, text(rows, 0));
  CHARTER_TRY(e.event_id, text(rows, 1));
  CHARTER_TRY(e.purpose, text(rows, 2));
  CHARTER_TRY(e.seq, rows.get_int(3));
  CHARTER_TRY(auto kind, rows.get_text(4));
  auto k = parse_objection_kind(kind);
  if (!k) return make_error(Errc::kIntegrity, "consent_objections: unknown kind");
  e.kind = *k;
  CHARTER_TRY(auto at, rows.get_int(5));
  e.at = from_unix_micros(at);
  CHARTER_TRY(e.channel, text(rows, 6));
  CHARTER_TRY(e.actor, text(rows, 7));
  CHARTER_TRY(e.policy_version, text(rows, 8));
  CHARTER_TRY(auto kv, rows.get_int(9));
  e.key_version = static_cast<std::uint32_t>(kv);
  CHARTER_TRY(e.sealed_reason, opt_blob(rows, 10));
  return e;
}

Result<const policy::Purpose*> objectable_purpose(const LedgerCore& core,
                                                  std::string_view purpose_id) {
  CHARTER_TRY(const policy::Purpose* purpose, core.find_purpose(purpose_id));
  if (purpose->objection == policy::Objection::kNone) {
    const auto* basis = core.policy().find_basis(purpose->basis);
    return make_error(
        Errc::kInvalidArgument,
        "purpose " + shown_name(purpose->id) + " cannot be objected to: its basis is " +
            (basis ? std::string(policy::to_string(basis->kind)) : std::string("unknown")) +
            " (art. 21 applies to legitimate interest and direct marketing)" +
            (basis && basis->kind == policy::BasisKind::kConsent ? "; withdraw consent instead"
                                                                 : ""));
  }
  return purpose;
}

// Runs `decide` inside the writer's transaction with the purpose's events; it returns the event
// to append (or the existing one to return, with `append` false).
struct Outcome {
  Status refusal;
  ObjectionEvent event;
  bool append = false;
};

Result<ObjectionEvent> run_objection_op(
    LedgerCore& core, std::string subject, const policy::Purpose* purpose,
    std::function<Outcome(const std::vector<ObjectionEvent>&, const ObjectionState&)> decide) {
  auto outcome = std::make_shared<Outcome>();
  LedgerCore* c = &core;
  Status st = core.committer().run(
      [c, subject, purpose, decide, outcome](store::Transaction& tx) -> Status {
        CHARTER_TRY(auto events, read_objections(tx, subject, purpose->id));
        *outcome = decide(events, fold_objection(purpose, events));
        if (!outcome->refusal.ok() || !outcome->append) return ok_status();
        CHARTER_TRY_STATUS(insert_objection(tx, outcome->event));
        const auto& e = outcome->event;
        c->audit(std::string("objection.") + to_string(e.kind), subject, purpose->id, e.channel,
                 e.actor);
        return ok_status();
      });
  CHARTER_TRY_STATUS(st);
  CHARTER_TRY_STATUS(outcome->refusal);
  if (outcome->append) {
    core.changed({Change::Kind::kObjection, subject, purpose->id,
                  outcome->event.kind == ObjectionKind::kObjected});
  }
  return outcome->event;
}

}  // namespace

ObjectionState fold_objection(const policy::Purpose* purpose,
                              const std::vector<ObjectionEvent>& events) {
  ObjectionState s;
  for (const auto& e : events) {
    switch (e.kind) {
      case ObjectionKind::kObjected:
        if (!s.objected) {
          s = ObjectionState{};
          s.objected = true;
          s.since = e.at;
        }
        break;
      case ObjectionKind::kOverridden:
        if (s.objected) {
          s.overridden = true;
          s.overridden_at = e.at;
          s.overridden_by = e.actor;
        }
        break;
      case ObjectionKind::kLifted:
        s = ObjectionState{};
        break;
    }
  }
  if (purpose && purpose->objection == policy::Objection::kAbsolute) {
    s.overridden = false;
    s.overridden_at.reset();
    s.overridden_by.clear();
  }
  return s;
}

Result<std::vector<ObjectionEvent>> read_objections(store::Transaction& tx,
                                                    std::string_view subject_id,
                                                    std::string_view purpose) {
  std::string sql = "SELECT " + std::string(kColumns) +
                    " FROM consent_objections WHERE subject_id = ?" +
                    (purpose.empty() ? "" : " AND purpose = ?") + " ORDER BY seq, event_id";
  auto rows_r =
      purpose.empty() ? tx.query(sql, {subject_id}) : tx.query(sql, {subject_id, purpose});
  CHARTER_TRY(auto rows, std::move(rows_r));
  std::vector<ObjectionEvent> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto e, read_objection(rows));
    out.push_back(std::move(e));
  }
  return out;
}

Status insert_objection(store::Transaction& tx, const ObjectionEvent& e) {
  const store::Param reason = e.sealed_reason ? store::Param(*e.sealed_reason) : store::Param();
  CHARTER_TRY(auto n, tx.exec("INSERT INTO consent_objections (" + std::string(kColumns) +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              {e.subject_id, e.event_id, e.purpose, e.seq, to_string(e.kind),
                               to_unix_micros(e.at), e.channel, e.actor, e.policy_version,
                               static_cast<std::int64_t>(e.key_version), reason}));
  (void)n;
  return ok_status();
}

Result<ObjectionEvent> Objections::object(std::string_view subject_id, std::string_view purpose_id,
                                          std::string_view channel_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(const policy::Purpose* purpose, objectable_purpose(core_, purpose_id));
  CHARTER_TRY(const policy::Channel* channel, core_.find_channel(channel_id));
  LedgerCore* core = &core_;
  std::string subject(subject_id), ch = channel->id;
  return run_objection_op(
      core_, subject, purpose,
      [core, subject, purpose, ch](const std::vector<ObjectionEvent>& events,
                                   const ObjectionState& state) {
        Outcome o;
        if (state.objected) {  // already in force: return the objection event in force
          for (auto it = events.rbegin(); it != events.rend(); ++it) {
            if (it->kind == ObjectionKind::kObjected) {
              o.event = *it;
              break;
            }
          }
          return o;
        }
        auto& e = o.event;
        e.event_id = core->new_id("obj");
        e.subject_id = subject;
        e.purpose = purpose->id;
        e.kind = ObjectionKind::kObjected;
        e.at = core->clock().now();
        e.seq = core->next_seq(e.at);
        e.channel = ch;
        e.policy_version = core->policy().version;
        e.key_version = core->keys().version;
        o.append = true;
        return o;
      });
}

Result<ObjectionEvent> Objections::record_grounds(std::string_view subject_id,
                                                  std::string_view purpose_id,
                                                  std::string_view dpo_staff_id,
                                                  std::string_view grounds) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY_STATUS(LedgerCore::check_staff_id(dpo_staff_id, "dpo"));
  CHARTER_TRY(const policy::Purpose* purpose, objectable_purpose(core_, purpose_id));
  if (purpose->objection == policy::Objection::kAbsolute) {
    return make_error(Errc::kFailedPrecondition,
                      "objection to purpose " + shown_name(purpose->id) +
                          " is absolute (direct marketing, GDPR art. 21(3)): no grounds can "
                          "override it");
  }
  if (grounds.empty()) {
    return make_error(Errc::kInvalidArgument,
                      "grounds: the compelling legitimate grounds are "
                      "required (GDPR art. 21(1))");
  }
  if (grounds.size() > kMaxGroundsBytes) {
    return make_error(Errc::kInvalidArgument, "grounds: longer than 4000 bytes");
  }
  LedgerCore* core = &core_;
  std::string subject(subject_id), dpo(dpo_staff_id), text(grounds);
  return run_objection_op(
      core_, subject, purpose,
      [core, subject, purpose, dpo, text](const std::vector<ObjectionEvent>&,
                                          const ObjectionState& state) {
        Outcome o;
        if (!state.objected) {
          o.refusal = make_error(Errc::kFailedPrecondition,
                                 "no objection in force for purpose " + shown_name(purpose->id));
          return o;
        }
        if (state.overridden) {
          o.refusal = make_error(Errc::kFailedPrecondition,
                                 "grounds were already recorded for this objection");
          return o;
        }
        auto& e = o.event;
        e.event_id = core->new_id("obj");
        e.subject_id = subject;
        e.purpose = purpose->id;
        e.kind = ObjectionKind::kOverridden;
        e.at = core->clock().now();
        e.seq = core->next_seq(e.at);
        e.channel = "dpo";
        e.actor = dpo;
        e.policy_version = core->policy().version;
        e.key_version = core->keys().version;
        e.sealed_reason = core->seal(text, subject, kColumnReason, e.event_id);
        o.append = true;
        return o;
      });
}

Result<ObjectionEvent> Objections::lift(std::string_view subject_id, std::string_view purpose_id,
                                        std::string_view channel_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(const policy::Purpose* purpose, objectable_purpose(core_, purpose_id));
  CHARTER_TRY(const policy::Channel* channel, core_.find_channel(channel_id));
  LedgerCore* core = &core_;
  std::string subject(subject_id), ch = channel->id;
  return run_objection_op(core_, subject, purpose,
                          [core, subject, purpose, ch](const std::vector<ObjectionEvent>&,
                                                       const ObjectionState& state) {
                            Outcome o;
                            if (!state.objected) {
                              o.refusal = make_error(
                                  Errc::kFailedPrecondition,
                                  "no objection in force for purpose " + shown_name(purpose->id));
                              return o;
                            }
                            auto& e = o.event;
                            e.event_id = core->new_id("obj");
                            e.subject_id = subject;
                            e.purpose = purpose->id;
                            e.kind = ObjectionKind::kLifted;
                            e.at = core->clock().now();
                            e.seq = core->next_seq(e.at);
                            e.channel = ch;
                            e.policy_version = core->policy().version;
                            e.key_version = core->keys().version;
                            o.append = true;
                            return o;
                          });
}

Result<ObjectionState> Objections::state(std::string_view subject_id, std::string_view purpose) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(auto tx, core_.store().read());
  CHARTER_TRY(auto events, read_objections(tx, subject_id, purpose));
  return fold_objection(core_.policy().find_purpose(std::string(purpose)), events);
}

Result<std::map<std::string, ObjectionState>> Objections::states(std::string_view subject_id) {
  CHARTER_TRY(auto events, history(subject_id));
  std::map<std::string, std::vector<ObjectionEvent>> by_purpose;
  for (auto& e : events) by_purpose[e.purpose].push_back(std::move(e));
  std::map<std::string, ObjectionState> out;
  for (const auto& [purpose, list] : by_purpose) {
    out[purpose] = fold_objection(core_.policy().find_purpose(purpose), list);
  }
  return out;
}

Result<std::vector<ObjectionEvent>> Objections::history(std::string_view subject_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(auto tx, core_.store().read());
  return read_objections(tx, subject_id, {});
}

Result<std::string> Objections::open_grounds(const ObjectionEvent& e) const {
  if (!e.sealed_reason) return make_error(Errc::kNotFound, "this objection event has no grounds");
  return core_.open(*e.sealed_reason, e.subject_id, kColumnReason, e.key_version, e.event_id);
}

Status Objections::scan_states(const std::function<void(const std::string&, const std::string&,
                                                        const ObjectionState&)>& visit) {
  CHARTER_TRY(auto tx, core_.store().read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kColumns) +
                                  " FROM consent_objections ORDER BY subject_id, purpose, seq, "
                                  "event_id"));
  std::vector<ObjectionEvent> group;
  auto flush = [&] {
    if (group.empty()) return;
    visit(group.front().subject_id, group.front().purpose,
          fold_objection(core_.policy().find_purpose(group.front().purpose), group));
    group.clear();
  };
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto e, read_objection(rows));
    if (!group.empty() &&
        (group.front().subject_id != e.subject_id || group.front().purpose != e.purpose)) {
      flush();
    }
    group.push_back(std::move(e));
  }
  flush();
  return ok_status();
}

}  // namespace charter::consent
