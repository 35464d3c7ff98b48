// The capability routes under /v1 (docs/HTTP.md "Routes"), one file per area; build_api() adds
// each group when the ApiContext holds what it needs.
//   session_routes.cc  POST/GET/DELETE /v1/session, PUT /v1/session/password
//   staff_routes.cc    /v1/staff..., /v1/services..., /v1/tokens/{id} (DPO only)
//   subject_routes.cc  /v1/subjects (create, lookup, rectify, erase), events
//   consent_routes.cc  consent, objection, restriction of a subject
//   audit_routes.cc    /v1/audit/... tree head, proofs; a subject's access history
//   archive_routes.cc  /archives/{token} (archive download), /archives/signing-key
//   directives_routes.cc  post-mortem directives, death reports, heir actions (DPO)
//   access_routes.cc   reads for a purpose, single and bulk decisions (counted in `metrics`)
// Who may call what: http/roles.h.
// Errors: kInvalidArgument from Router::add (a bug caught at start).
#pragma once

#include "core/result.h"
#include "http/api.h"
#include "http/router.h"

namespace charter::http {

Status add_session_routes(Router& router, const ApiContext& ctx);
Status add_staff_routes(Router& router, const ApiContext& ctx);
Status add_subject_routes(Router& router, const ApiContext& ctx);
Status add_consent_routes(Router& router, const ApiContext& ctx);
Status add_audit_routes(Router& router, const ApiContext& ctx);
Status add_access_routes(Router& router, const ApiContext& ctx, DecisionMetrics& metrics);
Status add_retention_routes(Router& router, const ApiContext& ctx);
Status add_archive_routes(Router& router, const ApiContext& ctx);
Status add_directives_routes(Router& router, const ApiContext& ctx);
// rights_routes.cc: data-subject requests (subjects under /v1/rights, the DPO's queue).
Status add_rights_routes(Router& router, const ApiContext& ctx);
// disclosure_routes.cc: the disclosure register (authority requests, DPO decisions).
Status add_disclosure_routes(Router& router, const ApiContext& ctx);
// subject_self_routes.cc: privacy-center sign-in and the subject's own /v1/rights/me/... routes.
Status add_subject_self_routes(Router& router, const ApiContext& ctx);
// drp_routes.cc: Data Rights Protocol (/v1/agent/{agent-id}, /v1/data-rights-request...).
Status add_drp_routes(Router& router, const ApiContext& ctx);

}  // namespace charter::http
