// The disclosure register on both backends: record with validation, one decision only (approve
// or refuse with a reason), append-only history, audit events (fail closed, pseudonyms only).
#include "disclosure/register.h"

#include <gtest/gtest.h>

#include "policy/loader.h"
#include "store/testing.h"

namespace charter::disclosure {
namespace {

const std::string kDpo = "stf_000000000000000000000000dp";
const std::string kSub1 = "sub_0000000000000000000000000a";
const std::string kSub2 = "sub_0000000000000000000000000b";

std::shared_ptr<const policy::Policy> oxemis() {
  static auto p = [] {
    auto r = policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
    if (!r) std::abort();
    return std::make_shared<const policy::Policy>(std::move(r).value());
  }();
  return p;
}

class Register : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto made = store::TestStore::make(GetParam());
    if (!made) {
      if (GetParam() == store::Backend::kPostgres && !store::pg_required()) {
        GTEST_SKIP() << "PostgreSQL tests skipped: " << made.error().to_string();
      }
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
    open();
  }
  void open() {
    auto r = DisclosureRegister::open(
        ts_->store(), *oxemis(), clock_, random_,
        [this](std::vector<audit::AuditEvent> events) -> Status {
          if (audit_fail_) return make_error(Errc::kUnavailable, "audit down (test)");
          for (auto& e : events) audited_.push_back(std::move(e));
          return ok_status();
        },
        [](std::string_view id) -> Result<std::string> {
          return "pseudo_" + std::string(id.substr(id.size() - 1)) + "0123456789abcdef";
        });
    ASSERT_TRUE(r) << r.error().to_string();
    reg_ = std::move(r).value();
  }

  NewDisclosure court() {
    NewDisclosure n;
    n.authority_kind = "court";
    n.authority = "Tribunal judiciaire de Paris";
    n.legal_reference = "Code de procédure civile, art. 145";
    n.requested_by = "Greffe, 3e chambre civile";
    n.categories = {"contact", "transactions"};
    n.subjects = {kSub1, kSub2};
    n.description = "Contact details and orders of two customers, 2025";
    n.received = Date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{20}};
    return n;
  }

  std::unique_ptr<store::TestStore> ts_;
  ManualClock clock_{
      start_of(Date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{27}}) +
      std::chrono::hours(10)};
  SeededRandom random_{7};
  std::unique_ptr<DisclosureRegister> reg_;
  std::vector<audit::AuditEvent> audited_;
  bool audit_fail_ = false;
};

TEST_P(Register, RecordsAndReadsBack) {
  auto d = reg_->record(court(), kDpo);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->id.substr(0, 4), "dis_");
  EXPECT_EQ(d->state, State::kPending);
  auto got = reg_->get(d->id);
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ(got->authority, "Tribunal judiciaire de Paris");
  EXPECT_EQ(got->legal_reference, "Code de procédure civile, art. 145");
  EXPECT_EQ(got->requested_by, "Greffe, 3e chambre civile");
  EXPECT_EQ(got->categories, (std::vector<std::string>{"contact", "transactions"}));
  EXPECT_EQ(got->subjects, (std::vector<std::string>{kSub1, kSub2}));
  EXPECT_EQ(format_date(got->received), "2026-11-20");
  EXPECT_EQ(got->recorded_by, kDpo);
  EXPECT_EQ(got->state, State::kPending);
  EXPECT_TRUE(got->decided_by.empty());
  // Received defaults to today.
  auto n = court();
  n.received.reset();
  auto today = reg_->record(n, kDpo);
  ASSERT_TRUE(today);
  EXPECT_EQ(format_date(today->received), "2026-11-27");
}

TEST_P(Register, RefusesBadInputNamingTheField) {
  auto bad = [&](auto change, const std::string& field) {
    NewDisclosure n = court();
    change(n);
    auto r = reg_->record(n, kDpo);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << field;
    EXPECT_EQ(r.error().message.rfind(field + ":", 0), 0u) << r.error().message;
  };
  bad([](NewDisclosure& n) { n.authority_kind = "friend"; }, "authority_kind");
  bad([](NewDisclosure& n) { n.authority.clear(); }, "authority");
  bad([](NewDisclosure& n) { n.legal_reference.clear(); }, "legal_reference");
  bad([](NewDisclosure& n) { n.legal_reference = std::string(501, 'x'); }, "legal_reference");
  bad([](NewDisclosure& n) { n.requested_by.clear(); }, "requested_by");
  bad([](NewDisclosure& n) { n.categories.clear(); }, "categories");
  bad([](NewDisclosure& n) { n.categories = {"secrets"}; }, "categories");
  bad([](NewDisclosure& n) { n.subjects = {"jane@example.org"}; }, "subjects");
  bad([](NewDisclosure& n) { n.subjects = {kSub1, kSub1}; }, "subjects");
  bad([](NewDisclosure& n) { n.authority = "a\x01"; }, "authority");
  bad(
      [](NewDisclosure& n) {
        n.received = Date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{1}};
      },
      "received");
  // The e-mail given as a subject is not echoed in the error.
  NewDisclosure n = court();
  n.subjects = {"jane@example.org"};
  auto r = reg_->record(n, kDpo);
  EXPECT_EQ(r.error().message.find("jane"), std::string::npos);
  auto listed = reg_->list();
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
}

