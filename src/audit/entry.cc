#include "audit/entry.h"

namespace charter::audit {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Opaque ids and request ids: [A-Za-z0-9_.:-].
bool is_id_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == ':' || c == '-'; }
// Names from the policy or the code (actions, purposes, roles, reasons): [a-z0-9_.-].
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

template <typename Pred>
bool all_of(std::string_view s, Pred pred) {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

bool is_token(std::string_view s, bool allow_empty, bool (*pred)(char)) {
  if (s.empty()) return allow_empty;
  return s.size() <= kMaxTokenLength && all_of(s, pred);
}

}  // namespace

std::string_view actor_kind_name(ActorKind kind) {
  switch (kind) {
    case ActorKind::kStaff:
      return "staff";
    case ActorKind::kService:
      return "service";
    case ActorKind::kSubject:
      return "subject";
    case ActorKind::kSystem:
      return "system";
  }
  return "unknown";
}

std::string_view decision_name(Decision decision) {
  switch (decision) {
    case Decision::kNone:
      return "none";
    case Decision::kAllow:
      return "allow";
    case Decision::kDeny:
      return "deny";
  }
  return "unknown";
}

std::optional<ActorKind> parse_actor_kind(std::string_view name) {
  for (auto k : {ActorKind::kStaff, ActorKind::kService, ActorKind::kSubject, ActorKind::kSystem})
    if (actor_kind_name(k) == name) return k;
  return std::nullopt;
}

std::optional<Decision> parse_decision(std::string_view name) {
  for (auto d : {Decision::kNone, Decision::kAllow, Decision::kDeny})
    if (decision_name(d) == name) return d;
  return std::nullopt;
}

bool is_pseudonym(std::string_view s) {
  return s.size() >= kMinPseudonymLength && s.size() <= kMaxPseudonymLength &&
         all_of(s, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

EventView view_of(const AuditEvent& e) {
  return EventView{e.actor.kind, e.decision, e.actor.id, e.actor.role, e.action,
                   e.purpose,    e.subject,  e.reason,   e.request_id};
}

std::string_view check_event(const EventView& e) {
  switch (e.actor_kind) {
    case ActorKind::kStaff:
      if (!is_token(e.actor_role, false, is_name_char))
        return "actor.role (required for staff) must be 1..64 characters of [a-z0-9_.-]";
      [[fallthrough]];
    case ActorKind::kService:
    case ActorKind::kSystem:
      if (!is_token(e.actor_id, false, is_id_char))
        return "actor.id must be 1..64 characters of [A-Za-z0-9_.:-]";
      break;
    case ActorKind::kSubject:
      if (!is_pseudonym(e.actor_id))
        return "actor.id of a subject actor must be its pseudonym: 16..128 characters of "
               "[A-Za-z0-9_-]";
      break;
    default:
      return "actor.kind must be staff, service, subject or system";
  }
  if (!is_token(e.actor_role, true, is_name_char))
    return "actor.role must be empty or 1..64 characters of [a-z0-9_.-]";
  if (!is_token(e.action, false, is_name_char))
    return "action must be 1..64 characters of [a-z0-9_.-]";
  if (!is_token(e.purpose, true, is_name_char))
    return "purpose must be empty or 1..64 characters of [a-z0-9_.-]";
  if (!e.subject.empty() && !is_pseudonym(e.subject))
    return "subject must be empty or a pseudonym: 16..128 characters of [A-Za-z0-9_-]";
  if (e.decision != Decision::kNone && e.decision != Decision::kAllow &&
      e.decision != Decision::kDeny)
    return "decision must be none, allow or deny";
  if (!is_token(e.reason, true, is_name_char))
    return "reason must be empty or 1..64 characters of [a-z0-9_.-]";
  if (!is_token(e.request_id, true, is_id_char))
    return "request_id must be empty or 1..64 characters of [A-Za-z0-9_.:-]";
  return {};
}

Status validate_event(const AuditEvent& e) {
  std::string_view rule = check_event(view_of(e));
  if (rule.empty()) return ok_status();
  return make_error(Errc::kInvalidArgument, "audit entry: " + std::string(rule));
}

}  // namespace charter::audit
