// Trail: the audit trail of Charter's operations (DESIGN.md section 6; docs/AUDIT.md "What is
// logged"). It owns the tamper-evident log (audit::DbLogStore in the audit database, the
// group-commit audit::Appender and its Ed25519 signing key from <data>/keys) and the pseudonym
// key, and turns every operation into audit::AuditEvents:
//   - vault::ChangeSink: every vault mutation (create, event, rectify, update, erase, key
//     operations), one entry per subject of a batch;
//   - access::DecisionLog: every access decision (and one entry per bulk decision);
//   - consent::AuditHook: every consent, objection, restriction, unsubscribe, GPC and erasure
//     change of a ledger batch, submitted together and waited for once;
//   - staff::AuditHook: every change of staff members, services and tokens.
// Each hook returns only once the entries are durable; an error (kUnavailable when the log cannot
// be written) makes the operation fail and roll back: "audited but not done" is possible, "done
// but not audited" is not.
//
// Actors: the actor of vault, staff and decision entries is the one set on the calling thread by
// an ActorScope (the HTTP layer sets the authenticated staff member or service, and the request
// id), else the Trail's default actor (TrailOptions::actor: the CLI uses {system, "cli", "dpo"},
// the server {system, "server", ""}). Consent entries: the subject (its pseudonym) for changes
// through a channel, the staff member (role "dpo") for what the DPO records, the system
// ("consent") for expiries and erasures. Data subjects appear only as pseudonyms
// (crypto/pseudonym.h); the target of a staff change (a staff or service id, opaque ids that
// appear in clear as actor ids anyway) is in the subject column as is.
//
// Storage: on SQLite the log lives in its own database file (store/open.h, open_audit_store):
// the vault's write transaction stays open while it waits for its audit entry, and SQLite has one
// writer per file. On PostgreSQL it is the same database (the Appender serialises writers across
// servers with its advisory lock).
//
// Contract: open() loads or creates the signing key in `key_dir` and recovers the log (errors as
// audit::Appender::open, signing_key_file.h). Entries about a subject need the pseudonym key:
// set_pseudonym_key() (from vault::KeyService::pseudonym_key()) before the first one, else they
// fail with kFailedPrecondition (and the operation with them). Thread safe. The audit Store, the
// Clock and the Random must outlive the Trail; close() (or the destructor) drains the queue and
// signs a final head.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "access/decision_log.h"
#include "audit/appender.h"
#include "audit/db_log_store.h"
#include "consent/audit_hook.h"
#include "core/clock.h"
#include "core/random.h"
#include "crypto/secret_key.h"
#include "policy/model.h"
#include "staff/audit_hook.h"
#include "store/store.h"
#include "vault/change.h"
#include "vault/keys.h"

namespace charter::trail {

struct TrailOptions {
  audit::Actor actor{audit::ActorKind::kSystem, "server", ""};  // when no ActorScope is set
  audit::AppenderOptions appender;
  // For the role a staff member acts in (the first of its roles that receives the purpose).
  const policy::Policy* policy = nullptr;
};

class Trail final : public vault::ChangeSink,
                    public access::DecisionLog,
                    public consent::AuditHook,
                    public staff::AuditHook {
 public:
  static Result<std::unique_ptr<Trail>> open(store::Store& audit_db, const std::string& key_dir,
                                             const Clock& clock, Random& random,
                                             TrailOptions options = {});
  ~Trail() override;

  void set_pseudonym_key(crypto::SecretKey key);
  // set_pseudonym_key(keys.pseudonym_key()).
  Status attach(const vault::KeyService& keys);
  // The subject's pseudonym (kFailedPrecondition without the key).
  Result<std::string> pseudonym(std::string_view subject_id) const;

  // The actor (and request id) of the operations run on this thread while the scope lives.
  class ActorScope {
   public:
    ActorScope(audit::Actor actor, std::string request_id = {});
    ~ActorScope();
    ActorScope(const ActorScope&) = delete;
    ActorScope& operator=(const ActorScope&) = delete;

   private:
    const void* previous_;
  };
  // The audit actor of an access actor: staff by the role it acts in for `purpose`.
  audit::Actor actor_of(const access::Actor& actor, std::string_view purpose) const;

  // vault::ChangeSink
  Status record(store::Transaction& tx, const vault::Change& change) override;
  // access::DecisionLog
  Status record(const access::Actor& actor, std::string_view subject_id,
                const access::AccessRequest& request, const access::Decision& decision,
                std::string_view request_id) override;
  Status record_bulk(const access::Actor& actor, std::string_view purpose, std::uint64_t asked,
                     std::uint64_t allowed, std::string_view request_id) override;
  // consent::AuditHook
  Wait submit(std::vector<consent::AuditRecord> records) override;
  // staff::AuditHook
  Status record(store::Transaction& tx, const staff::StaffChange& change) override;

  // Appends events and waits until they are durable (or the first error).
  Status append_all(std::vector<audit::AuditEvent> events);

  audit::Appender& appender() { return *appender_; }
  audit::LogStore& log() { return *log_; }
  Status close();

 private:
  Trail(std::unique_ptr<audit::DbLogStore> log, std::unique_ptr<audit::Appender> appender,
        TrailOptions options);
  audit::Actor current_actor() const;
  std::string current_request_id() const;
  Result<std::string> pseudonym_or_empty(std::string_view id) const;

  std::unique_ptr<audit::DbLogStore> log_;
  std::unique_ptr<audit::Appender> appender_;
  TrailOptions options_;
  mutable std::mutex key_mu_;
  std::optional<crypto::SecretKey> pseudonym_key_;
};

}  // namespace charter::trail
