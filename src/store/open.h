// open_store: the one way to open a Store.
//
// `target` is either a PostgreSQL URL ("postgresql://..." or "postgres://...", libpq syntax,
// e.g. postgresql://charter@db.internal:5432/charter?sslmode=verify-full) or a data folder for
// the embedded SQLite store (created with mode 0700 if missing; the database is
// <folder>/charter.db, mode 0600, with its -wal and -shm files beside it).
// Errors: kInvalidArgument (empty target), kUnavailable (folder or server unreachable,
// permission denied), kUnsupported (PostgreSQL older than 15), kIntegrity (not a database or a
// corrupt one). Messages never contain a password.
// Thread safety: open_store may be called from any thread; see store.h for the Store.
#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace charter::store {

Result<std::unique_ptr<Store>> open_store(std::string_view target,
                                          const StoreOptions& options = {});

// The audit log's database (docs/AUDIT.md "Where the log lives"). SQLite has one writer per
// file and the vault's write transaction stays open while it waits for its audit entry, so on
// SQLite the log has its own file <folder>/audit.db (same folder, same modes); on PostgreSQL it is
// the same database (`target` as given), opened as a separate Store with its own pool.
inline constexpr const char* kAuditDbFile = "audit.db";
Result<std::unique_ptr<Store>> open_audit_store(std::string_view target, StoreOptions options = {});

// True when `target` names a PostgreSQL database rather than a folder.
bool is_postgres_url(std::string_view target);

}  // namespace charter::store
