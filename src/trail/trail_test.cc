// The audit trail wired to the vault, the consent ledger, the staff registries and the access
// decision log, on both backends: normal operations leave the right entries (pseudonyms, staff
// by role, a log that verifies) and a storage fault in the audit log makes each operation fail
// with nothing stored (fail closed).
#include "trail/trail.h"

#include <gtest/gtest.h>

#include <future>
#include <set>

#include "audit/entry_codec.h"
#include "audit/history.h"
#include "audit/verifier.h"
#include "consent/gpc.h"
#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "consent/unsubscribe.h"
#include "staff/registry.h"
#include "staff/services.h"
#include "store/fault.h"
#include "vault/test_env.h"

namespace charter::trail {
namespace {

using vault::testing::oxemis;
using vault::testing::TempDir;

class TrailTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto made = store::TestStore::make(GetParam());
    if (!made.ok()) {
      if (GetParam() == store::Backend::kPostgres && !store::pg_required()) {
        GTEST_SKIP() << "PostgreSQL tests skipped: " << made.error().to_string();
      }
      FAIL() << made.error().to_string();
    }
    main_ = std::move(made).value();
    // The audit log in a store of its own (on SQLite: audit.db; here a second test store on
    // both backends, so that faults injected into it touch the audit log only).
    store::StoreOptions audit_options;
    audit_options.faults = faults_;
    auto audit_made = store::TestStore::make(GetParam(), audit_options);
    ASSERT_TRUE(audit_made.ok()) << audit_made.error().to_string();
    audit_db_ = std::move(audit_made).value();

    TrailOptions to;
    to.actor = {audit::ActorKind::kSystem, "cli", "dpo"};
    to.policy = &oxemis();
    auto trail = Trail::open(audit_db_->store(), tmp_.path() + "/keys", clock_, random_, to);
    ASSERT_TRUE(trail.ok()) << trail.error().to_string();
    trail_ = std::move(trail).value();

    auto master = crypto::MasterKey::generate(1, random_);
    ASSERT_TRUE(master.ok());
    vault::VaultOptions vo;
    vo.sink = trail_.get();
    ASSERT_TRUE(vault::Vault::initialize_keys(store(), oxemis(), tmp_.path() + "/keys", *master,
                                              clock_, random_, vo)
                    .ok());
    auto keys = vault::KeyService::open(store(), tmp_.path() + "/keys", std::move(master).value(),
                                        clock_, random_);
    ASSERT_TRUE(keys.ok()) << keys.error().to_string();
    ASSERT_TRUE(trail_->attach(**keys).ok());
    ring_ = (*keys)->ring();
    auto v = vault::Vault::open(store(), oxemis(), std::move(keys).value(), clock_, random_, vo);
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    vault_ = std::move(v).value();

    auto policy = std::make_shared<const policy::Policy>(oxemis());
    consent::LedgerOptions lo;
    lo.audit = trail_.get();
    auto ledger = consent::ConsentLedger::open(store(), policy, clock_, random_, ring_->ring, lo);
    ASSERT_TRUE(ledger.ok()) << ledger.error().to_string();
    ledger_ = std::move(ledger).value();
    staff::RegistryOptions ro;
    ro.password_limits = crypto::Argon2Limits::minimum();
    ro.audit = trail_.get();
    auto reg = staff::StaffRegistry::open(store(), policy, clock_, random_, ring_->ring, ro);
    ASSERT_TRUE(reg.ok()) << reg.error().to_string();
    staff_ = std::move(reg).value();
    auto svc = staff::ServiceRegistry::open(store(), policy, clock_, random_, trail_.get());
    ASSERT_TRUE(svc.ok()) << svc.error().to_string();
    services_ = std::move(svc).value();
  }

  void TearDown() override {
    ledger_.reset();
    if (trail_) (void)trail_->close();
  }

  store::Store& store() { return main_->store(); }

