// The DRP module's tables (migration component "drp"; docs/DRP.md "Tables"):
//   drp_agents    trusted Authorized Agents: id, Ed25519 verify key, name, when trusted
//   drp_tokens    pair-wise bearer tokens (POST /v1/agent/{id}): SHA-256 of the token only
//   drp_requests  DRP requests: the rights request id, the agent, agent-request-id, version,
//                 exercise, regime, status callback and the SHA-256 of the signature (replays)
//   drp_settings  the Covered Business id (business-id) when set by `charter drp business-id`
// Errors: the store's. Thread safety: as store::migrate.
#pragma once

#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace charter::drp {

inline constexpr std::string_view kComponent = "drp";

Status migrate_drp(store::Store& store, const Clock& clock);

}  // namespace charter::drp
