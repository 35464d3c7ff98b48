// The vault's tables (component "vault" of store/migrate.h). docs/VAULT.md describes each.
//
// Subject-owned tables (vault_subjects, vault_keys, vault_values, vault_events,
// vault_blind_indexes, vault_erasures) have subject_id as the first column of their primary key,
// so they can be distributed by subject. The key-state tables (vault_state, vault_masters,
// vault_epochs, vault_system_keys) belong to no subject: they are reference tables (replicated
// to every node if the schema is ever distributed). Timestamps are BIGINT microseconds (UTC).
// No column, index or constraint holds personal data in clear.
// Thread safety: as store::migrate.
#pragma once

#include <span>

#include "core/clock.h"
#include "core/result.h"
#include "store/migrate.h"
#include "store/store.h"

namespace charter::vault {

inline constexpr std::string_view kComponent = "vault";

std::span<const store::Migration> migrations();

// Applies the vault's missing migrations (see store::migrate for errors).
Status migrate_vault(store::Store& store, const Clock& clock);

// Every table holding a subject's data, for scrub() after erasures.
std::span<const std::string_view> subject_tables();

}  // namespace charter::vault
