#include "drp/schema.h"

#include <array>

#include "store/migrate.h"

namespace charter::drp {
namespace {

// Times: microseconds since the Unix epoch (UTC).
constexpr std::string_view kV1 = R"sql(
CREATE TABLE drp_agents (
  agent_id TEXT NOT NULL PRIMARY KEY,
  verify_key {blob} NOT NULL,
  name TEXT NOT NULL,
  trusted_at BIGINT NOT NULL
);
CREATE TABLE drp_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  agent_id TEXT NOT NULL,
  issued_at BIGINT NOT NULL
);
CREATE INDEX drp_tokens_agent ON drp_tokens (agent_id);
CREATE TABLE drp_requests (
  request_id TEXT NOT NULL PRIMARY KEY,
  agent_id TEXT NOT NULL,
  agent_request_id TEXT NOT NULL,
  drp_version TEXT NOT NULL,
  exercise TEXT NOT NULL,
  regime TEXT NOT NULL,
  status_callback TEXT NOT NULL,
  signature_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE INDEX drp_requests_agent ON drp_requests (agent_id);
CREATE TABLE drp_settings (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
)
)sql";

const std::array<store::Migration, 1> kMigrations{{
    {1, "trusted agents, bearer tokens, DRP requests, settings", kV1},
}};

}  // namespace

Status migrate_drp(store::Store& store, const Clock& clock) {
  CHARTER_TRY(int applied, store::migrate(store, kComponent, kMigrations, clock));
  (void)applied;
  return ok_status();
}

}  // namespace charter::drp
