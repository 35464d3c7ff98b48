// The audit log in Charter's database (SQLite or PostgreSQL, through store::Store): the
// LogStore the server and `charter audit verify|prove` use.
//
// Schema (migration component "audit"; the audit tree is not subject-owned, so these are
// local/reference tables, not distributed by subject):
//   audit_entries(seq BIGINT PRIMARY KEY (SQLite: the rowid), subject TEXT, entry BLOB,
//                 leaf_hash BLOB)
//     + index (subject, seq) for a subject's access history;
//   audit_heads(tree_size BIGINT PRIMARY KEY, root_hash BLOB, time_us BIGINT, signature BLOB).
// Both tables are append-only: triggers refuse UPDATE and DELETE (an attacker with write access
// can drop them; the Merkle tree and signed heads are what detect tampering, the triggers stop
// accidents). Entries are keyed by sequence number, so an append can only extend the log.
//
// Contract: as LogStore. append() runs one write transaction: takes the lock "charter.audit"
// (on PostgreSQL this serialises appenders across servers), checks that the batch starts at
// the current size (else kConflict), inserts the rows and the head, commits (durable per the
// store's Durability). Store errors pass through (kUnavailable, kConflict, ...). Thread safe as
// the Store; the Store must outlive this object.
#pragma once

#include <memory>

#include "audit/log_store.h"
#include "core/clock.h"
#include "store/store.h"

namespace charter::audit {

class DbLogStore final : public LogStore {
 public:
  // Applies the "audit" migrations, then returns the log store.
  static Result<std::unique_ptr<DbLogStore>> open(store::Store& db, const Clock& clock);

  Result<std::uint64_t> size() override;
  Status append(std::span<const StoredEntry> entries, const SignedTreeHead* head) override;
  Status put_head(const SignedTreeHead& head) override;
  Result<std::vector<StoredEntry>> read(std::uint64_t from_sequence, std::size_t limit) override;
  Result<std::vector<SignedTreeHead>> heads() override;
  Result<std::optional<SignedTreeHead>> latest_head() override;
  Result<std::vector<StoredEntry>> read_subject(std::string_view pseudonym,
                                                std::uint64_t from_sequence,
                                                std::size_t limit) override;

 private:
  explicit DbLogStore(store::Store& db) : db_(db) {}
  Status insert_head(store::Transaction& tx, const SignedTreeHead& head);

  store::Store& db_;
};

}  // namespace charter::audit
