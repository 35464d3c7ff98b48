// What `charter serve` opens behind the API, in dependency order, owned together: the store,
// the vault (its keys initialised on first start), the staff and service registries, console
// sessions, the consent ledger with objections and restrictions, the audit trail (every vault,
// consent and staff change and every access decision is audited before it is done, fail closed;
// on SQLite the log is <data>/audit.db), the decision index and access service, and the
// production Authenticator.
//
// Master key (docs/VAULT.md "Master key sources"): --key-file, else $CHARTER_MASTER_KEY, else
// <data>/keys/master.key. On a store whose vault keys are not initialised, serve initialises
// them like `charter keys init` (creating <data>/keys/master.key, mode 0600, when no key was
// given) and says so in `notices`. The staff and consent keys are wrapped under the same master
// key (as `charter staff` and `charter consent` do with --key-file).
//
// First DPO: when the store has no staff member, a member with the role "dpo" is created with
// the policy's DPO e-mail and a random password; `notices` carries the e-mail and the password,
// which the caller prints once on stdout (never in logs). Two servers starting at once on one
// PostgreSQL create one DPO (the e-mail is unique; the loser prints nothing).
//
// Errors: the store's, the key source's, the registries'. Thread safety: built once at start.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "access/decision_index.h"
#include "access/service.h"
#include "access/subject_facts.h"
#include "archive/archive_store.h"
#include "archive/archiver.h"
#include "audit/prover.h"
#include "cli/erasure_journal.h"
#include "cli/index_feed.h"
#include "cli/notice_queue.h"
#include "cli/reindex_queue.h"
#include "cli/sweep_scheduler.h"
#include "cli/vault_cli.h"
#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "core/clock.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "directives/directives.h"
#include "disclosure/register.h"
#include "drp/agents.h"
#include "drp/service.h"
#include "http/api.h"
#include "http/charter_authenticator.h"
#include "http/db_idempotency.h"
#include "http/pipeline.h"
#include "http/session_store.h"
#include "notify/durable_outbox.h"
#include "notify/transport.h"
#include "notify/worker.h"
#include "retention/consent_source.h"
#include "retention/engine.h"
#include "rights/service.h"
#include "staff/registry.h"
#include "staff/services.h"
#include "store/store.h"
#include "trail/trail.h"
#include "vault/vault.h"