  std::int64_t count(const std::string& table) {
    auto tx = store().read();
    EXPECT_TRUE(tx.ok());
    auto row = tx->query_one("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(row.ok());
    return *(**row)[0].as_int(0);
  }

  std::vector<audit::AuditEntry> entries() {
    auto rows = trail_->log().read(0, 1000000);
    EXPECT_TRUE(rows.ok());
    std::vector<audit::AuditEntry> out;
    for (const auto& r : *rows) {
      auto e = audit::decode_entry(r.encoded);
      EXPECT_TRUE(e.ok());
      out.push_back(*e);
    }
    return out;
  }
  std::vector<std::string> actions() {
    std::vector<std::string> out;
    for (const auto& e : entries()) out.push_back(e.event.action);
    return out;
  }

  vault::NewSubject customer(const std::string& email) {
    vault::NewSubject s;
    s.purposes = {"commercial_relationship", "prospecting"};
    s.relationship = vault::Relationship::kCustomer;
    s.contract_start = clock_.now();
    s.fields = {{"last_name", "Dupont"},
                {"first_name", "Jean"},
                {"postal_address", "1 rue de la Paix\n75002 Paris"},
                {"email", email}};
    return s;
  }

  void fail_audit() { faults_->fail(store::FaultPoint::kCommit, Errc::kUnavailable, 1); }

  access::Actor support_staff() {
    access::Actor a;
    a.kind = access::Actor::Kind::kStaff;
    a.id = "stf_01hqz3k8m2v9w4x5y6z7a8b9c0";
    a.roles = {"sales", "support"};  // sales does not receive customer_relationship
    return a;
  }

  ManualClock clock_{vault::testing::at("2026-03-02T10:00:00Z")};
  SystemRandom random_;
  TempDir tmp_;
  std::shared_ptr<store::FaultInjector> faults_ = std::make_shared<store::FaultInjector>();
  std::unique_ptr<store::TestStore> main_, audit_db_;
  std::unique_ptr<Trail> trail_;
  std::shared_ptr<const vault::EpochRing> ring_;
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<consent::ConsentLedger> ledger_;
  std::unique_ptr<staff::StaffRegistry> staff_;
  std::unique_ptr<staff::ServiceRegistry> services_;
};

TEST_P(TrailTest, OperationsLeaveTheirEntriesUnderPseudonyms) {
  auto id = vault_->create_subject(customer("jean@example.fr"));
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  auto psd = trail_->pseudonym(*id);
  ASSERT_TRUE(psd.ok());
  EXPECT_NE(*psd, *id);
  EXPECT_TRUE(audit::is_pseudonym(*psd));

  ASSERT_TRUE(vault_->rectify(*id, "email", "jean.dupont@example.fr").ok());
  consent::Evidence ev;
  ev.channel = "privacy_center";
  ASSERT_TRUE(ledger_->give(*id, "prospecting", ev).ok());
  auto member = staff_->add({"Jeanne Martin", "jeanne@oxemis.com", {"support"}});
  ASSERT_TRUE(member.ok()) << member.error().to_string();
  ASSERT_TRUE(staff_->set_password(member->id, "correct horse battery").ok());
  auto svc = services_->add("emailing-platform", {"prospecting"});
  ASSERT_TRUE(svc.ok()) << svc.error().to_string();

  access::Decision d;
  d.allowed = true;
  d.reasons = {"allowed"};
  ASSERT_TRUE(
      trail_->record(support_staff(), *id, {"customer_relationship", {}}, d, "req_42").ok());
  ASSERT_TRUE(trail_->record_bulk(support_staff(), "prospecting", 10, 7, "req_43").ok());
  vault::ErasureRequest er;
  er.subject_id = *id;
  ASSERT_TRUE(vault_->erase(er).ok());

  const std::vector<std::string> want = {
      "keys.initialized",   "subject.created", "subject.rectified", "consent.given",
      "staff.added",        "staff.password",  "service.added",     "access.decide",
      "access.decide_bulk", "subject.erased"};
  EXPECT_EQ(actions(), want);

  auto all = entries();
  // No subject id, name or e-mail address in clear anywhere in the log.
  auto rows = trail_->log().read(0, 1000);
  ASSERT_TRUE(rows.ok());
  for (const auto& r : *rows) {
    std::string bytes(r.encoded.begin(), r.encoded.end());
    EXPECT_EQ(bytes.find(*id), std::string::npos);
    EXPECT_EQ(bytes.find("example.fr"), std::string::npos);
    EXPECT_EQ(bytes.find("oxemis.com"), std::string::npos);
    EXPECT_EQ(bytes.find("Dupont"), std::string::npos);
    EXPECT_EQ(bytes.find("Martin"), std::string::npos);
  }
  EXPECT_EQ(all[1].event.subject, *psd);
  EXPECT_EQ(all[1].event.actor, (audit::Actor{audit::ActorKind::kSystem, "cli", "dpo"}));
  EXPECT_EQ(all[2].event.reason, "email");
  EXPECT_EQ(all[3].event.actor.kind, audit::ActorKind::kSubject);
  EXPECT_EQ(all[3].event.actor.id, *psd);
  EXPECT_EQ(all[3].event.purpose, "prospecting");
  EXPECT_EQ(all[3].event.reason, "privacy_center");
  EXPECT_EQ(all[4].event.subject, member->id);  // staff ids are opaque, not a data subject's
  EXPECT_EQ(all[7].event.decision, audit::Decision::kAllow);
  EXPECT_EQ(all[7].event.request_id, "req_42");
  EXPECT_EQ(all[8].event.reason, "asked.10.allowed.7");
  EXPECT_EQ(all[9].event.reason.rfind("erased.", 0), 0u) << all[9].event.reason;
  EXPECT_EQ(all[9].event.subject, *psd);

  // The subject's access history shows the staff member by the role it acted in.
  auto history = audit::access_history(trail_->log(), *psd);
  ASSERT_TRUE(history.ok());
  bool seen_support = false;
  for (const auto& h : *history) {
    if (h.action == "access.decide") {
      EXPECT_EQ(h.actor_kind, audit::ActorKind::kStaff);
      EXPECT_EQ(h.actor, "support");  // the role receiving customer_relationship, not the id
      seen_support = true;
    }
  }
  EXPECT_TRUE(seen_support);
}

TEST_P(TrailTest, ABatchOfOperationsVerifies) {
  std::vector<vault::NewSubject> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(customer("p" + std::to_string(i) + "@example.fr"));
  auto ids = vault_->create_subjects(batch);
  ASSERT_TRUE(ids.ok()) << ids.error().to_string();
  // Consents of many subjects through the group commit at once.
  std::vector<std::future<Result<consent::ConsentEvent>>> pending;
  std::vector<std::shared_ptr<std::promise<Result<consent::ConsentEvent>>>> promises;
  consent::Evidence ev;
  ev.channel = "privacy_center";
  for (const auto& id : *ids) {
    auto p = std::make_shared<std::promise<Result<consent::ConsentEvent>>>();
    pending.push_back(p->get_future());
    ledger_->record_async(consent::EventKind::kGiven, id, "prospecting", ev,
                          [p](Result<consent::ConsentEvent> r) { p->set_value(std::move(r)); });
  }
  for (auto& f : pending) ASSERT_TRUE(f.get().ok());
  ASSERT_TRUE(vault_->rotate_keys(10).ok());

  auto all = entries();
  std::set<std::string> created;
  int consents = 0;
  for (const auto& e : all) {
    if (e.event.action == "subject.created") created.insert(e.event.subject);
    if (e.event.action == "consent.given") ++consents;
  }
  EXPECT_EQ(created.size(), 50u);  // one entry per subject of the batch
  EXPECT_EQ(consents, 50);
  ASSERT_TRUE(trail_->appender().issue_head().ok());
  auto report = audit::verify_log(trail_->log(), trail_->appender().public_key());
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_TRUE(report->ok()) << report->problem->message;
  EXPECT_EQ(report->entries, all.size());
}

TEST_P(TrailTest, VaultOperationsFailClosed) {
  auto id = vault_->create_subject(customer("a@example.fr"));
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  const auto before = entries().size();

  fail_audit();
  auto created = vault_->create_subject(customer("b@example.fr"));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, Errc::kUnavailable);
  EXPECT_EQ(count("vault_subjects"), 1);

