// Online copies and checks of SQLite database files, for `charter backup` / `charter restore`
// and the crash-consistency harness (docs/RELIABILITY.md).
//
// backup_sqlite_file(source, dest): copies the database `source` (a charter.db or audit.db, in
// WAL mode, possibly in use by a running server) into a new file `dest` with SQLite's online
// backup API (sqlite3_backup_*): the copy is one consistent snapshot (every committed
// transaction up to the moment the copy finished, nothing partial), taken in steps of 1024 pages
// so the server's writers are never blocked for long; a step that meets a writer retries.
// `dest` must not exist (kAlreadyExists); it is created with mode 0600 and fsynced. On any error
// `dest` is removed. Errors: kNotFound (no source), kUnavailable (I/O, busy beyond the timeout),
// kIntegrity (source corrupt). Messages name the file, never a value.
//
// integrity_check_sqlite_file(path): PRAGMA integrity_check on a closed or live database file
// (read only). Ok when SQLite answers "ok"; kIntegrity with its first lines otherwise.
// Thread safety: independent calls are thread safe.
#pragma once

#include <chrono>
#include <string>

#include "core/result.h"

namespace charter::store {

Status backup_sqlite_file(const std::string& source, const std::string& dest,
                          std::chrono::milliseconds busy_timeout = std::chrono::seconds(30));

Status integrity_check_sqlite_file(const std::string& path);

}  // namespace charter::store