namespace charter::cli {

// The outbox's delivery (docs/NOTIFY.md): .eml files in <data>/outbox unless `smtp_url` is set;
// webhooks declared in `webhooks_file` (default <data>/notify.yaml, optional).
struct NotifyConfig {
  std::string smtp_url;   // "smtp://host:port"; empty: .eml files
  std::string smtp_from;  // From: and envelope sender; default the policy's DPO e-mail
  std::string webhooks_file;
  std::chrono::milliseconds poll{1000};
  // Delay before the first retry of a refused delivery (then doubled up to an hour, with jitter:
  // a uniform draw in [d/2, d]; notify::OutboxOptions::first_retry).
  std::chrono::seconds first_retry{30};
};

// Members are destroyed in reverse order: what holds a pointer to the trail or the index (the
// vault, registries, ledger) goes before them.
struct ServeState {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::Store> audit_db;  // SQLite: <data>/audit.db; PostgreSQL: same database
  std::unique_ptr<trail::Trail> trail;
  std::unique_ptr<ErasureJournal> journal;  // erasures recorded outside the database
  std::unique_ptr<JournalingSink> journaling;
  std::unique_ptr<access::DecisionIndex> index;
  std::unique_ptr<vault::Vault> vault;
  std::unique_ptr<crypto::KeyRing> ring;  // master key: staff and consent keys
  std::unique_ptr<staff::StaffRegistry> staff;
  std::unique_ptr<staff::ServiceRegistry> services;
  std::unique_ptr<http::SessionStore> sessions;
  std::unique_ptr<consent::ConsentLedger> ledger;
  std::unique_ptr<consent::Objections> objections;
  std::unique_ptr<consent::Restrictions> restrictions;
  // Data-subject requests: the queue outlives the retention engine (its request_open fact).
  std::unique_ptr<rights::RequestQueue> rights_queue;
  std::unique_ptr<retention::LedgerConsentSource> retention_consent;
  std::unique_ptr<retention::Retention> retention;
  std::unique_ptr<ReindexQueue> reindex;
  // Set once the engine is open: the vault and ledger observers queue subjects to reindex.
  std::atomic<ReindexQueue*> reindexer{nullptr};
  std::unique_ptr<SweepScheduler> sweeps;  // stopped first
  std::unique_ptr<access::FactSource> facts;
  std::unique_ptr<access::AccessService> access;
  access::IndexStats index_stats;
  std::unique_ptr<audit::Prover> prover;
  std::unique_ptr<http::CharterAuthenticator> authenticator;
  // Outbox (e-mails, webhooks) and its delivery worker; archives (access, portability).
  std::unique_ptr<notify::DurableOutbox> outbox;
  std::unique_ptr<notify::EmailTransport> email_transport;
  std::unique_ptr<notify::WebhookTransport> webhook_transport;
  std::unique_ptr<notify::DeliveryWorker> delivery;
  std::atomic<notify::DeliveryWorker*> deliverer{nullptr};
  std::unique_ptr<NoticeQueue> notice_queue;
  std::atomic<NoticeQueue*> noticer{nullptr};
  std::unique_ptr<archive::ArchiveStore> archives;
  std::unique_ptr<archive::Archiver> archiver;
  // Set once the archives are open: the vault observer erases an erased subject's archives.
  std::atomic<archive::ArchiveStore*> archive_eraser{nullptr};
  std::unique_ptr<directives::DirectivesService> directives;  // post-mortem directives
  // The disclosure register (authority requests, src/disclosure).
  std::unique_ptr<disclosure::DisclosureRegister> disclosures;
  // Data-subject requests (src/rights): fulfilment through the outbox and the archiver above.
  std::unique_ptr<rights::Verifier> rights_verifier;
  std::unique_ptr<rights::SubjectSessions> subject_sessions;
  std::unique_ptr<rights::RightsService> rights;
  std::unique_ptr<drp::AgentRegistry> drp_agents;  // Data Rights Protocol (docs/DRP.md)
  std::unique_ptr<drp::DrpService> drp;
  std::unique_ptr<http::DbIdempotencyStore> idempotency;  // shared by the servers on one database
  // PostgreSQL: announces this server's changes to the others and follows theirs (index_feed.h).
  std::unique_ptr<IndexFeed> feed;
  std::atomic<IndexFeed*> feeder{nullptr};
  std::vector<std::string> notices;  // lines for stdout, printed once

  ~ServeState() {
    archive_eraser.store(nullptr);
    feeder.store(nullptr);
    feed.reset();
    noticer.store(nullptr);
    notice_queue.reset();
    deliverer.store(nullptr);
    delivery.reset();
    sweeps.reset();
    reindexer.store(nullptr);
    reindex.reset();
  }
  // Audits the security refusals of /v1 routes (http::Pipeline::RefusalHook): an entry
  // "http.refused" with the caller (or the system actor "anonymous"), the status as reason code,
  // the subject's pseudonym when the path names a subject, and the request id. Queued, never
  // blocks; an entry that cannot be written is logged as a warning.
  http::Pipeline::RefusalHook refusal_hook() const;
  // Fills the capability part of an ApiContext.
  void wire(http::ApiContext& context, const Clock& clock) const;
};

// `sweep_every`: retention sweeps on this period (0: none; the first one a minute after start).
Result<std::unique_ptr<ServeState>> open_serve_state(const VaultOptions& options,
                                                     std::shared_ptr<const policy::Policy> policy,
                                                     const Clock& clock, Random& random,
                                                     std::chrono::seconds sweep_every = {},
                                                     const NotifyConfig& notify = {});

}  // namespace charter::cli
