// The erasure journal: where every erasure of a subject is recorded OUTSIDE the database, so a
// restored backup never brings an erased subject back (`charter restore` re-applies it;
// docs/RELIABILITY.md "Backup and restore").
//
// Location: --erasure-journal, else $CHARTER_ERASURE_JOURNAL, else <data>/erasures.journal. It
// is never put in a backup archive (the archive holds charter.db, audit.db and the epoch key
// files only); keep a copy of it with the key files, not with the backups, when the data folder
// itself may be lost. Mode 0600.
// Content: one line per erasure: "e1 <unix micros> <subject id> <destroyed classes> <kept
// classes> <chain>", classes comma separated ("-" for none). Subject ids are opaque random ids;
// no name, e-mail or value is ever written. <chain> is hex SHA-256(previous chain || the line
// before it), from 32 zero bytes, so a line changed, removed or inserted in the middle is found
// by read_all() (kIntegrity naming the line number). The journal is not secret and carries no
// key: it protects against loss and accident, not against someone who can rewrite the whole
// file (that person also holds the database; SECURITY.md).
// append() takes an exclusive flock (a server and a CLI command may append at once), writes one
// line and fsyncs before returning: an erasure is journalled before its transaction commits, so
// a crash between the two leaves the intent recorded (re-applying it erases a subject that was
// asked to be erased). Errors: kUnavailable (I/O; the erasure then fails: fail closed).
// Thread safety: thread safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "vault/change.h"

namespace charter::cli {

struct JournalEntry {
  Timestamp at;
  std::string subject_id;
  std::vector<std::string> destroyed;
  std::vector<std::string> kept;
};

class ErasureJournal {
 public:
  explicit ErasureJournal(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  Status append(const JournalEntry& entry);
  // Every entry, checking the chain. A missing file is an empty journal.
  Result<std::vector<JournalEntry>> read_all() const;

 private:
  std::string path_;
  std::mutex mu_;
};

// Forwards every change to `inner` (the audit trail) and journals subject erasures before the
// transaction commits (a journal failure fails the erasure).
class JournalingSink final : public vault::ChangeSink {
 public:
  JournalingSink(vault::ChangeSink* inner, ErasureJournal& journal, const Clock& clock)
      : inner_(inner), journal_(journal), clock_(clock) {}
  Status record(store::Transaction& tx, const vault::Change& change) override;

 private:
  vault::ChangeSink* inner_;
  ErasureJournal& journal_;
  const Clock& clock_;
};

// --erasure-journal, else $CHARTER_ERASURE_JOURNAL, else <data>/erasures.journal.
std::string erasure_journal_path(const std::string& option, const std::string& data_folder);

}  // namespace charter::cli
