// The default policy's retention cases across simulated years (ManualClock), legal holds,
// crash and resume, policy change with dry run; on SQLite and, with CHARTER_TEST_PG_URL, on
// PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "consent/ledger.h"
#include "consent/objection.h"
#include "core/id.h"
#include "crypto/key_ring.h"
#include "policy/duration.h"
#include "policy/loader.h"
#include "policy/window.h"
#include "retention/engine.h"
#include "retention/schema.h"
#include "vault/test_env.h"

namespace charter::retention {
namespace {

using vault::testing::at;
using vault::testing::oxemis;

Timestamp plus(Timestamp t, const char* iso) {
  return policy::add_duration(t, *policy::parse_duration(iso));
}

class FakeConsent final : public ConsentSource {
 public:
  Result<ConsentFacts> facts(std::string_view sid) override { return by_subject[std::string(sid)]; }
  std::map<std::string, ConsentFacts> by_subject;
};

class RetentionTest : public vault::testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    open_engine(oxemis());
  }

  void open_engine(const policy::Policy& p, RetentionOptions o = {}) {
    engine_.reset();
    o.consent = &consent_;
    o.batch = 3;  // several batches with few subjects
    auto e = Retention::open(store(), vault(), p, clock_, random_, std::move(o));
    ASSERT_TRUE(e.ok()) << e.error().to_string();
    engine_ = std::move(e).value();
  }

  std::string prospect(const std::string& email = "p@example.fr") {
    vault::NewSubject s;
    s.purposes = {"prospecting"};
    s.relationship = vault::Relationship::kProspect;
    s.fields = {{"email", email}, {"first_name", "Ana"}};
    auto id = vault().create_subject(s);
    EXPECT_TRUE(id.ok()) << id.error().to_string();
    EXPECT_OK(engine_->reindex(*id));
    return *id;
  }

  // A customer whose contract ran from now to now + `contract`, ended (former customer).
  std::string former_customer(const char* contract, const std::string& email = "c@example.fr") {
    auto s = customer(email);
    s.relationship = vault::Relationship::kFormerCustomer;
    s.contract_end = plus(clock_.now(), contract);
    auto id = vault().create_subject(s);
    EXPECT_TRUE(id.ok()) << id.error().to_string();
    return *id;
  }

  void event(const std::string& sid, const char* field, Timestamp when, const char* payload) {
    vault::NewEvent e;
    e.subject_id = sid;
    e.field = field;
    e.occurred_at = when;
    e.payload = payload;
    auto r = vault().record_event(e);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
  }

  SweepReport sweep(SweepOptions o = {}) {
    auto r = engine_->sweep(o);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? *r : SweepReport{};
  }

  vault::SubjectStatus status(const std::string& sid) {
    auto i = vault().subject(sid);
    EXPECT_TRUE(i.ok());
    return i.ok() ? i->status : vault::SubjectStatus::kActive;
  }

  std::int64_t class_rows(const std::string& sid, const std::string& cls) {
    return count("SELECT (SELECT COUNT(*) FROM vault_values WHERE subject_id = '" + sid +
                 "' AND class = '" + cls +
                 "') + (SELECT COUNT(*) FROM vault_events WHERE subject_id = '" + sid +
                 "' AND class = '" + cls + "')");
  }

  const ReportRow* row(const SweepReport& r, const std::string& action, const std::string& cat) {
    for (const auto& x : r.rows) {
      if (x.action == action && x.category == cat) return &x;
    }
    return nullptr;
  }

  // The window of `purpose` on the first item of `category`.
  std::optional<PurposeWindow> window(const std::string& sid, const std::string& category,
                                      const std::string& purpose) {
    auto h = engine_->holdings(sid);
    EXPECT_TRUE(h.ok());
    if (!h.ok()) return std::nullopt;
    for (const auto& item : *h) {
      if (item.category != category) continue;
      for (const auto& w : item.windows) {
        if (w.purpose == purpose) return w;
      }
    }
    return std::nullopt;
  }

  FakeConsent consent_;
  std::unique_ptr<Retention> engine_;
};

// A first sweep builds the index (full scan); later ones read only due rows.
TEST_P(RetentionTest, FirstSweepBuildsTheIndexThenOnlyDueSubjectsAreExamined) {
  const std::string a = prospect("a@example.fr");
  const std::string b = prospect("b@example.fr");
  auto first = sweep();
  EXPECT_TRUE(first.full_scan);
  EXPECT_EQ(first.examined, 2);
  EXPECT_EQ(first.acted, 0);
  auto second = sweep();
  EXPECT_FALSE(second.full_scan);
  EXPECT_EQ(second.examined, 0);
  ASSERT_OK_AND_ASSIGN(auto next, engine_->next_at(a));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, plus(at("2026-03-02T10:00:00Z"), "P3Y"));
  (void)b;
}

