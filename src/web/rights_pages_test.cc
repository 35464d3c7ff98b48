// The console's request queue and disclosure register on both backends, through the router with
// the real rights service, staff registry, session store and disclosure register: deadline
// status in the queue (text and class) and its filters, actions as forms (CSRF, 303, the
// service's refusal shown with its status), erasure answer listing what is kept with its
// ground, disclosures recorded / approved once, roles (support refused), the requests chart.
#include <gtest/gtest.h>

#include <regex>

#include "disclosure/register.h"
#include "http/session_store.h"
#include "rights/testing.h"
#include "staff/registry.h"
#include "staff/services.h"
#include "web/test_util.h"
#include "web/web_routes.h"

namespace charter::web {
namespace {

using testing::Call;
using testing::run;

std::string enc(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class ConsoleRights : public rights::testing::RightsFixture {
 protected:
  void SetUp() override {
    RightsFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    staff::RegistryOptions so;
    so.password_limits = crypto::Argon2Limits::minimum();
    auto st = staff::StaffRegistry::open(store(), policy_, clock_, random_, ring_, so);
    ASSERT_TRUE(st) << st.error().to_string();
    staff_ = std::move(st).value();
    auto sv = staff::ServiceRegistry::open(store(), policy_, clock_, random_);
    ASSERT_TRUE(sv) << sv.error().to_string();
    services_ = std::move(sv).value();
    auto ss = http::SessionStore::open(store(), clock_, random_);
    ASSERT_TRUE(ss) << ss.error().to_string();
    sessions_ = std::move(ss).value();
    auto dr = disclosure::DisclosureRegister::open(
        store(), *policy_, clock_, random_,
        [this](std::vector<audit::AuditEvent> events) -> Status {
          for (auto& e : events) disclosure_audit_.push_back(std::move(e));
          return ok_status();
        },
        [](std::string_view id) -> Result<std::string> {
          return "pseudonym_" + std::string(id.substr(4));
        });
    ASSERT_TRUE(dr) << dr.error().to_string();
    disclosures_ = std::move(dr).value();
    http::ApiContext ctx;
    ctx.policy = policy_;
    ctx.clock = &clock_;
    ctx.staff = staff_.get();
    ctx.services = services_.get();
    ctx.sessions = sessions_.get();
    ctx.vault = vault_.get();
    ctx.ledger = ledger_.get();
    ctx.rights = rights_.get();
    ctx.disclosures = disclosures_.get();
    ASSERT_TRUE(add_web_routes(router_, ctx));
    auto dpo = staff_->add({"Dana Po", "dpo@oxemis.example", {"dpo"}});
    ASSERT_TRUE(dpo) << dpo.error().to_string();
    dpo_ = dpo->id;
    auto support = staff_->add({"Sue Port", "support@oxemis.example", {"support"}});
    ASSERT_TRUE(support);
    dpo_secret_ = sessions_->create(dpo_)->secret;
    support_secret_ = sessions_->create(support->id)->secret;
  }
  void TearDown() override {
    disclosures_.reset();
    sessions_.reset();
    services_.reset();
    staff_.reset();
    RightsFixture::TearDown();
  }

  Date days_ago(int n) { return date_of(clock_.now() - std::chrono::hours(24) * n); }
  // A request recorded by the DPO with its real receipt date.
  std::string record(rights::RightType type, const std::string& email, Date received) {
    rights::NewRequest n = ask(type, email);
    n.channel = "email_dpo";
    n.received = received;
    auto r = rights_->record(n, dpo_);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r->id : "";
  }
  http::Response get(const std::string& path, const std::string& secret,
                     http::Params query = {{"lang", "en"}}) {
    return run(
        router_,
        {.path = path, .query = query, .headers = {{"Cookie", "charter_session=" + secret}}});
  }
  http::Response post(const std::string& path, const std::string& secret, std::string form,
                      bool with_csrf = true) {
    if (with_csrf) form += "&csrf_token=" + http::SessionStore::csrf_token_of(secret);
    return run(router_, {.method = http::Method::kPost,
                         .path = path,
                         .headers = {{"Cookie", "charter_session=" + secret}},
                         .form = form + "&lang=en"});
  }
  rights::State state_of(const std::string& id) { return rights_->queue().get(id)->state; }

  std::unique_ptr<staff::StaffRegistry> staff_;
  std::unique_ptr<staff::ServiceRegistry> services_;
  std::unique_ptr<http::SessionStore> sessions_;
  std::unique_ptr<disclosure::DisclosureRegister> disclosures_;
  std::vector<audit::AuditEvent> disclosure_audit_;
  http::Router router_;
  std::string dpo_, dpo_secret_, support_secret_;
};

TEST_P(ConsoleRights, QueueShowsDeadlineStatusInTextAndClass) {
  // Fixture date 2026-03-02: received 26 days ago is due 2026-03-04 (2 days left).
  std::string soon = record(rights::RightType::kAccess, "soon@example.fr", days_ago(26));
  std::string late = record(rights::RightType::kErasure, "late@example.fr", days_ago(40));
  std::string fresh = record(rights::RightType::kObjection, "fresh@example.fr", days_ago(0));
  auto page = get("/console/requests", dpo_secret_);
  ASSERT_EQ(page.status, 200) << page.body;
  auto row_of = [&](const std::string& id) {
    std::smatch m;
    std::regex re("<tr class=\"row-[a-z_]+\"><td><a href=\"[^\"]*\"><code>" + id +
                  "</code>.*?</tr>");
    EXPECT_TRUE(std::regex_search(page.body, m, re)) << id;
    return m.str();
  };
  EXPECT_NE(row_of(soon).find("deadline-due_soon\">due soon<"), std::string::npos);
  EXPECT_NE(row_of(soon).find("2026-03-04"), std::string::npos);
  EXPECT_NE(row_of(late).find("deadline-overdue\">overdue<"), std::string::npos);
  EXPECT_NE(row_of(fresh).find("deadline-on_time\">on time<"), std::string::npos);
  // Most urgent first.
  EXPECT_LT(page.body.find(late), page.body.find(soon));
  EXPECT_LT(page.body.find(soon), page.body.find(fresh));
  EXPECT_NE(page.body.find("due soon: 1"), std::string::npos);
  // No address in the queue.
  EXPECT_EQ(page.body.find("soon@example.fr"), std::string::npos);
  // Filters.
  auto overdue = get("/console/requests", dpo_secret_, {{"lang", "en"}, {"deadline", "overdue"}});
  EXPECT_NE(overdue.body.find(late), std::string::npos);
  EXPECT_EQ(overdue.body.find(soon), std::string::npos);
  auto erasure = get("/console/requests", dpo_secret_, {{"lang", "en"}, {"right", "erasure"}});
  EXPECT_NE(erasure.body.find(late), std::string::npos);
  EXPECT_EQ(erasure.body.find(fresh), std::string::npos);
  // French words.
  auto fr = get("/console/requests", dpo_secret_, {{"lang", "fr"}});
  EXPECT_NE(fr.body.find("échéance proche"), std::string::npos);
  EXPECT_NE(fr.body.find("en retard"), std::string::npos);
}

TEST_P(ConsoleRights, ExtendWithReasonWithinTheFirstMonthOnly) {
  std::string soon = record(rights::RightType::kAccess, "soon@example.fr", days_ago(26));
  std::string late = record(rights::RightType::kAccess, "late@example.fr", days_ago(40));
  for (const auto& id : {soon, late}) {
    auto r = post("/console/requests/" + id + "/identity", dpo_secret_,
                  "note=" + enc("Signed letter with ID card copy"));
    ASSERT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.headers.get("Location"), "/console/requests/" + id + "?done=identity&lang=en");
    EXPECT_EQ(state_of(id), rights::State::kInProgress);
  }
  // No reason: refused on the page, nothing changes.
  auto empty = post("/console/requests/" + soon + "/extend", dpo_secret_, "reason=");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("Write the reason."), std::string::npos);
  const auto mails = outbox_.emails.size();
  auto ok = post("/console/requests/" + soon + "/extend", dpo_secret_,
                 "reason=" + enc("Archives on paper must be searched"));
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(state_of(soon), rights::State::kExtended);
  ASSERT_EQ(outbox_.emails.size(), mails + 1);
  EXPECT_NE(outbox_.emails.back().text.find("Archives on paper must be searched"),
            std::string::npos);
  auto page = get("/console/requests/" + soon, dpo_secret_, {{"lang", "en"}, {"done", "extend"}});
  EXPECT_NE(page.body.find("Deadline extended"), std::string::npos);
  // No error: no (empty) alert box.
  EXPECT_EQ(page.body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(page.body.find("Archives on paper must be searched"), std::string::npos);  // history
  EXPECT_NE(page.body.find("deadline-on_time"), std::string::npos);  // new due date
  // After the first month: the server's refusal, clearly, with its status.
  auto refused = post("/console/requests/" + late + "/extend", dpo_secret_,
                      "reason=" + enc("Too late anyway"));
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(refused.body.find("Action refused: request: the first month ended on 2026-02-23"),
            std::string::npos)
      << refused.body;
  EXPECT_EQ(state_of(late), rights::State::kInProgress);
}

TEST_P(ConsoleRights, FulfilErasureShowsWhatIsKeptWithItsGround) {
  std::string subject = create("held@example.fr", vault::Relationship::kCustomer);
  ASSERT_TRUE(retention_->place_hold(subject, rights::testing::kDpo, "Dispute over invoice 42"));
  std::string id = record(rights::RightType::kErasure, "held@example.fr", days_ago(3));
  ASSERT_EQ(
      post("/console/requests/" + id + "/identity", dpo_secret_, "note=" + enc("In person")).status,
      303);
  EXPECT_EQ(rights_->queue().get(id)->subject_id, subject);
  auto done = post("/console/requests/" + id + "/fulfil", dpo_secret_, "note=");
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(state_of(id), rights::State::kPartiallyFulfilled);
  auto page = get("/console/requests/" + id, dpo_secret_);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("id=\"answer\""), std::string::npos);
  EXPECT_NE(page.body.find("We erased your data."), std::string::npos);
  EXPECT_NE(page.body.find("17(3)(e)"), std::string::npos) << page.body;
  // Answered: no more action forms.
  EXPECT_EQ(page.body.find("/fulfil\""), std::string::npos);
  EXPECT_EQ(page.body.find("/refuse\""), std::string::npos);
}

TEST_P(ConsoleRights, RefuseNeedsAGroundAndReasons) {
  std::string id = record(rights::RightType::kAccess, "again@example.fr", days_ago(1));
  auto no_ground = post("/console/requests/" + id + "/refuse", dpo_secret_, "reasons=x");
  EXPECT_EQ(no_ground.status, 400);
  auto ok = post("/console/requests/" + id + "/refuse", dpo_secret_,
                 "ground=excessive&reasons=" + enc("Fifth identical request this month"));
  ASSERT_EQ(ok.status, 303);
  EXPECT_EQ(state_of(id), rights::State::kRefused);
  EXPECT_NE(rights_->queue().get(id)->answer.find("Fifth identical request"), std::string::npos);
}

TEST_P(ConsoleRights, ActionsNeedTheCsrfToken) {
  std::string id = record(rights::RightType::kAccess, "csrf@example.fr", days_ago(1));
  auto r = post("/console/requests/" + id + "/identity", dpo_secret_, "note=x", false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(state_of(id), rights::State::kReceived);
  auto d = post("/console/disclosures", dpo_secret_,
                "authority_kind=court&authority=X&legal_reference=Y&requested_by=Z&categories="
                "contact",
                false);
  EXPECT_EQ(d.status, 403);
  EXPECT_TRUE(disclosures_->list()->empty());
}

TEST_P(ConsoleRights, SupportSeesNeitherTheQueueNorTheRegister) {
  std::string id = record(rights::RightType::kAccess, "secret@example.fr", days_ago(1));
  for (const std::string path : {std::string("/console/requests"), "/console/requests/" + id,
                                 std::string("/console/disclosures")}) {
    auto r = get(path, support_secret_);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body.find("secret@example.fr"), std::string::npos);
  }
  auto act =
      post("/console/requests/" + id + "/refuse", support_secret_, "ground=excessive&reasons=no");
  EXPECT_EQ(act.status, 403);
  EXPECT_EQ(state_of(id), rights::State::kReceived);
  // The console's navigation does not offer them either.
  auto home = get("/console", support_secret_);
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body.find("/console/requests"), std::string::npos);
  EXPECT_EQ(home.body.find("/console/disclosures"), std::string::npos);
}

