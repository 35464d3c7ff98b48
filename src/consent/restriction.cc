#include "consent/restriction.h"

#include <memory>

namespace charter::consent {
namespace {

constexpr std::size_t kMaxNoteBytes = 4000;
constexpr std::string_view kColumnNote = "consent_restrictions.note";
constexpr std::string_view kColumns =
    "subject_id, event_id, seq, kind, ground, at, channel, actor, key_version, note";

Result<RestrictionEvent> read_restriction(const store::Rows& rows) {
  RestrictionEvent e;
  CHARTER_TRY(e.subject_id, text(rows, 0));
  CHARTER_TRY(e.event_id, text(rows, 1));
  CHARTER_TRY(e.seq, rows.get_int(2));
  CHARTER_TRY(auto kind, rows.get_text(3));
  auto k = parse_restriction_kind(kind);
  if (!k) return make_error(Errc::kIntegrity, "consent_restrictions: unknown kind");
  e.kind = *k;
  if (!rows.is_null(4)) {
    CHARTER_TRY(auto g, rows.get_text(4));
    e.ground = parse_restriction_ground(g);
    if (!e.ground) return make_error(Errc::kIntegrity, "consent_restrictions: unknown ground");
  }
  CHARTER_TRY(auto at, rows.get_int(5));
  e.at = from_unix_micros(at);
  CHARTER_TRY(e.channel, text(rows, 6));
  CHARTER_TRY(e.actor, text(rows, 7));
  CHARTER_TRY(auto kv, rows.get_int(8));
  e.key_version = static_cast<std::uint32_t>(kv);
  CHARTER_TRY(e.sealed_note, opt_blob(rows, 9));
  return e;
}

Result<std::vector<RestrictionEvent>> read_all(store::Transaction& tx,
                                               std::string_view subject_id) {
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kColumns) +
                                      " FROM consent_restrictions WHERE subject_id = ? ORDER BY "
                                      "seq, event_id",
                                  {subject_id}));
  std::vector<RestrictionEvent> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto e, read_restriction(rows));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

RestrictionState fold_restriction(const std::vector<RestrictionEvent>& events) {
  RestrictionState s;
  for (const auto& e : events) {
    if (e.kind == RestrictionKind::kPlaced) {
      if (!s.restricted) {
        s.restricted = true;
        s.since = e.at;
        s.ground = e.ground;
      }
    } else {
      s = RestrictionState{};
    }
  }
  return s;
}

Result<RestrictionEvent> Restrictions::place(std::string_view subject_id, RestrictionGround ground,
                                             std::string_view channel, std::string_view actor,
                                             std::string_view note) {
  return append(subject_id, RestrictionKind::kPlaced, ground, channel, actor, note);
}

Result<RestrictionEvent> Restrictions::lift(std::string_view subject_id, std::string_view channel,
                                            std::string_view actor, std::string_view note) {
  return append(subject_id, RestrictionKind::kLifted, std::nullopt, channel, actor, note);
}

Result<RestrictionEvent> Restrictions::append(std::string_view subject_id, RestrictionKind kind,
                                              std::optional<RestrictionGround> ground,
                                              std::string_view channel_id, std::string_view actor,
                                              std::string_view note) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  if (!actor.empty()) CHARTER_TRY_STATUS(LedgerCore::check_staff_id(actor, "actor"));
  CHARTER_TRY(const policy::Channel* channel, core_.find_channel(channel_id));
  if (note.size() > kMaxNoteBytes) {
    return make_error(Errc::kInvalidArgument, "note: longer than 4000 bytes");
  }
  auto e = std::make_shared<RestrictionEvent>();
  e->event_id = core_.new_id("rst");
  e->subject_id = std::string(subject_id);
  e->kind = kind;
  e->ground = ground;
  e->channel = channel->id;
  e->actor = std::string(actor);
  e->key_version = core_.keys().version;
  if (!note.empty()) e->sealed_note = core_.seal(note, e->subject_id, kColumnNote, e->event_id);
  auto refusal = std::make_shared<Status>();
  LedgerCore* core = &core_;
  Status st = core_.committer().run([core, e, refusal](store::Transaction& tx) -> Status {
    CHARTER_TRY(auto events, read_all(tx, e->subject_id));
    auto s = fold_restriction(events);
    if (e->kind == RestrictionKind::kPlaced && s.restricted) {
      *refusal = make_error(Errc::kAlreadyExists, "the subject's processing is already restricted");
      return ok_status();
    }
    if (e->kind == RestrictionKind::kLifted && !s.restricted) {
      *refusal =
          make_error(Errc::kFailedPrecondition, "the subject's processing is not restricted");
      return ok_status();
    }
    e->at = core->clock().now();
    e->seq = core->next_seq(e->at);
    const store::Param note = e->sealed_note ? store::Param(*e->sealed_note) : store::Param();
    const store::Param ground_name =
        e->ground ? store::Param(to_string(*e->ground)) : store::Param();
    CHARTER_TRY(auto n, tx.exec("INSERT INTO consent_restrictions (" + std::string(kColumns) +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                {e->subject_id, e->event_id, e->seq, to_string(e->kind),
                                 ground_name, to_unix_micros(e->at), e->channel, e->actor,
                                 static_cast<std::int64_t>(e->key_version), note}));
    (void)n;
    core->audit(std::string("restriction.") + to_string(e->kind), e->subject_id, "",
                e->ground ? to_string(*e->ground) : e->channel, e->actor);
    return ok_status();
  });
  CHARTER_TRY_STATUS(st);
  CHARTER_TRY_STATUS(*refusal);
  core_.changed(
      {Change::Kind::kRestriction, e->subject_id, "", e->kind == RestrictionKind::kPlaced});
  return *e;
}

Result<RestrictionState> Restrictions::state(std::string_view subject_id) {
  CHARTER_TRY(auto events, history(subject_id));
  return fold_restriction(events);
}

Result<std::vector<RestrictionEvent>> Restrictions::history(std::string_view subject_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(auto tx, core_.store().read());
  return read_all(tx, subject_id);
}

Result<std::optional<std::string>> Restrictions::open_note(const RestrictionEvent& e) const {
  if (!e.sealed_note) return std::optional<std::string>();
  CHARTER_TRY(auto v,
              core_.open(*e.sealed_note, e.subject_id, kColumnNote, e.key_version, e.event_id));
  return std::optional<std::string>(std::move(v));
}

Status Restrictions::scan_states(
    const std::function<void(const std::string&, const RestrictionState&)>& visit) {
  CHARTER_TRY(auto tx, core_.store().read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kColumns) +
                                  " FROM consent_restrictions ORDER BY subject_id, seq, event_id"));
  std::vector<RestrictionEvent> group;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto e, read_restriction(rows));
    if (!group.empty() && group.front().subject_id != e.subject_id) {
      visit(group.front().subject_id, fold_restriction(group));
      group.clear();
    }
    group.push_back(std::move(e));
  }
  if (!group.empty()) visit(group.front().subject_id, fold_restriction(group));
  return ok_status();
}

}  // namespace charter::consent
