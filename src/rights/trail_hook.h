// The audit of data-subject requests through the audit trail (trail/trail.h): one entry per
// transition, fail closed (the transition rolls back if the entry cannot be written).
// Entry: action "dsr.<to state>" (creation: "dsr.received"), purpose "rights_management",
// subject = the subject's pseudonym once known, reason "<right>.<reason code>" (e.g.
// "erasure.code_verified"), request_id = the request id ("dsr_..."). Actor: the staff member
// (role "dpo"), the subject (its pseudonym; while unknown, the system actor "rights_intake"), or
// the system component.
#pragma once

#include "rights/queue.h"
#include "trail/trail.h"

namespace charter::rights {

// `trail` must outlive the hook.
AuditHook trail_audit_hook(trail::Trail& trail);

}  // namespace charter::rights