TEST_P(ConsoleRights, DisclosureRecordedThenDecidedOnce) {
  const std::string subject = create("target@example.fr", vault::Relationship::kCustomer);
  auto made = post("/console/disclosures", dpo_secret_,
                   "authority_kind=police&authority=" + enc("Commissariat du 11e") +
                       "&legal_reference=" + enc("Code de procédure pénale, art. 60-1") +
                       "&requested_by=" + enc("Brigade financière") +
                       "&categories=contact&categories=transactions&subjects=" + subject +
                       "&received=2026-02-27&description=" + enc("Orders of one customer"));
  ASSERT_EQ(made.status, 303) << made.body;
  std::string location(made.headers.get("Location").value_or(""));
  std::smatch m;
  ASSERT_TRUE(
      std::regex_match(location, m, std::regex("/console/disclosures/(dis_[0-9a-z]+)\\?lang=en")))
      << location;
  const std::string id = m[1];
  auto page = get("/console/disclosures/" + id, dpo_secret_);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Commissariat du 11e"), std::string::npos);
  EXPECT_NE(page.body.find("Code de procédure pénale, art. 60-1"), std::string::npos);
  EXPECT_NE(page.body.find(subject), std::string::npos);
  EXPECT_NE(page.body.find("disclosure-state\">pending"), std::string::npos);
  // Audited with the subject's pseudonym, never its id.
  ASSERT_EQ(disclosure_audit_.size(), 2u);
  EXPECT_EQ(disclosure_audit_[1].subject, "pseudonym_" + subject.substr(4));
  auto approve = post("/console/disclosures/" + id + "/approve", dpo_secret_,
                      "note=" + enc("Requisition signed by the prosecutor"));
  ASSERT_EQ(approve.status, 303);
  auto after = get("/console/disclosures/" + id, dpo_secret_);
  EXPECT_NE(after.body.find("disclosure-state\">approved"), std::string::npos);
  EXPECT_NE(after.body.find("Requisition signed by the prosecutor"), std::string::npos);
  EXPECT_EQ(after.body.find("approve-form"), std::string::npos);
  auto twice = post("/console/disclosures/" + id + "/refuse", dpo_secret_, "reason=late");
  EXPECT_EQ(twice.status, 409);
  EXPECT_NE(twice.body.find("disclosure is approved: already decided"), std::string::npos);
  EXPECT_EQ(disclosures_->get(id)->state, disclosure::State::kApproved);
  // The register lists it.
  auto list = get("/console/disclosures", dpo_secret_);
  EXPECT_NE(list.body.find(id), std::string::npos);
  EXPECT_NE(list.body.find("decision-approved"), std::string::npos);
}

