// The consent component's tables (store migrations, component "consent") and the list of
// subject-owned tables that erasure empties and scrubs.
//
// Contract: migrations are only ever appended. Every subject-owned table has subject_id first in
// its primary key (docs/STORE.md). Thread safety: constants.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/migrate.h"
#include "store/store.h"

namespace charter::consent {

inline constexpr std::string_view kComponent = "consent";

std::span<const store::Migration> migrations();

// Tables holding rows of a subject: erase_subject() deletes from each; pass them to
// Store::scrub() after an erasure. (consent_erased keeps the opaque id of an erased subject.)
inline constexpr std::array<std::string_view, 5> kSubjectTables = {
    "consent_events", "consent_objections", "consent_restrictions", "consent_signals",
    "consent_unsubscribe_uses"};

// Applies the missing migrations.
Result<int> migrate_consent(store::Store& store, const Clock& clock);

}  // namespace charter::consent