TEST_P(Register, OneDecisionOnly) {
  auto d = reg_->record(court(), kDpo);
  ASSERT_TRUE(d);
  auto no_reason = reg_->refuse(d->id, kDpo, "");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().message.rfind("reason:", 0), 0u);
  clock_.advance(std::chrono::hours(2));
  auto ok = reg_->approve(d->id, kDpo, "Judicial order checked");
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->state, State::kApproved);
  EXPECT_EQ(ok->decided_by, kDpo);
  auto again = reg_->refuse(d->id, kDpo, "changed my mind");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kFailedPrecondition);
  EXPECT_EQ(again.error().message, "disclosure is approved: already decided");
  auto twice = reg_->approve(d->id, kDpo, "");
  EXPECT_EQ(twice.error().code, Errc::kFailedPrecondition);
  auto hist = reg_->history(d->id);
  ASSERT_TRUE(hist);
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ((*hist)[0].action, "recorded");
  EXPECT_EQ((*hist)[1].action, "approved");
  EXPECT_EQ((*hist)[1].note, "Judicial order checked");
  EXPECT_GT((*hist)[1].at, (*hist)[0].at);

  auto other = reg_->record(court(), kDpo);
  ASSERT_TRUE(other);
  auto refused = reg_->refuse(other->id, kDpo, "No legal basis: the request is not signed");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->state, State::kRefused);
  EXPECT_EQ(reg_->get(other->id)->decision_reason, "No legal basis: the request is not signed");

  auto unknown = reg_->approve("dis_000000000000000000000000zz", kDpo, "");
  EXPECT_EQ(unknown.error().code, Errc::kNotFound);
}

TEST_P(Register, ListsByStateNewestFirst) {
  auto a = reg_->record(court(), kDpo);
  clock_.advance(std::chrono::minutes(1));
  auto b = reg_->record(court(), kDpo);
  clock_.advance(std::chrono::minutes(1));
  auto c = reg_->record(court(), kDpo);
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(reg_->approve(a->id, kDpo, ""));
  ASSERT_TRUE(reg_->refuse(b->id, kDpo, "no ground"));
  auto all = reg_->list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, c->id);
  EXPECT_EQ((*all)[2].id, a->id);
  auto pending = reg_->list(State::kPending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, c->id);
  EXPECT_EQ((*reg_->list(State::kApproved))[0].id, a->id);
  EXPECT_EQ((*reg_->list(State::kRefused))[0].id, b->id);
  EXPECT_EQ(reg_->list(std::nullopt, 2)->size(), 2u);
}

TEST_P(Register, AuditsEveryChangeWithPseudonymsAndFailsClosed) {
  auto d = reg_->record(court(), kDpo);
  ASSERT_TRUE(d);
  ASSERT_EQ(audited_.size(), 3u);  // the register entry + one per subject
  EXPECT_EQ(audited_[0].action, "disclosure.recorded");
  EXPECT_EQ(audited_[0].actor.id, kDpo);
  EXPECT_EQ(audited_[0].actor.role, "dpo");
  EXPECT_EQ(audited_[0].reason, "court");
  EXPECT_EQ(audited_[0].request_id, d->id);
  EXPECT_EQ(audited_[0].subject, "");
  EXPECT_EQ(audited_[1].subject, "pseudo_a0123456789abcdef");
  EXPECT_EQ(audited_[2].subject, "pseudo_b0123456789abcdef");
  for (const auto& e : audited_) {
    EXPECT_EQ(e.subject.find("sub_"), std::string::npos);
    EXPECT_EQ(e.reason.find("Tribunal"), std::string::npos);
  }
  ASSERT_TRUE(reg_->refuse(d->id, kDpo, "not signed"));
  EXPECT_EQ(audited_.back().action, "disclosure.refused");

  // Audit down: nothing stored, for a record and for a decision.
  audit_fail_ = true;
  auto lost = reg_->record(court(), kDpo);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, Errc::kUnavailable);
  EXPECT_EQ(reg_->list()->size(), 1u);
  audit_fail_ = false;
  auto e = reg_->record(court(), kDpo);
  ASSERT_TRUE(e);
  audit_fail_ = true;
  EXPECT_FALSE(reg_->approve(e->id, kDpo, ""));
  EXPECT_EQ(reg_->get(e->id)->state, State::kPending);
}

TEST_P(Register, SurvivesReopen) {
  auto d = reg_->record(court(), kDpo);
  ASSERT_TRUE(d);
  ASSERT_TRUE(reg_->approve(d->id, kDpo, "ok"));
  reg_.reset();
  ASSERT_TRUE(ts_->reopen());
  open();
  auto got = reg_->get(d->id);
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ(got->state, State::kApproved);
  EXPECT_EQ(got->decision_reason, "ok");
}

INSTANTIATE_TEST_SUITE_P(Backends, Register,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace charter::disclosure