// Prospect never contacted again: not contactable 3 years after collection, and its data (no
// other purpose holds it) is anonymised as the statistics rule says: the values are gone, an
// anonymous count remains.
TEST_P(RetentionTest, ProspectNeverContactedIsDeletedThreeYearsAfterCollection) {
  const Timestamp t0 = clock_.now();
  const std::string sid = prospect();
  sweep();  // builds the index
  clock_.set(plus(t0, "P3Y") - std::chrono::hours(24));
  auto w = window(sid, "contact", "prospecting");
  ASSERT_TRUE(w && w->open);
  EXPECT_EQ(*w->closes_at, plus(t0, "P3Y"));
  auto before = sweep();
  EXPECT_EQ(before.examined, 0);
  EXPECT_EQ(class_rows(sid, "contact"), 2);

  clock_.set(plus(t0, "P3Y") + std::chrono::hours(24));
  w = window(sid, "contact", "prospecting");
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->open);
  auto r = sweep();
  EXPECT_EQ(r.examined, 1);
  EXPECT_EQ(r.erased, 1);
  const ReportRow* an = row(r, "anonymised", "contact");
  ASSERT_NE(an, nullptr);
  EXPECT_EQ(an->subjects, 1);
  EXPECT_EQ(an->values, 2);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kErased);
  EXPECT_EQ(class_rows(sid, "contact"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_keys WHERE subject_id = '" + sid + "'"), 0);
  EXPECT_EQ(count("SELECT count FROM retention_anonymous WHERE category = 'contact' AND "
                  "subject_type = 'prospect' AND year = 2026"),
            1);
  ASSERT_OK_AND_ASSIGN(auto next, engine_->next_at(sid));
  EXPECT_FALSE(next.has_value());
  // The report is stored and readable.
  ASSERT_OK_AND_ASSIGN(auto stored, engine_->report(r.sweep_id));
  EXPECT_EQ(stored.to_json(), r.to_json());
}

// A last contact moves the window: 3 years after the last contact.
TEST_P(RetentionTest, LastContactMovesTheProspectWindow) {
  const Timestamp t0 = clock_.now();
  const std::string sid = prospect();
  clock_.set(plus(t0, "P2Y"));
  vault::RelationshipUpdate u;
  u.last_contact_at = clock_.now();
  ASSERT_OK(vault().update(sid, u));
  ASSERT_OK(engine_->reindex(sid));
  ASSERT_OK_AND_ASSIGN(auto next, engine_->next_at(sid));
  EXPECT_EQ(*next, plus(t0, "P5Y"));
  clock_.set(plus(t0, "P4Y"));
  EXPECT_EQ(sweep().acted, 0);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kActive);
  clock_.set(plus(t0, "P5Y") + std::chrono::seconds(1));
  EXPECT_EQ(sweep().erased, 1);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kErased);
}

// Customer: contact data open for prospecting during the contract and 3 years after its end;
// the disputes purpose keeps it 5 years after the end, then it is deleted.
TEST_P(RetentionTest, CustomerContactStaysForTheContractAndThreeYearsAfterForProspecting) {
  const Timestamp t0 = clock_.now();
  auto s = customer();
  auto created = vault().create_subject(s);
  ASSERT_TRUE(created.ok());
  const std::string sid = *created;
  ASSERT_OK(engine_->reindex(sid));
  sweep();
  clock_.set(plus(t0, "P2Y"));  // contract running: held with no end
  auto w = window(sid, "contact", "prospecting");
  ASSERT_TRUE(w && w->open);
  EXPECT_EQ(w->reason, "open_while:contract_running");
  // The contract ends after 2 years.
  vault::RelationshipUpdate u;
  u.relationship = vault::Relationship::kFormerCustomer;
  u.contract_end = clock_.now();
  ASSERT_OK(vault().update(sid, u));
  ASSERT_OK(engine_->reindex(sid));
  const Timestamp end = clock_.now();
  clock_.set(plus(end, "P3Y") - std::chrono::hours(1));
  w = window(sid, "contact", "prospecting");
  ASSERT_TRUE(w && w->open);
  EXPECT_EQ(*w->closes_at, plus(end, "P3Y"));
  clock_.set(plus(end, "P3Y") + std::chrono::hours(1));
  w = window(sid, "contact", "prospecting");
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->open);
  EXPECT_EQ(sweep().examined, 0);  // the disputes purpose still holds it: nothing due
  auto d = window(sid, "contact", "disputes");
  ASSERT_TRUE(d && d->open);
  EXPECT_EQ(*d->closes_at, plus(end, "P5Y"));
  SweepOptions look;
  look.dry_run = true;
  look.full = true;
  auto r = sweep(look);
  const ReportRow* kept = row(r, "kept", "contact");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->purpose, "disputes");
  EXPECT_EQ(kept->reason, "until:contract_end+P5Y");
  EXPECT_EQ(class_rows(sid, "contact"), 6);
  clock_.set(plus(end, "P5Y") + std::chrono::hours(1));
  r = sweep();
  EXPECT_EQ(r.erased, 1);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kErased);
}