TEST_P(ConsoleRights, DisclosureFormRefusesAnEmailAsSubject) {
  auto r = post(
      "/console/disclosures", dpo_secret_,
      "authority_kind=tax&authority=DGFiP&legal_reference=" +
          enc("Livre des procédures fiscales, art. L81") +
          "&requested_by=Inspector&categories=transactions&subjects=" + enc("jane@example.org"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("subjects: subject ids (sub_...), never an e-mail or a name"),
            std::string::npos);
  EXPECT_TRUE(disclosures_->list()->empty());
  // The form keeps what was typed (in the page, not in a URL).
  EXPECT_NE(r.body.find("value=\"DGFiP\""), std::string::npos);
}

TEST_P(ConsoleRights, HomeChartsRequestsPerMonth) {
  record(rights::RightType::kAccess, "a@example.fr", days_ago(40));  // 2026-01
  record(rights::RightType::kAccess, "b@example.fr", days_ago(26));  // 2026-02
  record(rights::RightType::kAccess, "c@example.fr", days_ago(20));  // 2026-02
  auto home = get("/console", dpo_secret_);
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("id=\"requests-chart-title\""), std::string::npos);
  EXPECT_NE(home.body.find("class=\"bar-requests\""), std::string::npos);
  EXPECT_NE(home.body.find("<th scope=\"row\">2026-01</th><td>1</td>"), std::string::npos);
  EXPECT_NE(home.body.find("<th scope=\"row\">2026-02</th><td>2</td>"), std::string::npos);
  EXPECT_NE(home.body.find("<th scope=\"row\">2026-03</th><td>0</td>"), std::string::npos);
  // The consent chart is still there, with its own title id.
  EXPECT_NE(home.body.find("id=\"chart-title\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsoleRights,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace charter::web
