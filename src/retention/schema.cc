#include "retention/schema.h"

#include <array>

#include "store/migrate.h"

namespace charter::retention {
namespace {

// Times are microseconds since the Unix epoch (UTC).
constexpr std::string_view kV1 = R"sql(
CREATE TABLE retention_next (
  subject_id TEXT NOT NULL PRIMARY KEY,
  next_at BIGINT NOT NULL,
  policy_version TEXT NOT NULL
);
CREATE INDEX retention_next_due ON retention_next (next_at);
CREATE TABLE retention_holds (
  subject_id TEXT NOT NULL,
  hold_id TEXT NOT NULL,
  placed_at BIGINT NOT NULL,
  placed_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  released_at BIGINT,
  released_by TEXT,
  release_reason TEXT,
  PRIMARY KEY (subject_id, hold_id)
);
CREATE INDEX retention_holds_id ON retention_holds (hold_id);
CREATE TABLE retention_sweeps (
  sweep_id TEXT NOT NULL PRIMARY KEY,
  started_at BIGINT NOT NULL,
  as_of BIGINT NOT NULL,
  policy_version TEXT NOT NULL,
  dry_run BIGINT NOT NULL CHECK (dry_run IN (0, 1)),
  full_scan BIGINT NOT NULL CHECK (full_scan IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('running', 'done')),
  cursor TEXT NOT NULL,
  finished_at BIGINT,
  report TEXT
);
CREATE INDEX retention_sweeps_state ON retention_sweeps (state);
CREATE TABLE retention_sweep_items (
  sweep_id TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
  outcome TEXT NOT NULL,
  PRIMARY KEY (sweep_id, subject_id)
);
CREATE TABLE retention_anonymous (
  category TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  year BIGINT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (category, subject_type, year)
);
CREATE TABLE retention_meta (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
)
)sql";

const std::array<store::Migration, 1> kMigrations{{
    {1, "next-expiry index, legal holds, sweeps and their journal, anonymous counts", kV1},
}};

}  // namespace

Status migrate_retention(store::Store& store, const Clock& clock) {
  CHARTER_TRY(int applied, store::migrate(store, kComponent, kMigrations, clock));
  (void)applied;
  return ok_status();
}

}  // namespace charter::retention