// Consent withdrawal stops prospecting at once; the statistics purpose keeps the contact data
// until its own window ends, then it is anonymised.
TEST_P(RetentionTest, ConsentWithdrawalStopsProspectingAtOnce) {
  const Timestamp t0 = clock_.now();
  const std::string sid = prospect();
  clock_.set(plus(t0, "P1M"));
  consent_.by_subject[sid].withdrawn["prospecting"] = clock_.now();
  ASSERT_OK(engine_->reindex(sid));
  auto w = window(sid, "contact", "prospecting");
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->open);
  EXPECT_EQ(w->reason, "stopped:consent_withdrawal");
  auto stats = window(sid, "contact", "statistics");
  ASSERT_TRUE(stats && stats->open);
  auto r = sweep();
  EXPECT_EQ(r.acted, 0);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kActive);
  clock_.set(plus(t0, "P3Y") + std::chrono::hours(1));
  r = sweep();
  EXPECT_EQ(r.erased, 1);
  EXPECT_NE(row(r, "anonymised", "contact"), nullptr);
}

// Invoices and payment records: 10 years after the transaction date, readable only for the
// legal-obligation purpose once the contract and dispute windows are over, then deleted.
TEST_P(RetentionTest, InvoicesStayTenYearsForTheLegalObligationThenAreDeleted) {
  const Timestamp t0 = clock_.now();
  const std::string sid = former_customer("P1Y");
  const Timestamp tx = t0 - std::chrono::hours(1);
  event(sid, "transaction", tx, "invoice 2026-001");
  event(sid, "payment_ip", tx, "192.0.2.1");
  ASSERT_OK(engine_->reindex(sid));
  sweep();
  clock_.set(plus(t0, "P7Y"));  // contract + 5 years of disputes are over
  auto h = engine_->holdings(sid);
  ASSERT_TRUE(h.ok());
  for (const auto& item : *h) {
    if (item.category != "transactions") continue;
    for (const auto& w : item.windows) {
      EXPECT_EQ(w.open, w.purpose == "legal_obligations") << w.purpose;
    }
  }
  EXPECT_EQ(sweep().examined, 0);  // nothing becomes unheld before the 10 years
  SweepOptions look;               // a dry run over every subject shows what is kept and why
  look.dry_run = true;
  look.full = true;
  auto r = sweep(look);
  EXPECT_EQ(r.examined, 1);
  const ReportRow* kept = row(r, "kept", "transactions");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->purpose, "legal_obligations");
  EXPECT_EQ(kept->reason, "until:transaction_date+P10Y");
  EXPECT_EQ(class_rows(sid, "transactions"), 2);
  ASSERT_OK_AND_ASSIGN(auto next, engine_->next_at(sid));
  EXPECT_EQ(*next, plus(tx, "P10Y"));
  clock_.set(plus(tx, "P10Y") - std::chrono::seconds(1));
  EXPECT_EQ(sweep().examined, 0);
  clock_.set(plus(tx, "P10Y") + std::chrono::seconds(1));
  r = sweep();
  EXPECT_EQ(r.erased, 1);
  const ReportRow* del = row(r, "deleted", "transactions");
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->events, 2);
  EXPECT_EQ(del->purpose, "legal_obligations");
  EXPECT_EQ(class_rows(sid, "transactions"), 0);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kErased);
}

