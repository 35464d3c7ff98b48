#include "vault/schema.h"

#include <array>

namespace charter::vault {
namespace {

// 1. Key state: not owned by a subject (reference tables).
//    vault_state: one row; the master key version in use and the current epoch (docs/CRYPTO.md
//    section 9). vault_masters/vault_epochs: the id (public fingerprint) of every master key
//    version and epoch key, so a wrong key file is refused; destroyed epochs keep their row.
//    vault_system_keys: the system root key wrapped under an epoch key.
constexpr std::string_view kKeys = R"sql(
CREATE TABLE vault_state (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  master_version BIGINT NOT NULL,
  current_epoch BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE vault_masters (
  version BIGINT PRIMARY KEY,
  key_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT
);
CREATE TABLE vault_epochs (
  epoch BIGINT PRIMARY KEY,
  key_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retiring_at BIGINT,
  destroyed_at BIGINT
);
CREATE TABLE vault_system_keys (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  epoch BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
)
)sql";

// 2. Subjects and their data, all keyed by subject_id first.
//    vault_keys: one data key per (subject, retention class = policy category, key version),
//    wrapped under an epoch key (`epoch` = the epoch it is wrapped under, indexed for rotation).
//    vault_values: one sealed value per (subject, field); AD = (subject, field, key version).
//    vault_events: observed events; AD = (subject, field, key version, event id).
//    vault_blind_indexes: keyed hashes of normalised e-mail/phone, looked up by (field, digest).
//    vault_erasures: the erasure journal (ids, dates, classes; never values).
constexpr std::string_view kSubjects = R"sql(
CREATE TABLE vault_subjects (
  subject_id TEXT NOT NULL PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'restricted', 'deceased', 'erased')),
  relationship TEXT NOT NULL
    CHECK (relationship IN ('prospect', 'customer', 'former_customer')),
  contract_start BIGINT,
  contract_end BIGINT,
  collected_at BIGINT,
  last_contact_at BIGINT,
  purposes TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  erased_at BIGINT
);
CREATE TABLE vault_keys (
  subject_id TEXT NOT NULL REFERENCES vault_subjects (subject_id),
  class TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  epoch BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (subject_id, class, key_version)
);
CREATE INDEX vault_keys_epoch ON vault_keys (epoch);
CREATE TABLE vault_values (
  subject_id TEXT NOT NULL REFERENCES vault_subjects (subject_id),
  field TEXT NOT NULL,
  class TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  sealed {blob} NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('provided', 'observed')),
  collected_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (subject_id, field)
);
CREATE TABLE vault_events (
  subject_id TEXT NOT NULL REFERENCES vault_subjects (subject_id),
  event_id TEXT NOT NULL,
  field TEXT NOT NULL,
  class TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  occurred_at BIGINT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('provided', 'observed')),
  sealed {blob} NOT NULL,
  recorded_at BIGINT NOT NULL,
  PRIMARY KEY (subject_id, event_id)
);
CREATE INDEX vault_events_time ON vault_events (subject_id, occurred_at);
CREATE TABLE vault_blind_indexes (
  subject_id TEXT NOT NULL REFERENCES vault_subjects (subject_id),
  field TEXT NOT NULL,
  digest {blob} NOT NULL,
  PRIMARY KEY (subject_id, field)
);
CREATE INDEX vault_blind_lookup ON vault_blind_indexes (field, digest);
CREATE TABLE vault_erasures (
  subject_id TEXT NOT NULL REFERENCES vault_subjects (subject_id),
  erasure_id TEXT NOT NULL,
  erased_at BIGINT NOT NULL,
  epoch BIGINT NOT NULL,
  destroyed TEXT NOT NULL,
  kept TEXT NOT NULL,
  complete_at BIGINT,
  PRIMARY KEY (subject_id, erasure_id)
)
)sql";

const std::array<store::Migration, 2> kMigrations{{
    {1, "vault key state", kKeys},
    {2, "subjects, keys, values, events, blind indexes, erasures", kSubjects},
}};

constexpr std::array<std::string_view, 6> kSubjectTables{"vault_keys",     "vault_values",
                                                         "vault_events",   "vault_blind_indexes",
                                                         "vault_subjects", "vault_erasures"};

}  // namespace

std::span<const store::Migration> migrations() { return kMigrations; }

Status migrate_vault(store::Store& store, const Clock& clock) {
  CHARTER_TRY(int applied, store::migrate(store, kComponent, kMigrations, clock));
  (void)applied;
  return ok_status();
}

std::span<const std::string_view> subject_tables() { return kSubjectTables; }

}  // namespace charter::vault
