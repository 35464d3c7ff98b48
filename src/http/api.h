// The API: the one route table of `charter serve`, with the metrics it reports. Tests build the
// same table (so the OpenAPI completeness test sees exactly what the server serves).
//
// Adding routes: a module writes `Status add_<area>_routes(Router&, const ApiContext&)` in
// src/http/<area>_routes.cc and calls it from build_api(); what its handlers need (vault,
// consent, access, staff, audit objects) is added to ApiContext. docs/HTTP.md has an example.
//
// Contract: build_api() adds every route (errors: kInvalidArgument from Router::add, a bug
// caught at start) and attaches the HTTP metrics to the registry. The Api must outlive the
// Server that serves it; it is immutable once built (thread safe).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "access/decision_index.h"
#include "access/decision_log.h"
#include "access/service.h"
#include "archive/archive_store.h"
#include "audit/log_store.h"
#include "audit/prover.h"
#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "core/clock.h"
#include "core/result.h"
#include "crypto/sign.h"
#include "directives/directives.h"
#include "disclosure/register.h"
#include "drp/service.h"
#include "http/decision_metrics.h"
#include "http/http_metrics.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/session_store.h"
#include "policy/model.h"
#include "retention/engine.h"
#include "rights/service.h"
#include "staff/registry.h"
#include "staff/services.h"
#include "vault/vault.h"

namespace charter::http {

inline constexpr std::string_view kCharterVersion = "0.1.0";

// What the handlers use. Only `policy` is required; each group of capability routes is added
// when what it needs is set (tests of the server core build the API with the policy alone).
// Pointers are borrowed: they must outlive the Api.
struct ApiContext {
  std::shared_ptr<const policy::Policy> policy;
  std::string gpc_last_update;  // "YYYY-MM-DD": when the policy in force was last changed
  const Clock* clock = nullptr;

  // Authentication routes (POST/GET/DELETE /v1/session): staff + sessions.
  staff::StaffRegistry* staff = nullptr;
  staff::ServiceRegistry* services = nullptr;
  SessionStore* sessions = nullptr;
  // Subjects and events.
  vault::Vault* vault = nullptr;
  // Consent, objection, restriction (need the vault too, to refuse unknown subjects).
  consent::ConsentLedger* ledger = nullptr;
  consent::Objections* objections = nullptr;
  consent::Restrictions* restrictions = nullptr;
  // Audit: tree heads and proofs; the access history also needs `pseudonym` (the audit trail's
  // keyed pseudonym of a subject id).
  audit::LogStore* audit_log = nullptr;
  audit::Prover* prover = nullptr;
  std::function<Result<std::string>(std::string_view subject_id)> pseudonym;
  // The audit log's public key (the console's "verify now"); borrowed.
  const crypto::PublicKey* audit_key = nullptr;
  // Access: reading a subject for a purpose and single decisions (with `vault`); bulk decisions
  // also need the index and the decision log.
  access::AccessService* access = nullptr;
  access::DecisionIndex* index = nullptr;
  access::DecisionLog* decision_log = nullptr;
  // Retention: sweep reports and legal holds.
  retention::Retention* retention = nullptr;
  // Archives: GET /archives/{token} and /archives/signing-key (archive_routes.cc).
  archive::ArchiveStore* archives = nullptr;
  // Post-mortem directives, DPO side (directives_routes.cc).
  directives::DirectivesService* directives = nullptr;
  // /metrics gauge charter_outbox_backlog (messages not yet delivered); unset: no gauge. Read
  // on the I/O thread: must not block (the delivery worker caches the count).
  std::function<double()> outbox_backlog;
  // Data-subject requests (with `clock`): subject routes and the DPO's queue.
  rights::RightsService* rights = nullptr;
  // The disclosure register (with `clock`): /v1/disclosures (disclosure_routes.cc).
  disclosure::DisclosureRegister* disclosures = nullptr;
  // Data Rights Protocol routes (drp_routes.cc).
  drp::DrpService* drp = nullptr;
  // More routes added by a module above http (the web pages, src/web): called by build_api()
  // after the /v1 routes, before the metrics are attached.
  std::function<Status(Router&, const ApiContext&)> extra_routes;
  // Runs around every handler once the request is authenticated (the server sets the audit
  // trail's actor for the operations the handler performs); unset: the handler alone.
  Router::Around around;
};

struct Api {
  Router router;
  MetricsRegistry registry;
  std::unique_ptr<HttpMetrics> http_metrics;
  std::unique_ptr<DecisionMetrics> decisions;  // charter_decisions_total (decision_metrics.h)
};

Result<std::unique_ptr<Api>> build_api(const ApiContext& context);

}  // namespace charter::http