// Connection logs: kept during the contract and the dispute window, one year after each
// connection for the legal obligation, then deleted.
TEST_P(RetentionTest, ConnectionLogsFollowThePolicy) {
  const Timestamp t0 = clock_.now();
  const std::string sid = former_customer("P1Y");
  event(sid, "connection_ip", t0 - std::chrono::hours(2), "192.0.2.7");
  event(sid, "activity_log", t0 - std::chrono::hours(3), "login");
  ASSERT_OK(engine_->reindex(sid));
  sweep();
  const Timestamp end = plus(t0, "P1Y");
  clock_.set(plus(end, "P5Y") - std::chrono::hours(1));
  auto w = window(sid, "connection", "legal_obligations");
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->open);  // one year after the connection
  w = window(sid, "connection", "disputes");
  ASSERT_TRUE(w && w->open);
  EXPECT_EQ(sweep().acted, 0);
  EXPECT_EQ(class_rows(sid, "connection"), 2);
  clock_.set(plus(end, "P5Y") + std::chrono::hours(1));
  auto r = sweep();
  const ReportRow* del = row(r, "deleted", "connection");
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->events, 2);
  EXPECT_EQ(class_rows(sid, "connection"), 0);
}

// Legal hold: placed by the DPO with a reason, the held data is neither swept nor erased until
// the hold is released.
TEST_P(RetentionTest, LegalHoldKeepsDataUntilReleased) {
  const Timestamp t0 = clock_.now();
  const std::string sid = former_customer("P1Y");
  ASSERT_OK(engine_->reindex(sid));
  sweep();
  EXPECT_ERRC(engine_->place_hold(sid, "stf_nope", "x"), Errc::kInvalidArgument);
  EXPECT_ERRC(engine_->place_hold(sid, new_id(random_, "stf"), ""), Errc::kInvalidArgument);
  const std::string dpo = new_id(random_, "stf");
  ASSERT_OK_AND_ASSIGN(auto hold, engine_->place_hold(sid, dpo, "Dispute over invoice 12"));
  clock_.set(plus(t0, "P8Y"));  // every window but the hold's is over
  EXPECT_EQ(sweep().erased, 0);
  SweepOptions look;
  look.dry_run = true;
  look.full = true;
  auto r = sweep(look);
  EXPECT_EQ(r.erased, 0);
  EXPECT_EQ(r.held_subjects, 1);
  const ReportRow* kept = row(r, "kept", "contact");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->purpose, "disputes");
  EXPECT_EQ(kept->reason, "open_while:legal_hold");
  EXPECT_EQ(class_rows(sid, "contact"), 6);
  // Erasure honours it too.
  ASSERT_OK_AND_ASSIGN(auto facts, engine_->erasure_facts(sid));
  EXPECT_TRUE(facts.legal_hold);
  vault::ErasureRequest req;
  req.subject_id = sid;
  req.facts = facts;
  ASSERT_OK_AND_ASSIGN(auto er, vault().erase(req));
  EXPECT_TRUE(er.destroyed.empty());
  EXPECT_EQ(class_rows(sid, "contact"), 6);
  ASSERT_OK_AND_ASSIGN(auto active, engine_->holds().list(sid, true));
  EXPECT_EQ(active.size(), 1u);
  ASSERT_OK(engine_->release_hold(hold.hold_id, dpo, "Settled"));
  EXPECT_ERRC(engine_->release_hold(hold.hold_id, dpo, "again"), Errc::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(auto all, engine_->holds().list(sid));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].release_reason, "Settled");
  r = sweep();
  EXPECT_EQ(r.erased, 1);
  EXPECT_EQ(class_rows(sid, "contact"), 0);
}