  fail_audit();
  auto rect = vault_->rectify(*id, "email", "new@example.fr");
  ASSERT_FALSE(rect.ok());
  auto found = vault_->find("email", "new@example.fr");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
  auto still = vault_->find("email", "a@example.fr");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->size(), 1u);

  fail_audit();
  vault::ErasureRequest er;
  er.subject_id = *id;
  ASSERT_FALSE(vault_->erase(er).ok());
  auto info = vault_->subject(*id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->status, vault::SubjectStatus::kActive);

  EXPECT_EQ(entries().size(), before);  // nothing audited, nothing done
  // Once the log can be written again, everything works and the log verifies.
  ASSERT_TRUE(vault_->create_subject(customer("c@example.fr")).ok());
  ASSERT_TRUE(trail_->appender().issue_head().ok());
  auto report = audit::verify_log(trail_->log(), trail_->appender().public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_P(TrailTest, ConsentStaffAndDecisionsFailClosed) {
  auto id = vault_->create_subject(customer("a@example.fr"));
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  consent::Evidence ev;
  ev.channel = "privacy_center";

  fail_audit();
  auto given = ledger_->give(*id, "prospecting", ev);
  ASSERT_FALSE(given.ok());
  EXPECT_EQ(given.error().code, Errc::kUnavailable);
  auto history = ledger_->history(*id);
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->empty());

  fail_audit();
  auto member = staff_->add({"Jeanne Martin", "jeanne@oxemis.com", {"support"}});
  ASSERT_FALSE(member.ok());
  auto list = staff_->list();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());

  fail_audit();
  auto svc = services_->add("billing", {"commercial_relationship"});
  ASSERT_FALSE(svc.ok());
  EXPECT_FALSE(services_->find_by_name("billing").ok());

  fail_audit();
  access::Decision d;
  d.allowed = true;
  d.reasons = {"allowed"};
  auto st = trail_->record(support_staff(), *id, {"customer_relationship", {}}, d, "");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Errc::kUnavailable);

  const std::vector<std::string> want = {"keys.initialized", "subject.created"};
  EXPECT_EQ(actions(), want);
  // And afterwards the same operations succeed.
  ASSERT_TRUE(ledger_->give(*id, "prospecting", ev).ok());
  ASSERT_TRUE(staff_->add({"Jeanne Martin", "jeanne@oxemis.com", {"support"}}).ok());
}

