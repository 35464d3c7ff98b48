// Schema migrations, versioned per component (vault, audit, consent, ...).
//
// Each component owns an ordered list of migrations numbered 1, 2, 3, ... Applied migrations
// are recorded in the table schema_migrations(component, version, name, applied_at) with
// applied_at in microseconds since the Unix epoch (UTC). migrate() applies the missing ones in
// order, each in its own write transaction together with its schema_migrations row, so a
// migration is applied entirely or not at all. On PostgreSQL each migration transaction takes
// the advisory lock "charter.migrate" and re-reads the version, so two servers starting at once
// never apply one migration twice; on SQLite the write transaction is exclusive already.
//
// Migration SQL: `sql` is used on both backends unless `postgres_sql` is set (then `sql` is for
// SQLite only). Dialect tokens {blob} and {autoid} are expanded (dialect.h). Several statements
// separated by `;` are allowed; no parameters. Keep DDL in the common subset where possible.
//
// Errors: kInvalidArgument (bad component name, versions not 1..n in order, empty name or SQL);
// kUnsupported when the store holds a NEWER schema than `migrations` knows: "schema of <c> is
// version N, this binary knows up to M; upgrade charter" (nothing is changed); the failing
// statement's error otherwise (that migration is rolled back, earlier ones stay applied).
// Thread safety: as Store; safe to run from several processes at once.
#pragma once

#include <span>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace charter::store {

struct Migration {
  int version;                         // 1, 2, 3, ... in order
  std::string_view name;               // short description, e.g. "subjects and fields"
  std::string_view sql;                // both backends (or SQLite when postgres_sql is set)
  std::string_view postgres_sql = {};  // PostgreSQL-specific SQL, when the dialects differ
};

// Brings `component` up to the last version of `migrations`. Returns the number applied.
Result<int> migrate(Store& store, std::string_view component, std::span<const Migration> migrations,
                    const Clock& clock);

// The component's current version (0: none applied).
Result<int> schema_version(Store& store, std::string_view component);

}  // namespace charter::store