// A fault in the middle of a sweep (standing for a crash), then a new engine resumes it: every
// expiring subject is erased exactly once and the report counts each once.
TEST_P(RetentionTest, SweepResumesAfterACrashWithoutDeletingTwiceOrSkipping) {
  const Timestamp t0 = clock_.now();
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(prospect("p" + std::to_string(i) + "@example.fr"));
  sweep();
  clock_.set(plus(t0, "P3Y") + std::chrono::hours(1));
  RetentionOptions crashing;
  crashing.fault = [](std::string_view point, std::int64_t n) -> Status {
    if (point == "erased" && n == 4) return make_error(Errc::kUnavailable, "crash (test)");
    return ok_status();
  };
  open_engine(oxemis(), crashing);
  auto failed = engine_->sweep();
  ASSERT_FALSE(failed.ok());
  int erased = 0;
  for (const auto& id : ids) erased += status(id) == vault::SubjectStatus::kErased;
  EXPECT_EQ(erased, 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM retention_sweeps WHERE state = 'running'"), 1);

  clock_.set(clock_.now() + std::chrono::hours(1));  // the restart happens later
  open_engine(oxemis());
  const std::size_t before = sink_.changes().size();
  auto r = sweep();
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(r.as_of, plus(t0, "P3Y") + std::chrono::hours(1));
  EXPECT_EQ(r.examined, 7);
  EXPECT_EQ(r.erased, 7);
  const ReportRow* an = row(r, "anonymised", "contact");
  ASSERT_NE(an, nullptr);
  EXPECT_EQ(an->subjects, 7);
  for (const auto& id : ids) EXPECT_EQ(status(id), vault::SubjectStatus::kErased);
  // Only the 3 remaining subjects went through the vault's erasure on resume.
  std::size_t erasures = 0;
  for (std::size_t i = before; i < sink_.changes().size(); ++i) {
    erasures += sink_.changes()[i].kind == vault::ChangeKind::kSubjectErased;
  }
  EXPECT_EQ(erasures, 3u);
  EXPECT_EQ(count("SELECT SUM(count) FROM retention_anonymous"), 7);
  EXPECT_EQ(count("SELECT COUNT(*) FROM retention_sweeps WHERE state = 'running'"), 0);
}

// The same during a full scan (first sweep, subjects never indexed): the scan's cursor resumes
// after the last confirmed batch and nothing is counted twice.
TEST_P(RetentionTest, FullScanResumesAfterACrash) {
  const Timestamp t0 = clock_.now();
  for (int i = 0; i < 7; ++i) {
    vault::NewSubject s;
    s.purposes = {"prospecting"};
    s.fields = {{"email", "f" + std::to_string(i) + "@example.fr"}};
    ASSERT_TRUE(vault().create_subject(s).ok());
  }
  clock_.set(plus(t0, "P3Y") + std::chrono::hours(1));
  RetentionOptions crashing;
  crashing.fault = [](std::string_view point, std::int64_t n) -> Status {
    if (point == "erased" && n == 5) return make_error(Errc::kUnavailable, "crash (test)");
    return ok_status();
  };
  open_engine(oxemis(), crashing);
  ASSERT_FALSE(engine_->sweep().ok());
  open_engine(oxemis());
  auto r = sweep();
  EXPECT_TRUE(r.resumed);
  EXPECT_TRUE(r.full_scan);
  EXPECT_EQ(r.examined, 7);
  EXPECT_EQ(r.erased, 7);
  const ReportRow* an = row(r, "anonymised", "contact");
  ASSERT_NE(an, nullptr);
  EXPECT_EQ(an->subjects, 7);
  EXPECT_EQ(count("SELECT SUM(count) FROM retention_anonymous"), 7);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_subjects WHERE status = 'erased'"), 7);
}

// A fault after the journal is written, before any erasure: resuming erases all.
TEST_P(RetentionTest, SweepResumesAfterACrashBeforeErasing) {
  const Timestamp t0 = clock_.now();
  for (int i = 0; i < 4; ++i) prospect("q" + std::to_string(i) + "@example.fr");
  sweep();
  clock_.set(plus(t0, "P3Y") + std::chrono::hours(1));
  RetentionOptions crashing;
  crashing.fault = [](std::string_view point, std::int64_t) -> Status {
    if (point == "planned") return make_error(Errc::kUnavailable, "crash (test)");
    return ok_status();
  };
  open_engine(oxemis(), crashing);
  ASSERT_FALSE(engine_->sweep().ok());
  open_engine(oxemis());
  auto r = sweep();
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(r.erased, 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_subjects WHERE status = 'erased'"), 4);
}

// A policy change: a dry run shows the effect (nothing changes), then the sweep applies it.
TEST_P(RetentionTest, PolicyChangeIsReevaluatedAndADryRunShowsTheEffectFirst) {
  const Timestamp t0 = clock_.now();
  const std::string sid = prospect();
  sweep();
  clock_.set(plus(t0, "P2Y"));
  EXPECT_EQ(sweep().acted, 0);
  // New version: prospecting and statistics keep contact data 1 year instead of 3.
  std::ifstream in(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string yaml = ss.str();
  for (std::size_t pos = 0;
       (pos = yaml.find("duration: P3Y\n        after: [collection", pos)) != std::string::npos;) {
    yaml.replace(pos, 13, "duration: P1Y");
  }
  auto shorter = policy::load_policy_text(yaml, "oxemis-short.yaml");
  ASSERT_TRUE(shorter.ok()) << shorter.error().to_string();
  ASSERT_NE(shorter->version, oxemis().version);
  open_engine(*shorter);
  SweepOptions dry;
  dry.dry_run = true;
  auto plan = sweep(dry);
  EXPECT_TRUE(plan.dry_run);
  EXPECT_TRUE(plan.full_scan);
  EXPECT_EQ(plan.previous_policy_version, oxemis().version);
  EXPECT_EQ(plan.erased, 1);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kActive);
  ASSERT_OK_AND_ASSIGN(auto stored, engine_->report(plan.sweep_id));
  EXPECT_TRUE(stored.dry_run);
  clock_.set(clock_.now() + std::chrono::seconds(1));
  auto applied = sweep();
  EXPECT_TRUE(applied.full_scan);
  EXPECT_EQ(applied.erased, 1);
  EXPECT_EQ(status(sid), vault::SubjectStatus::kErased);
  clock_.set(clock_.now() + std::chrono::seconds(1));
  auto after = sweep();
  EXPECT_FALSE(after.full_scan);  // the index is now under the new version
  ASSERT_OK_AND_ASSIGN(auto list, engine_->reports(2));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].sweep_id, after.sweep_id) << "newest first";
  EXPECT_EQ(list[1].sweep_id, applied.sweep_id);
}