TEST_P(TrailTest, EveryKindOfConsentChangeIsAudited) {
  auto id = vault_->create_subject(customer("c@example.fr"));
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  const std::string psd = *trail_->pseudonym(*id);
  const std::string dpo = "stf_01hqz3k8m2v9w4x5y6z7a8b9c0";
  consent::Evidence ev;
  ev.channel = "privacy_center";
  ASSERT_TRUE(ledger_->give(*id, "prospecting", ev).ok());
  auto one_click =
      consent::OneClickUnsubscribe::make(*ledger_, {"https://privacy.example.com/u", {0, 1, 0}});
  ASSERT_TRUE(one_click.ok()) << one_click.error().to_string();
  auto link = one_click->link(*id, "prospecting");
  ASSERT_TRUE(link.ok()) << link.error().to_string();
  auto unsub = one_click->unsubscribe(link->url.substr(link->url.find("token=") + 6));
  ASSERT_TRUE(unsub.ok()) << unsub.error().to_string();
  consent::Objections objections(*ledger_);
  ASSERT_TRUE(objections.object(*id, "statistics", "privacy_center").ok());
  ASSERT_TRUE(objections.record_grounds(*id, "statistics", dpo, "compelling grounds").ok());
  ASSERT_TRUE(objections.lift(*id, "statistics", "privacy_center").ok());
  consent::Restrictions restrictions(*ledger_);
  ASSERT_TRUE(
      restrictions.place(*id, consent::RestrictionGround::kAccuracyContested, "email_dpo", dpo)
          .ok());
  ASSERT_TRUE(ledger_->give(*id, "prospecting", ev).ok());
  ASSERT_TRUE(consent::apply_gpc(*ledger_, *id).ok());
  ASSERT_TRUE(ledger_->erase_subject(*id).ok());

  std::vector<std::string> got;
  for (const auto& e : entries()) {
    if (e.event.subject != psd || e.event.action == "subject.created") continue;
    const auto& a = e.event.actor;
    std::string who = std::string(audit::actor_kind_name(a.kind));
    if (a.kind == audit::ActorKind::kSubject) {
      EXPECT_EQ(a.id, psd);
    }
    if (a.kind == audit::ActorKind::kStaff) who += ":" + a.id + ":" + a.role;
    if (a.kind == audit::ActorKind::kSystem) who += ":" + a.id;
    got.push_back(e.event.action + "/" + e.event.purpose + "/" + e.event.reason + "/" + who);
  }
  const std::vector<std::string> want = {
      "consent.given/prospecting/privacy_center/subject",
      "consent.withdrawn/prospecting/one_click_unsubscribe/subject",
      "objection.objected/statistics/privacy_center/subject",
      "objection.overridden/statistics/dpo/staff:" + dpo + ":dpo",
      "objection.lifted/statistics/privacy_center/subject",
      "restriction.placed//accuracy_contested/staff:" + dpo + ":dpo",
      "consent.given/prospecting/privacy_center/subject",
  };
  ASSERT_GE(got.size(), want.size() + 3);
  EXPECT_EQ(std::vector<std::string>(got.begin(), got.begin() + want.size()), want);
  // Then the GPC signal (the consent it withdrew, any objection it made, the signal itself) and
  // the erasure of the consent rows.
  std::vector<std::string> rest(got.begin() + want.size(), got.end());
  EXPECT_NE(std::find(rest.begin(), rest.end(), "consent.withdrawn/prospecting/gpc/subject"),
            rest.end());
  EXPECT_NE(std::find(rest.begin(), rest.end(), "gpc.signal//privacy_center/subject"), rest.end());
  EXPECT_EQ(rest.back(), "consent.erased///system:consent");
}

std::string label(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

INSTANTIATE_TEST_SUITE_P(Backends, TrailTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         label);

}  // namespace
}  // namespace charter::trail
