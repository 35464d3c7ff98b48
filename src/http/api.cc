#include "http/api.h"

#include "http/capability_routes.h"
#include "http/infra_routes.h"
#include "http/policy_routes.h"

namespace charter::http {

Result<std::unique_ptr<Api>> build_api(const ApiContext& context) {
  if (!context.policy) return make_error(Errc::kInvalidArgument, "build_api: no policy");
  auto api = std::make_unique<Api>();
  CHARTER_TRY_STATUS(add_infra_routes(api->router, api->registry, context));
  CHARTER_TRY_STATUS(add_policy_routes(api->router, context));
  // Capability routes: each group when what it needs is in the context.
  if (context.staff && context.services && context.sessions && context.clock) {
    CHARTER_TRY_STATUS(add_session_routes(api->router, context));
    CHARTER_TRY_STATUS(add_staff_routes(api->router, context));
  }
  if (context.vault) CHARTER_TRY_STATUS(add_subject_routes(api->router, context));
  if (context.vault && context.ledger && context.objections && context.restrictions) {
    CHARTER_TRY_STATUS(add_consent_routes(api->router, context));
  }
  if (context.audit_log && context.prover) {
    CHARTER_TRY_STATUS(add_audit_routes(api->router, context));
  }
  if (context.vault && context.access && context.clock) {
    CHARTER_TRY(api->decisions, DecisionMetrics::create(api->registry));
    CHARTER_TRY_STATUS(add_access_routes(api->router, context, *api->decisions));
  }
  if (context.retention) CHARTER_TRY_STATUS(add_retention_routes(api->router, context));
  if (context.archives) CHARTER_TRY_STATUS(add_archive_routes(api->router, context));
  if (context.directives) CHARTER_TRY_STATUS(add_directives_routes(api->router, context));
  if (context.outbox_backlog) {
    CHARTER_TRY_STATUS(api->registry.gauge_callback(
        "charter_outbox_backlog", "Outbox messages (e-mails, webhooks) not yet delivered", {},
        context.outbox_backlog));
  }
  if (context.rights && context.clock) CHARTER_TRY_STATUS(add_rights_routes(api->router, context));
  if (context.disclosures && context.clock) {
    CHARTER_TRY_STATUS(add_disclosure_routes(api->router, context));
  }
  if (context.rights && context.clock && context.vault && context.ledger && context.objections &&
      context.restrictions) {
    CHARTER_TRY_STATUS(add_subject_self_routes(api->router, context));
  }
  if (context.drp) CHARTER_TRY_STATUS(add_drp_routes(api->router, context));
  if (context.extra_routes) CHARTER_TRY_STATUS(context.extra_routes(api->router, context));
  api->router.set_around(context.around);
  api->http_metrics = std::make_unique<HttpMetrics>(api->router);
  api->http_metrics->attach(api->registry);
  return api;
}

}  // namespace charter::http
