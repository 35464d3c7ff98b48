#include "cli/serve_state.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <filesystem>

#include "cli/trail_cli.h"
#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/key_source.h"
#include "crypto/secret_file.h"
#include "rights/trail_hook.h"
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

Result<std::string> first_dpo(staff::StaffRegistry& staff, http::SessionStore& sessions,
                              const policy::Policy& policy, Random& random) {
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
  // The password was printed: it must be changed at first login.
  CHARTER_TRY_STATUS(sessions.require_password_change(added->id));
  return "First DPO account (shown once, never logged): e-mail " + m.email + ", password " +
         password +
         " (log in with POST /v1/session, then change it with PUT /v1/session/password: "
         "required before anything else)";
}

// The outbox with its delivery worker and webhook notices, and the archive store and maker
// (docs/NOTIFY.md, docs/ARCHIVE.md).
Status open_outbox_and_archives(ServeState& s, const VaultOptions& opts,
                                const policy::Policy& policy, const Clock& clock, Random& random,
                                const NotifyConfig& config) {
  const std::string data = opts.store.data;
  notify::OutboxOptions oo;
  oo.from = !config.smtp_from.empty()              ? config.smtp_from
            : !policy.controller.dpo_email.empty() ? policy.controller.dpo_email
                                                   : "charter@localhost";
  const auto at = oo.from.rfind('@');
  oo.domain = at == std::string::npos ? "localhost" : oo.from.substr(at + 1);
  oo.key_dir = vault::key_dir_of(data);
  oo.first_retry = config.first_retry;
  const std::string hooks =
      config.webhooks_file.empty() ? data + "/notify.yaml" : config.webhooks_file;
  if (std::filesystem::exists(hooks) || !config.webhooks_file.empty()) {
    CHARTER_TRY(oo.webhooks, notify::load_webhooks(hooks));
  }
  auto* deliverer = &s.deliverer;
  oo.on_queued = [deliverer] {
    if (auto* w = deliverer->load()) w->poke();
  };
  CHARTER_TRY(s.outbox, notify::DurableOutbox::open(*s.store, *s.ring, clock, random, oo));
  if (config.smtp_url.empty()) {
    s.email_transport = std::make_unique<notify::EmlFolder>(data + "/outbox");
  } else {
    s.email_transport = std::make_unique<notify::SmtpTransport>(config.smtp_url);
  }
  s.webhook_transport = std::make_unique<notify::CurlWebhookTransport>();
  s.delivery = std::make_unique<notify::DeliveryWorker>(*s.outbox, *s.email_transport,
                                                        *s.webhook_transport, config.poll);
  s.deliverer.store(s.delivery.get());
  if (!oo.webhooks.empty()) {
    s.notice_queue = std::make_unique<NoticeQueue>(*s.outbox, clock);
    s.noticer.store(s.notice_queue.get());
  }
  CHARTER_TRY(s.archives, archive::ArchiveStore::open(*s.store, *s.ring, clock, random));
  archive::ArchiveSources src;
  src.vault = s.vault.get();
  src.ledger = s.ledger.get();
  src.objections = s.objections.get();
  src.restrictions = s.restrictions.get();
  src.audit_log = &s.trail->log();
  trail::Trail* t = s.trail.get();
  src.pseudonym = [t](std::string_view id) { return t->pseudonym(id); };
  s.archiver = std::make_unique<archive::Archiver>(policy, src, *s.archives);
  directives::DirectivesDeps dd;
  dd.vault = s.vault.get();
  dd.archives = s.archiver.get();
  dd.outbox = s.outbox.get();
  dd.audit = [t](std::vector<audit::AuditEvent> events) {
    return t->append_all(std::move(events));
  };
  dd.pseudonym = [t](std::string_view id) { return t->pseudonym(id); };
  CHARTER_TRY(s.directives,
              directives::DirectivesService::open(*s.store, *s.ring, dd, clock, random));
  // The disclosure register (authority requests): audited through the trail, fail closed.
  CHARTER_TRY(s.disclosures, disclosure::DisclosureRegister::open(
                                 *s.store, policy, clock, random,
                                 [t](std::vector<audit::AuditEvent> events) {
                                   return t->append_all(std::move(events));
                                 },
                                 [t](std::string_view id) { return t->pseudonym(id); }));
  return {};
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

http::Pipeline::RefusalHook ServeState::refusal_hook() const {
  trail::Trail* t = trail.get();
  return [t](const http::Request& req, int status) {
    audit::AuditEvent e;
    if (req.principal) {
      e.actor = audit_actor(*req.principal);
    } else {
      e.actor = {audit::ActorKind::kSystem, "anonymous", ""};
    }
    e.action = "http.refused";
    e.decision = audit::Decision::kDeny;
    switch (status) {
      case 400:
        e.reason = "invalid_request";
        break;
      case 401:
        e.reason = "unauthenticated";
        break;
      case 403:
        e.reason = "permission_denied";
        break;
      case 413:
        e.reason = "payload_too_large";
        break;
      default:
        e.reason = "unsupported_media_type";
        break;
    }
    e.request_id = req.id;
    std::string_view subject = req.path_param("subject_id");
    if (is_valid_id(subject, "sub")) {
      if (auto p = t->pseudonym(subject); p.ok()) e.subject = std::move(p).value();
    }
    t->appender().submit(std::move(e), [](Result<std::uint64_t> r) {
      if (!r.ok())
        spdlog::warn("a refused request could not be audited: {}", r.error().to_string());
    });
  };
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
  c.audit_key = &t->appender().public_key();
  c.access = access.get();
  c.index = index.get();
  c.decision_log = t;
  c.retention = retention.get();
  c.archives = archives.get();
  c.directives = directives.get();
  if (delivery) {
    notify::DeliveryWorker* w = delivery.get();
    c.outbox_backlog = [w] { return static_cast<double>(w->backlog()); };
  }
  c.rights = rights.get();
  c.disclosures = disclosures.get();
  c.drp = drp.get();
  c.around = [](http::Request& req, const http::Handler& handler) -> Result<http::Response> {
    if (!req.principal) return handler(req);
    trail::Trail::ActorScope scope(audit_actor(*req.principal), req.id);
    return handler(req);
  };
}

Result<std::unique_ptr<ServeState>> open_serve_state(const VaultOptions& opts,
                                                     std::shared_ptr<const policy::Policy> policy,
                                                     const Clock& clock, Random& random,
                                                     std::chrono::seconds sweep_every,
                                                     const NotifyConfig& notify_config) {
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
  if (db.backend() == store::Backend::kPostgres) {
    CHARTER_TRY(s->feed, IndexFeed::open(db, clock, random));
    s->feeder.store(s->feed.get());
  }
  auto* feeder = &s->feeder;
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
  auto* noticer = &s->noticer;
  auto* eraser = &s->archive_eraser;
  vo.on_commit = [index = s->index->vault_observer(), reindexer, noticer, feeder, eraser,
                  store = &db](const vault::Change& c) {
    index(c);
    if (auto* q = reindexer->load()) {
      for (const auto& id : c.subject_ids) q->add(id);
    }
    if (auto* f = feeder->load()) {
      for (const auto& id : c.subject_ids) f->add(id);
    }
    if (auto* a = eraser->load(); a && c.kind == vault::ChangeKind::kSubjectErased) {
      // An erased subject's access archives go with it (their links stop working at once);
      // one transaction per change, however many subjects a sweep erased in it.
      if (auto st = a->erase_subjects(c.subject_ids); !st) {
        spdlog::error("archives of erased subjects not erased: {}", st.error().to_string());
      }
      // So do their privacy-center sign-ins and sessions (the rights tables exist once the
      // eraser is set, after the request queue opened them).
      if (auto st = rights::forget_sign_ins(*store, c.subject_ids); !st) {
        spdlog::error("sign-ins of erased subjects not erased: {}", st.error().to_string());
      }
    }
    if (auto* n = noticer->load()) {
      if (c.kind == vault::ChangeKind::kFieldRectified ||
          c.kind == vault::ChangeKind::kSubjectErased) {
        const auto what = c.kind == vault::ChangeKind::kFieldRectified
                              ? notify::Event::kRectification
                              : notify::Event::kErasure;
        for (const auto& id : c.subject_ids) n->add(what, id);
      }
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
  CHARTER_TRY(s->idempotency, http::DbIdempotencyStore::open(db, clock));
  consent::LedgerOptions lo;
  lo.audit = s->trail.get();
  lo.on_change = [index = s->index->consent_observer(), reindexer, noticer,
                  feeder](const consent::Change& c) {
    index(c);
    if (auto* q = reindexer->load()) q->add(c.subject_id);
    if (auto* n = noticer->load()) {
      if (auto event = event_of(c)) n->add(*event, c.subject_id, c.purpose);
    }
    if (auto* f = feeder->load()) f->add(c.subject_id);
  };
  CHARTER_TRY(s->ledger, consent::ConsentLedger::open(db, policy, clock, random, *s->ring, lo));
  s->objections = std::make_unique<consent::Objections>(*s->ledger);
  s->restrictions = std::make_unique<consent::Restrictions>(*s->ledger);
  CHARTER_TRY(s->rights_queue, rights::RequestQueue::open(db, *policy, *s->ring, clock, random,
                                                          rights::trail_audit_hook(*s->trail)));
  s->retention_consent = std::make_unique<retention::LedgerConsentSource>(*s->ledger);
  retention::RetentionOptions rto;
  rto.consent = s->retention_consent.get();
  // A subject with a request not yet answered keeps what `open_while: [request_open]` holds.
  rto.request_open = [q = s->rights_queue.get()](std::string_view id) {
    return q->open_for_subject(id);
  };
  rto.on_hold_change = hold_audit_hook(*s->trail);
  CHARTER_TRY(s->retention,
              retention::Retention::open(db, *s->vault, *policy, clock, random, std::move(rto)));
  s->reindex = std::make_unique<ReindexQueue>(*s->retention);
  s->reindexer.store(s->reindex.get());
  s->facts = std::make_unique<access::FactSource>(*s->vault, *s->ledger);
  CHARTER_TRY(s->index_stats, s->index->load(*s->facts));
  if (s->feed) s->feed->start(*s->index);
  s->access = std::make_unique<access::AccessService>(*s->facts, *s->trail, clock);
  // Single decisions from the index when it is current: one server per store (SQLite). With
  // the feed (PostgreSQL, maybe several servers) they read the store, current at once.
  if (!s->feed) s->access->use_index(s->index.get());
  s->prover = std::make_unique<audit::Prover>(s->trail->log());
  s->authenticator =
      std::make_unique<http::CharterAuthenticator>(*s->staff, *s->services, *s->sessions);

  CHARTER_TRY_STATUS(open_outbox_and_archives(*s, opts, *policy, clock, random, notify_config));
  s->archive_eraser.store(s->archives.get());
  // Retention sweeps, then housekeeping: expired archives and delivered messages older than 30
  // days (docs/ARCHIVE.md, docs/NOTIFY.md).
  ServeState* state = s.get();
  s->sweeps = std::make_unique<SweepScheduler>(
      *s->retention, sweep_every, std::chrono::seconds(60), [state, &clock] {
        if (auto n = state->archives->purge_expired(); !n) {
          spdlog::warn("archive purge failed: {}", n.error().to_string());
        }
        auto before = clock.now() - std::chrono::hours(24 * 30);
        if (auto n = state->outbox->purge_delivered(before); !n) {
          spdlog::warn("outbox purge failed: {}", n.error().to_string());
        }
      });

  s->rights_verifier = std::make_unique<rights::Verifier>(*s->rights_queue);
  s->subject_sessions = std::make_unique<rights::SubjectSessions>(*s->rights_queue);
  rights::RightsDeps rd;
  rd.queue = s->rights_queue.get();
  rd.verifier = s->rights_verifier.get();
  rd.sessions = s->subject_sessions.get();
  rd.vault = s->vault.get();
  rd.ledger = s->ledger.get();
  rd.objections = s->objections.get();
  rd.restrictions = s->restrictions.get();
  rd.retention = s->retention.get();
  rd.outbox = s->outbox.get();
  rd.archive = s->archiver.get();
  s->rights = std::make_unique<rights::RightsService>(rd);
  // Data Rights Protocol (docs/DRP.md): trusted agents and their requests into the rights queue.
  CHARTER_TRY(s->drp_agents, drp::AgentRegistry::open(db, clock, random));
  drp::DrpDeps dd;
  dd.agents = s->drp_agents.get();
  dd.queue = s->rights_queue.get();
  dd.verifier = s->rights_verifier.get();
  dd.vault = s->vault.get();
  dd.outbox = s->outbox.get();
  dd.retention = s->retention.get();
  trail::Trail* drp_trail = s->trail.get();
  dd.audit = [drp_trail](std::vector<audit::AuditEvent> events) {
    return drp_trail->append_all(std::move(events));
  };
  drp::DrpOptions dopt;
  dopt.default_business_id = drp::default_business_id(*policy);
  s->drp = std::make_unique<drp::DrpService>(std::move(dd), dopt, clock);

  CHARTER_TRY(auto dpo, first_dpo(*s->staff, *s->sessions, *policy, random));
  if (!dpo.empty()) s->notices.push_back(std::move(dpo));
  return s;
}

}  // namespace charter::cli
