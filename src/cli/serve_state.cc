#include "cli/serve_state.h"

#include <array>
#include <cstdlib>
#include <filesystem>

#include "cli/trail_cli.h"
#include "crypto/encoding.h"
#include "crypto/key_source.h"
#include "crypto/secret_file.h"
#include "store/open.h"
#include "vault/schema.h"

namespace charter::cli {
namespace {

// Initialises the vault's keys as `charter keys init` does; returns the notice to print.
Result<std::string> initialise_keys(const VaultOptions& opts, store::Store& store,
                                    const policy::Policy& policy, const Clock& clock,
                                    Random& random, trail::Trail& trail) {
  const vault::MasterKeySource source = master_source(opts);
  const std::string key_dir = vault::key_dir_of(opts.store.data);
  CHARTER_TRY(InitMaster master, master_for_init(opts, random, /*reuse_file=*/true));
  const std::string& created = master.created;
  vault::VaultOptions audited;
  audited.sink = &trail;
  Status st =
      vault::Vault::initialize_keys(store, policy, key_dir, master.key, clock, random, audited);
  if (!st) {
    if (!created.empty()) {
      Status gone = crypto::destroy_secret_file(created);
      (void)gone;
    }
    // Another server initialised them meanwhile: use its keys.
    if (st.error().code == Errc::kAlreadyExists) return std::string();
    return std::move(st).error();
  }
  return "Vault keys initialised (epoch 1 in " + key_dir +
         "); master key: " + (created.empty() ? source.describe() : created + " (mode 0600)") +
         ". Back it up apart from the data.";
}

std::string random_password(Random& random) {
  std::array<std::uint8_t, 15> raw{};
  random.fill(raw);
  return crypto::to_base32(raw);  // 24 characters, 120 bits
}

Result<std::string> first_dpo(staff::StaffRegistry& staff, const policy::Policy& policy,
                              Random& random) {
  CHARTER_TRY(auto members, staff.list());
  if (!members.empty()) return std::string();
  staff::NewMember m;
  m.display_name = "Data protection officer";
  m.email = policy.controller.dpo_email.empty() ? "dpo@localhost.localdomain"
                                                : policy.controller.dpo_email;
  m.roles = {"dpo"};
  auto added = staff.add(m);
  if (!added) {
    if (added.error().code == Errc::kAlreadyExists) return std::string();  // another server
    return std::move(added).error();
  }
  const std::string password = random_password(random);
  CHARTER_TRY_STATUS(staff.set_password(added->id, password));
  return "First DPO account (shown once, never logged): e-mail " + m.email + ", password " +
         password + " (log in with POST /v1/session; change it with PUT /v1/session/password)";
}

}  // namespace

// The audit actor of an authenticated request: a staff member by id and the role they act in
// (the DPO role when they hold it, else their first role), a service by its id.
audit::Actor audit_actor(const http::Principal& p) {
  audit::Actor a;
  a.id = p.id;
  if (p.kind == http::Principal::Kind::kStaff) {
    a.kind = audit::ActorKind::kStaff;
    a.role = p.roles.empty() ? "staff" : p.roles.front();
    for (const auto& r : p.roles) {
      if (r == "dpo") a.role = r;
    }
  } else {
    a.kind = audit::ActorKind::kService;
  }
  return a;
}

void ServeState::wire(http::ApiContext& c, const Clock& clock) const {
  c.clock = &clock;
  c.staff = staff.get();
  c.services = services.get();
  c.sessions = sessions.get();
  c.vault = vault.get();
  c.ledger = ledger.get();
  c.objections = objections.get();
  c.restrictions = restrictions.get();
  c.audit_log = &trail->log();
  c.prover = prover.get();
  trail::Trail* t = trail.get();
  c.pseudonym = [t](std::string_view subject_id) { return t->pseudonym(subject_id); };
  c.access = access.get();
  c.index = index.get();
  c.decision_log = t;
  c.retention = retention.get();
  c.around = [](http::Request& req, const http::Handler& handler) -> Result<http::Response> {
    if (!req.principal) return handler(req);
    trail::Trail::ActorScope scope(audit_actor(*req.principal), req.id);
    return handler(req);
  };
}

Result<std::unique_ptr<ServeState>> open_serve_state(const VaultOptions& opts,
                                                     std::shared_ptr<const policy::Policy> policy,
                                                     const Clock& clock, Random& random,
                                                     std::chrono::seconds sweep_every) {
  auto s = std::make_unique<ServeState>();
  CHARTER_TRY(s->store, store::open_store(store_target(opts.store)));
  store::Store& db = *s->store;

  CHARTER_TRY(s->audit_db, store::open_audit_store(store_target(opts.store)));
  trail::TrailOptions to;
  to.policy = policy.get();
  CHARTER_TRY(s->trail, trail::Trail::open(*s->audit_db, vault::key_dir_of(opts.store.data), clock,
                                           random, to));

  CHARTER_TRY_STATUS(vault::migrate_vault(db, clock));
  CHARTER_TRY(bool initialised, vault::KeyService::initialized(db));
  if (!initialised) {
    CHARTER_TRY(auto notice, initialise_keys(opts, db, *policy, clock, random, *s->trail));
    if (!notice.empty()) s->notices.push_back(std::move(notice));
  }
  CHARTER_TRY(std::uint32_t version, vault::KeyService::master_version(db));
  CHARTER_TRY(crypto::MasterKey master, vault::load_master_key(master_source(opts), version));
  CHARTER_TRY(crypto::MasterKey ring_key, vault::load_master_key(master_source(opts), version));
  CHARTER_TRY(auto keys, vault::KeyService::open(db, vault::key_dir_of(opts.store.data),
                                                 std::move(master), clock, random));
  s->index = std::make_unique<access::DecisionIndex>(*policy);
  vault::VaultOptions vo;
  vo.sink = s->trail.get();
  if (opts.journal_erasures) {  // docs/RELIABILITY.md "Backup and restore"
    s->journal = std::make_unique<ErasureJournal>(
        erasure_journal_path(opts.erasure_journal, opts.store.data));
    s->journaling = std::make_unique<JournalingSink>(s->trail.get(), *s->journal, clock);
    vo.sink = s->journaling.get();
  }
  // After each committed change: the decision index, then the retention index (queued: its
  // writes stay off the path of the change).
  auto* reindexer = &s->reindexer;
  vo.on_commit = [index = s->index->vault_observer(), reindexer](const vault::Change& c) {
    index(c);
    if (auto* q = reindexer->load()) {
      for (const auto& id : c.subject_ids) q->add(id);
    }
  };
  CHARTER_TRY(s->vault, vault::Vault::open(db, *policy, std::move(keys), clock, random, vo));
  CHARTER_TRY_STATUS(s->trail->attach(s->vault->keys()));
  s->ring = std::make_unique<crypto::KeyRing>();
  CHARTER_TRY_STATUS(s->ring->add(std::move(ring_key)));

  staff::RegistryOptions ro;
  ro.audit = s->trail.get();
  CHARTER_TRY(s->staff, staff::StaffRegistry::open(db, policy, clock, random, *s->ring, ro));
  CHARTER_TRY(s->services, staff::ServiceRegistry::open(db, policy, clock, random, s->trail.get()));
  CHARTER_TRY(s->sessions, http::SessionStore::open(db, clock, random));
  consent::LedgerOptions lo;
  lo.audit = s->trail.get();
  lo.on_change = [index = s->index->consent_observer(), reindexer](const consent::Change& c) {
    index(c);
    if (auto* q = reindexer->load()) q->add(c.subject_id);
  };
  CHARTER_TRY(s->ledger, consent::ConsentLedger::open(db, policy, clock, random, *s->ring, lo));
  s->objections = std::make_unique<consent::Objections>(*s->ledger);
  s->restrictions = std::make_unique<consent::Restrictions>(*s->ledger);
  s->retention_consent = std::make_unique<retention::LedgerConsentSource>(*s->ledger);
  retention::RetentionOptions rto;
  rto.consent = s->retention_consent.get();
  rto.on_hold_change = hold_audit_hook(*s->trail);
  CHARTER_TRY(s->retention,
              retention::Retention::open(db, *s->vault, *policy, clock, random, std::move(rto)));
  s->reindex = std::make_unique<ReindexQueue>(*s->retention);
  s->reindexer.store(s->reindex.get());
  s->sweeps =
      std::make_unique<SweepScheduler>(*s->retention, sweep_every, std::chrono::seconds(60));
  s->facts = std::make_unique<access::FactSource>(*s->vault, *s->ledger);
  CHARTER_TRY(s->index_stats, s->index->load(*s->facts));
  s->access = std::make_unique<access::AccessService>(*s->facts, *s->trail, clock);
  s->prover = std::make_unique<audit::Prover>(s->trail->log());
  s->authenticator =
      std::make_unique<http::CharterAuthenticator>(*s->staff, *s->services, *s->sessions);

  CHARTER_TRY(auto dpo, first_dpo(*s->staff, *policy, random));
  if (!dpo.empty()) s->notices.push_back(std::move(dpo));
  return s;
}

}  // namespace charter::cli
