// Store: Charter's one storage interface, with two backends that pass one conformance suite:
// SQLite 3.40 in a data folder (the embedded default) and PostgreSQL 15 (several servers on one
// database). The store knows no policy: it runs SQL in transactions, applies migrations
// (migrate.h) and offers the maintenance erasure needs. Open one with open_store() (open.h).
//
// Thread safety: a Store is thread safe; share one per process and data folder/database.
// Transactions, Rows and Listeners it hands out must not outlive it.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/dialect.h"
#include "store/notify.h"
#include "store/transaction.h"

namespace charter::store {

class FaultInjector;

// When commit() returns, the transaction survives:
//   kPowerLoss     a process crash and an OS crash or power loss (SQLite synchronous=FULL:
//                  the WAL is fsynced at each commit). The default.
//   kProcessCrash  a process crash only (SQLite synchronous=NORMAL: the WAL is fsynced at
//                  checkpoints); a power loss may lose the last commits, never corrupts.
// PostgreSQL follows the server's synchronous_commit; this option does not change it.
enum class Durability { kPowerLoss, kProcessCrash };

struct StoreOptions {
  Durability durability = Durability::kPowerLoss;
  // How long begin() waits for the writer (SQLite) or a pooled connection (PostgreSQL), and how
  // long SQLite waits on another process's lock, before kUnavailable.
  std::chrono::milliseconds busy_timeout{30000};
  int sqlite_readers = 4;  // read-only connections (SQLite), opened on demand
  int pg_connections = 8;  // pool size (PostgreSQL), opened on demand
  // Consulted at begin, statement and commit (fault.h); null in production.
  std::shared_ptr<FaultInjector> faults;
  // SQLite: the database file's name in the data folder (the audit log has its own,
  // kAuditDbFile; open.h). Ignored by PostgreSQL.
  std::string sqlite_file = "charter.db";
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Backend backend() const = 0;
  Dialect dialect() const { return Dialect(backend()); }
  // "sqlite:<folder>" or "postgresql://host:port/db" (never a password).
  virtual std::string describe() const = 0;

  // Opens a transaction. Errors: kUnavailable (busy timeout, connection lost), kFailedPrecondition
  // (SQLite: this thread already holds the write transaction), injected faults.
  virtual Result<Transaction> begin(TxMode mode) = 0;
  Result<Transaction> read() { return begin(TxMode::kRead); }
  Result<Transaction> write() { return begin(TxMode::kWrite); }

  // SQLite: copies the WAL into the database file and truncates the WAL to zero bytes
  // (wal_checkpoint(TRUNCATE)); waits up to the busy timeout for open read transactions, then
  // kUnavailable. PostgreSQL: the server manages its WAL; nothing to do.
  virtual Status checkpoint() = 0;

  // Makes the bytes of rows deleted by committed transactions unrecoverable from the store's
  // files, as far as the backend allows. SQLite: secure_delete (always on) zeroes deleted cells,
  // but a page rebuilt by a B-tree balance keeps stale copies of moved cells in its unallocated
  // gap (observed: a deleted blind-index digest in the gap of an index leaf page, see
  // docs/VAULT.md), so this runs VACUUM (every page rewritten, freed pages zeroed) and then
  // checkpoints and truncates the WAL, which held older page images; `tables` is not needed.
  // Its cost grows with the database size: batch erasures scrub once at the end. PostgreSQL: VACUUM
  // of each table in `tables` (dead tuples are pruned and their space reused; old bytes may remain
  // in free space and in WAL segments until they are recycled, so on PostgreSQL erasure must rest
  // on destroyed keys). Errors: kInvalidArgument for a table name that is not an identifier; as
  // checkpoint().
  virtual Status scrub(std::span<const std::string_view> tables) = 0;

  // SQLite: VACUUM (rebuilds the whole file, `table` is only checked) then checkpoint().
  // PostgreSQL: VACUUM <table>. Errors: kInvalidArgument for a name that is not an identifier.
  virtual Status vacuum(std::string_view table) = 0;

  // A listener for `channel` (see notify.h). Errors: kInvalidArgument (not an identifier),
  // kUnavailable.
  virtual Result<std::unique_ptr<Listener>> listen(std::string_view channel) = 0;
};

}  // namespace charter::store
