#include "http/api.h"

#include "http/infra_routes.h"
#include "http/policy_routes.h"

namespace charter::http {

Result<std::unique_ptr<Api>> build_api(const ApiContext& context) {
  if (!context.policy) return make_error(Errc::kInvalidArgument, "build_api: no policy");
  auto api = std::make_unique<Api>();
  CHARTER_TRY_STATUS(add_infra_routes(api->router, api->registry, context));
  CHARTER_TRY_STATUS(add_policy_routes(api->router, context));
  // Capability routes (subjects, consent, decisions, staff, audit) are added here.
  api->http_metrics = std::make_unique<HttpMetrics>(api->router);
  api->http_metrics->attach(api->registry);
  return api;
}

}  // namespace charter::http
