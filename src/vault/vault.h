// Vault: the personal-data vault (DESIGN.md section 3; docs/VAULT.md). Subjects, their typed
// field values and observed events, sealed under per-subject, per-retention-class data keys;
// lookup by blind index; rectification; listing for the access right; erasure by retention class
// with the legal exceptions kept and explained; key rotation without downtime.
//
// Retention class = policy category id: one data key per (subject, category, key version).
// Values are sealed with AD (subject, field, key version); events with AD (subject, field, key
// version, event id). A sealed value moved to another subject, field, row or key version fails to
// open (kIntegrity), it is never returned as someone else's data.
//
// The vault does not decide whether a purpose may read (the access layer does, before calling):
// read() takes what to read. Every mutating operation passes through one place,
// Vault::commit_change (vault.cc), inside its write transaction: that is where the audit entry
// will be written (fail closed); a ChangeSink installed in VaultOptions sees every change now.
//
// Errors: kInvalidArgument (input against the policy: undeclared field, wrong type, missing
// required field with its if_missing text, unknown purpose or class; messages name fields and
// ids, never values), kNotFound (no such subject), kFailedPrecondition (subject erased; keys not
// initialised), kIntegrity (a sealed value or wrapped key does not open where it is), kConflict
// (retry), and the store's kUnavailable. Nothing is stored when an operation fails.
//
// Thread safety: a Vault is thread safe (share one per store); the Clock and Random given must
// be thread safe too (SystemClock, SystemRandom, ManualClock). The Store, Policy, Clock and
// Random must outlive it.
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
#include "store/store.h"
#include "vault/change.h"
#include "vault/holds.h"
#include "vault/keys.h"
#include "vault/types.h"

namespace charter::vault {

struct VaultOptions {
  ChangeSink* sink = nullptr;  // not owned; must outlive the vault
  // Called after each committed subject change (create, events, rectify, update, erase; not key
  // state changes), on the thread that ran the operation, after the transaction committed and
  // before the operation returns. For the access layer's in-memory decision index; keep it short.
  std::function<void(const Change&)> on_commit;
  std::size_t max_batch = 100000;  // create_subjects / record_events limit (kPayloadTooLarge)
  int stale_key_retries = 3;       // reads retried when a rotation destroyed their epoch
};

struct RectifyReport {
  std::uint32_t key_version = 0;  // the class's new data key version
  std::int64_t resealed = 0;      // other values and events of the class sealed again
  bool scrubbed = false;          // SQLite: WAL checkpointed (old page images gone)
};

// Facts about the subject that the vault does not hold (requests, holds, consents), for the
// policy windows that decide what an erasure keeps.
struct ErasureFacts {
  bool legal_hold = false;    // a dispute or claim freezes the data (art. 17(3)(e))
  bool request_open = false;  // a data-subject request is being handled (rights_management)
  std::optional<Timestamp> request_closed;
  // Default: the latest event of the subject in a category anchored on the transaction date.
  std::optional<Timestamp> transaction_date;
};

struct ErasureRequest {
  std::string subject_id;
  std::vector<std::string> classes;  // retention classes (category ids); empty = everything
  ErasureFacts facts;
  bool scrub = true;  // scrub the store right after (SQLite: checkpoint; PostgreSQL: VACUUM of
                      // the blind-index table). Batch erasures may scrub once at the end.
};

struct ErasureReport {
  std::string subject_id;
  std::string erasure_id;  // "era_..."
  Timestamp at;
  struct Destroyed {
    std::string cls;
    std::int64_t keys = 0;  // data key versions destroyed
    std::int64_t values = 0;
    std::int64_t events = 0;
  };
  struct Kept {
    std::string cls;
    std::vector<Hold> holds;  // why (purpose, basis, window reason, until, note)
    std::int64_t values = 0;
    std::int64_t events = 0;         // events still held
    std::int64_t events_erased = 0;  // events of the class no exception holds, erased
  };
  std::vector<Destroyed> destroyed;
  std::vector<Kept> kept;
  SubjectStatus status_after = SubjectStatus::kActive;
  std::uint32_t epoch = 0;  // the key epoch current at the erasure
  bool scrubbed = false;
  std::string scrub_error;  // set when the scrub failed (the erasure itself is committed)
  // SQLite: true once scrubbed (no byte of the destroyed classes remains in the files).
  // PostgreSQL: false until `epoch` is destroyed by the next key rotation (docs/VAULT.md).
  bool complete = false;
  std::string completion;  // one sentence on when and how the erasure is complete
};

class Vault {
 public:
  // Creates the key state of a new vault (KeyService::initialize), its change recorded through
  // the same funnel as every other mutation. Errors: as KeyService::initialize.
  static Status initialize_keys(store::Store& store, const policy::Policy& policy,
                                const std::string& key_dir, const crypto::MasterKey& master,
                                const Clock& clock, Random& random, VaultOptions options = {});

