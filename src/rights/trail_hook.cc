#include "rights/trail_hook.h"

namespace charter::rights {

AuditHook trail_audit_hook(trail::Trail& trail) {
  return [&trail](store::Transaction&, const Transition& t) -> Status {
    audit::AuditEvent e;
    std::string pseudonym;
    if (!t.subject_id.empty()) {
      CHARTER_TRY(pseudonym, trail.pseudonym(t.subject_id));
    }
    switch (t.actor.kind) {
      case Actor::Kind::kStaff:
        e.actor = {audit::ActorKind::kStaff, t.actor.id, "dpo"};
        break;
      case Actor::Kind::kSubject:
        e.actor = pseudonym.empty() ? audit::Actor{audit::ActorKind::kSystem, "rights_intake", ""}
                                    : audit::Actor{audit::ActorKind::kSubject, pseudonym, ""};
        break;
      case Actor::Kind::kSystem:
        e.actor = {audit::ActorKind::kSystem, t.actor.id, ""};
        break;
    }
    e.action = std::string("dsr.") + to_string(t.to);
    e.purpose = "rights_management";
    e.subject = std::move(pseudonym);
    e.reason = std::string(to_string(t.type)) + "." + t.reason;
    e.request_id = t.request_id;
    return trail.append_all({std::move(e)});
  };
}

}  // namespace charter::rights