// The real consent ledger as the source: a withdrawal and an objection recorded there close the
// purposes' windows at once.
TEST_P(RetentionTest, LedgerWithdrawalAndObjectionCloseWindows) {
  crypto::KeyRing ring;
  auto key = crypto::MasterKey::generate(1, random_);
  ASSERT_TRUE(key.ok());
  ASSERT_OK(ring.add(std::move(key).value()));
  auto policy = std::make_shared<const policy::Policy>(oxemis());
  auto ledger = consent::ConsentLedger::open(store(), policy, clock_, random_, ring);
  ASSERT_TRUE(ledger.ok()) << ledger.error().to_string();
  LedgerConsentSource source(**ledger);
  const std::string sid = prospect();
  consent::Evidence ev;
  ev.channel = "privacy_center";
  ASSERT_OK((*ledger)->give(sid, "prospecting", ev));
  clock_.set(clock_.now() + std::chrono::hours(24));
  ASSERT_OK_AND_ASSIGN(auto facts, source.facts(sid));
  EXPECT_TRUE(facts.withdrawn.empty());
  ASSERT_OK((*ledger)->withdraw(sid, "prospecting", ev));
  consent::Objections objections(**ledger);
  ASSERT_OK(objections.object(sid, "prospecting", "privacy_center"));
  ASSERT_OK_AND_ASSIGN(facts, source.facts(sid));
  ASSERT_EQ(facts.withdrawn.count("prospecting"), 1u);
  EXPECT_EQ(facts.withdrawn["prospecting"], clock_.now());
  EXPECT_EQ(facts.objected.count("prospecting"), 1u);
  // Through the engine: prospecting is closed at once; statistics still holds the contact data
  // to 3 years after collection.
  RetentionOptions with;
  with.consent = &source;
  auto engine = Retention::open(store(), vault(), oxemis(), clock_, random_, with);
  ASSERT_TRUE(engine.ok());
  ASSERT_OK((*engine)->reindex(sid));
  ASSERT_OK_AND_ASSIGN(auto items, (*engine)->holdings(sid));
  ASSERT_FALSE(items.empty());
  bool saw_prospecting = false;
  for (const auto& w : items[0].windows) {
    if (w.purpose != "prospecting") continue;
    saw_prospecting = true;
    EXPECT_FALSE(w.open);
    EXPECT_EQ(w.reason.rfind("stopped:", 0), 0u) << w.reason;
  }
  EXPECT_TRUE(saw_prospecting);
  ASSERT_OK_AND_ASSIGN(auto plan, (*engine)->plan(sid));
  EXPECT_FALSE(plan.acts());
  ledger->reset();
}

TEST_P(RetentionTest, ReportErrorsNameTheField) {
  EXPECT_ERRC(engine_->report("nope"), Errc::kInvalidArgument);
  EXPECT_ERRC(engine_->report(new_id(random_, "swp")), Errc::kNotFound);
  EXPECT_ERRC(engine_->reindex("x"), Errc::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         vault::testing::backend_label);

}  // namespace
}  // namespace charter::retention
