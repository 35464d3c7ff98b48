// Change: what a mutating vault operation did, and ChangeSink: where it goes.
//
// Every mutating vault operation (create, record event, rectify, update, erase, key
// initialisation, rotation steps) builds one Change and hands it to Vault's single
// `commit_change()` (vault.cc) INSIDE its write transaction, just before commit. That is the one
// place where the audit log (DESIGN.md section 6) is called: trail::Trail (src/trail) appends the
// audit entries and waits until they are durable while the transaction is open, so if they
// cannot be written the operation fails and nothing is stored (fail closed). Tests may install
// another ChangeSink to record the changes.
//
// A Change carries ids, field and class names, counts and the policy version: never a value,
// digest or key (no personal data in clear, DESIGN.md section 6).
// Contract: ChangeSink::record is called from the thread that runs the operation, possibly from
// several threads at once (implementations synchronise). An error aborts the operation: its
// transaction is rolled back and the error is returned to the caller.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/transaction.h"

namespace charter::vault {

enum class ChangeKind {
  kKeysInitialized,  // vault key state created (epoch 1, system root)
  kSubjectCreated,   // subject_ids: the new subjects (one entry per subject of a batch)
  kEventRecorded,    // subject_ids + items: event ids
  kFieldRectified,   // fields: the field; classes: the re-keyed class
  kSubjectUpdated,   // fields: the facts changed ("relationship", "contract_end", ...)
  kSubjectErased,    // classes: destroyed; kept: kept classes
  kEpochStarted,     // epoch: the new epoch
  kKeysRewrapped,    // epoch: target epoch; count: keys rewrapped in this batch
  kEpochDestroyed,   // epoch: the destroyed epoch
  kMasterRotated,    // epoch: the new master key version
};

const char* to_string(ChangeKind kind);

struct Change {
  ChangeKind kind = ChangeKind::kSubjectCreated;
  std::vector<std::string> subject_ids;
  std::vector<std::string> fields;
  std::vector<std::string> classes;
  std::vector<std::string> kept;
  std::vector<std::string> items;
  std::uint32_t epoch = 0;
  std::int64_t count = 0;
  std::string purpose;  // the purpose named by the caller, where there is one
  std::string policy_version;
};

class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  virtual Status record(store::Transaction& tx, const Change& change) = 0;
};

}  // namespace charter::vault