  // Applies the vault's migrations and takes the key service (KeyService::open).
  static Result<std::unique_ptr<Vault>> open(store::Store& store, const policy::Policy& policy,
                                             std::unique_ptr<KeyService> keys, const Clock& clock,
                                             Random& random, VaultOptions options = {});
  ~Vault();

  // Creates a subject; returns its id ("sub_..."). Errors: kInvalidArgument listing every
  // problem (collect.h); nothing is stored.
  Result<std::string> create_subject(const NewSubject& subject);
  // Creates many subjects in one transaction (all or nothing); ids in input order. Errors name
  // the index of the faulty subject ("subject 3: ...").
  Result<std::vector<std::string>> create_subjects(std::span<const NewSubject> subjects);

  // Records an observed event; returns its id ("evt_..."). Errors: kInvalidArgument (field not
  // an event field, wrong payload type), kNotFound, kFailedPrecondition (erased).
  Result<std::string> record_event(const NewEvent& event);
  Result<std::vector<std::string>> record_events(std::span<const NewEvent> events);

  // The subject's facts (no personal values). Errors: kNotFound.
  Result<SubjectInfo> subject(std::string_view subject_id);
  // Decrypted values and events as asked. Errors: kNotFound, kInvalidArgument (unknown field),
  // kIntegrity (a value does not open where it is stored).
  Result<SubjectData> read(const ReadRequest& request);
  // Everything held on the subject (every value, every event), for the right of access.
  Result<SubjectData> export_subject(std::string_view subject_id);

  // Subjects whose blind-indexed `field` (email, phone) equals `value` once normalised; usually
  // zero or one id. Errors: kInvalidArgument (field not blind-indexed, value not of its type).
  Result<std::vector<std::string>> find(std::string_view field, std::string_view value);

  // Replaces (or adds) a field's value. The class is re-keyed: a new data key version seals the
  // new value and every other value and event of the class, the old data key is deleted, so the
  // old ciphertext opens with no key that remains (on PostgreSQL once the epoch it was wrapped
  // under is destroyed). SQLite: the WAL is then checkpointed (best effort).
  Result<RectifyReport> rectify(std::string_view subject_id, std::string_view field,
                                std::string_view value);

  // Relationship, contract dates, last contact, status (not "erased": use erase()).
  Status update(std::string_view subject_id, const RelationshipUpdate& update);

  // Erases the subject, or some of its retention classes: destroys the class keys and deletes
  // the rows of every class no legal exception holds (holds.h), deletes the events of held
  // classes that no exception holds any more, and reports what was destroyed and what is kept
  // and why. A full erasure leaves the subject "erased" (no facts kept) or, when classes are
  // kept, "restricted". Errors: kNotFound, kFailedPrecondition (erased already),
  // kInvalidArgument (unknown class).
  Result<ErasureReport> erase(const ErasureRequest& request);

  // Makes deleted rows unrecoverable from the store's files as far as the backend allows
  // (store::Store::scrub over the vault's tables).
  Status scrub();

  // A new key epoch: every data key rewrapped while the vault stays in use, then the old epoch
  // destroyed (KeyService::rotate). Completes pending PostgreSQL erasures.
  Result<RotationReport> rotate_keys(std::size_t batch = 1000);
  // Rewraps the epoch files under `next` (version master_version()+1).
  Result<MasterRotationReport> rotate_master(crypto::MasterKey next);

  KeyService& keys() { return *keys_; }
  const policy::Policy& policy() const { return policy_; }
  store::Store& store() { return store_; }

 private:
  Vault(store::Store& store, const policy::Policy& policy, std::unique_ptr<KeyService> keys,
        const Clock& clock, Random& random, VaultOptions options);

  // THE place every mutating operation goes through, inside its write transaction, just before
  // commit: the audit entry will be written here (fail closed). See change.h.
  Status commit_change(store::Transaction& tx, Change change);
  // Tells VaultOptions::on_commit about a committed change.
  void committed(const Change& change) const {
    if (options_.on_commit) options_.on_commit(change);
  }
  static Status commit_change(const policy::Policy& policy, const VaultOptions& options,
                              store::Transaction& tx, Change change);

  Result<SubjectData> read_once(const ReadRequest& request);
  Result<ErasureReport> erase_in(const ErasureRequest& request);

  store::Store& store_;
  const policy::Policy& policy_;
  std::unique_ptr<KeyService> keys_;
  const Clock& clock_;
  Random& random_;
  VaultOptions options_;
};

}  // namespace charter::vault
