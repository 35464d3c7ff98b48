// Retention: the retention engine (DESIGN.md section 4; docs/RETENTION.md). Keeps the
// next-expiry index, runs sweeps that delete or anonymise what no purpose holds any more through
// the vault's erasure by class, honours legal holds, re-evaluates under a new policy version,
// and stores a report per sweep.
//
// Next-expiry index (retention_next): per subject, the next instant something about its data
// changes (plan.h: an item's last window closes, a contract ends). A sweep reads only the rows
// due at its as-of instant, so its cost grows with what expires, not with what is stored.
// Keeping it current: call reindex(subject) after every change of a subject's facts, data,
// consent or objection (the CLI does; the server must, see docs/RETENTION.md "Wiring"). Holds
// placed or released here reindex by themselves. A sweep under a policy version other than the
// one the index was built with (or the first sweep ever) examines every subject (full scan) and
// rebuilds the index.
//
// Sweeps are resumable: each batch first journals the planned outcome of every acting subject
// (retention_sweep_items, "pending"), then erases through the vault (one transaction per
// subject), then marks them done and moves their index rows past the sweep's as-of instant in one
// transaction. After a crash, the next sweep() resumes the running sweep with the same as-of
// instant: a pending subject whose planned classes are gone is confirmed without erasing again;
// one whose erasure did not commit is planned and erased again; due rows not yet reached are
// still due. The report aggregates the journal, so it covers the work of every run.
//
// Errors: the store's and the vault's; kInvalidArgument for malformed ids; kNotFound for an
// unknown subject or sweep. Thread safety: one sweep at a time per store (a second concurrent
// sweep() returns kConflict); other methods are thread safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "policy/model.h"
#include "retention/consent_source.h"
#include "retention/legal_holds.h"
#include "retention/plan.h"
#include "retention/report.h"
#include "store/store.h"
#include "vault/vault.h"

namespace charter::retention {

struct RetentionOptions {
  std::size_t batch = 500;           // subjects per journal transaction
  ConsentSource* consent = nullptr;  // not owned; none: no withdrawals or objections known
  HoldHook on_hold_change;           // audit hook for legal holds (fail closed)
  // Whether the subject has a data-subject request not yet answered (rights::RequestQueue::
  // open_for_subject): the `request_open` state keeps open the rules that list it, so a sweep
  // does not delete what an open request is about. Unset: no request is ever open.
  std::function<Result<bool>(std::string_view subject_id)> request_open;
  // Test hook standing for a crash: called after a batch is journalled ("planned", n = 0) and
  // after each subject's erasure ("erased", n = erasures so far in this run). An error stops the
  // sweep there, as a crash would, and is returned.
  std::function<Status(std::string_view point, std::int64_t n)> fault;
};

struct SweepOptions {
  bool dry_run = false;  // plan only: nothing erased, index unchanged; the report is stored
  bool full = false;     // examine every subject (as after a policy change)
};

class Retention {
 public:
  // Applies the retention migrations. The store, vault, policy, clock and random must outlive it.
  static Result<std::unique_ptr<Retention>> open(store::Store& store, vault::Vault& vault,
                                                 const policy::Policy& policy, const Clock& clock,
                                                 Random& random, RetentionOptions options = {});

  // Recomputes the subject's index row from its current facts (no row once nothing will change
  // without a new fact, or when the subject is erased or unknown).
  Status reindex(std::string_view subject_id);
  // The same for many subjects, their rows written in one transaction (one commit).
  Status reindex(std::span<const std::string> subject_ids);
  // What a sweep would do for the subject now.
  Result<SubjectPlan> plan(std::string_view subject_id);
  // Every item of the subject, the purposes holding it and when each window closes, now.
  Result<std::vector<ItemHolding>> holdings(std::string_view subject_id);
  // The subject's next instant in the index (unset: no row).
  Result<std::optional<Timestamp>> next_at(std::string_view subject_id);

  Result<SweepReport> sweep(const SweepOptions& options = {});
  // Stored reports, newest first; one report by id (kNotFound).
  Result<std::vector<SweepReport>> reports(std::size_t limit = 20);
  Result<SweepReport> report(std::string_view sweep_id);

  // Legal holds (legal_holds.h), with the subject re-indexed after each change.
  Result<LegalHold> place_hold(std::string_view subject_id, std::string_view actor,
                               std::string_view reason);
  Result<LegalHold> release_hold(std::string_view hold_id, std::string_view actor,
                                 std::string_view reason);
  LegalHolds& holds() { return holds_; }
  // The facts an erasure of the subject must be given (legal hold in force).
  Result<vault::ErasureFacts> erasure_facts(std::string_view subject_id);

  const policy::Policy& policy() const { return policy_; }

 private:
  Retention(store::Store& store, vault::Vault& vault, const policy::Policy& policy,
            const Clock& clock, Random& random, RetentionOptions options);

  Result<std::optional<Snapshot>> snapshot(std::string_view subject_id);
  Status write_index(store::Transaction& tx, std::string_view subject_id,
                     std::optional<Timestamp> next);

  store::Store& store_;
  vault::Vault& vault_;
  const policy::Policy& policy_;
  const Clock& clock_;
  Random& random_;
  RetentionOptions options_;
  LegalHolds holds_;
};

}  // namespace charter::retention
