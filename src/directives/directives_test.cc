#include "directives/directives.h"

#include <gtest/gtest.h>

#include "vault/test_env.h"

namespace charter::directives {
namespace {

using vault::testing::VaultTest;

struct FakeArchives final : archive::ArchiveMaker {
  std::vector<archive::ArchiveRequest> asked;
  vault::Vault* vault = nullptr;
  Result<archive::ArchiveLink> make(const archive::ArchiveRequest& r) override {
    // Like the real one: the data must still be there.
    CHARTER_TRY(auto data, vault->export_subject(r.subject_id));
    (void)data;
    asked.push_back(r);
    return archive::ArchiveLink{"/archives/tok" + std::to_string(asked.size()),
                                Timestamp(std::chrono::seconds(1800000000)), "ab"};
  }
};

struct FakeOutbox final : notify::Outbox {
  std::vector<notify::Email> emails;
  Result<std::string> send_email(const notify::Email& e) override {
    emails.push_back(e);
    return "msg_" + std::to_string(emails.size());
  }
  Status notify(const notify::EventNotice&) override { return {}; }
};

class DirectivesTest : public VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto key = crypto::MasterKey::from_bytes(1, master_bytes_);
    ASSERT_TRUE(key.ok());
    ASSERT_OK(ring_.add(std::move(key).value()));
    archives_.vault = &vault();
    DirectivesDeps deps;
    deps.vault = &vault();
    deps.archives = &archives_;
    deps.outbox = &outbox_;
    deps.base_url = "https://charter.oxemis.example";
    deps.audit = [this](std::vector<audit::AuditEvent> events) -> Status {
      for (auto& e : events) audited_.push_back(e);
      return {};
    };
    deps.pseudonym = [](std::string_view id) -> Result<std::string> {
      return "pseudonym_" + std::string(id.substr(4, 12));
    };
    ASSERT_OK_AND_ASSIGN(service_, DirectivesService::open(store(), ring_, deps, clock_, random_));
  }
  // True when a blob of `column` in `table` holds `needle` in clear.
  bool in_clear(const std::string& table, const std::string& column, const std::string& needle) {
    auto tx = store().read();
    auto rows = tx->query("SELECT " + column + " FROM " + table);
    while (rows.ok() && *rows->next()) {
      if (rows->is_null(0)) continue;
      auto b = rows->get_blob(0);
      std::string s(b->begin(), b->end());
      if (s.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> actions() {
    std::vector<std::string> out;
    for (const auto& e : audited_) out.push_back(e.action);
    return out;
  }
  Directives pass_and_erase() {
    Directives d;
    d.actions = {{ActionType::kPass, Person{"Marie Dupont", "marie@example.org"}},
                 {ActionType::kErase, std::nullopt}};
    d.executor = Person{"Paul Martin", "paul@example.org"};
    d.language = "fr";
    return d;
  }

  crypto::KeyRing ring_;
  FakeArchives archives_;
  FakeOutbox outbox_;
  std::vector<audit::AuditEvent> audited_;
  std::unique_ptr<DirectivesService> service_;
  audit::Actor subject_actor_{audit::ActorKind::kSubject, "subject", ""};
  audit::Actor dpo_{audit::ActorKind::kStaff, "stf_dpo", "dpo"};
};

TEST_P(DirectivesTest, RecordChangeRevokeSealedAndAudited) {
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(customer()));
  ASSERT_OK_AND_ASSIGN(auto none, service_->current(id));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK(service_->record(id, pass_and_erase(), subject_actor_));
  EXPECT_FALSE(in_clear("directives_entries", "content", "marie"));
  ASSERT_OK_AND_ASSIGN(auto cur, service_->current(id));
  ASSERT_TRUE(cur.has_value());
  ASSERT_EQ(cur->content.actions.size(), 2u);
  EXPECT_EQ(cur->content.actions[0].recipient->email, "marie@example.org");
  EXPECT_EQ(cur->content.executor->name, "Paul Martin");
  clock_.advance(std::chrono::seconds(1));
  Directives keep;
  keep.actions = {{ActionType::kKeep, std::nullopt}};
  ASSERT_OK(service_->record(id, keep, subject_actor_));
  ASSERT_OK_AND_ASSIGN(cur, service_->current(id));
  ASSERT_EQ(cur->content.actions.size(), 1u);
  EXPECT_EQ(cur->content.actions[0].type, ActionType::kKeep);
  clock_.advance(std::chrono::seconds(1));
  ASSERT_OK(service_->revoke(id, subject_actor_));
  ASSERT_OK_AND_ASSIGN(cur, service_->current(id));
  EXPECT_FALSE(cur.has_value());
  EXPECT_ERRC(service_->revoke(id, subject_actor_), Errc::kNotFound);
  EXPECT_EQ(actions(), (std::vector<std::string>{"directives.record", "directives.record",
                                                 "directives.revoke"}));
  for (const auto& e : audited_) EXPECT_EQ(e.subject.find("sub_"), std::string::npos);
}

TEST_P(DirectivesTest, RefusesBadDirectives) {
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(customer()));
  Directives d;
  EXPECT_ERRC(service_->record(id, d, subject_actor_), Errc::kInvalidArgument);
  d.actions = {{ActionType::kPass, Person{"Marie", "not-an-address"}}};
  auto r = service_->record(id, d, subject_actor_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("actions[0].recipient.email"), std::string::npos);
  EXPECT_EQ(r.error().message.find("not-an-address"), std::string::npos);
  d.actions = {{ActionType::kPass, std::nullopt}};
  EXPECT_ERRC(service_->record(id, d, subject_actor_), Errc::kInvalidArgument);
  d.actions = {{ActionType::kKeep, std::nullopt}};
  d.language = "de";
  EXPECT_ERRC(service_->record(id, d, subject_actor_), Errc::kInvalidArgument);
  EXPECT_ERRC(service_->record("sub_00000000000000000000000000", pass_and_erase(), subject_actor_),
              Errc::kNotFound);
}

TEST_P(DirectivesTest, ConfirmedDeathCarriesOutPassThenErase) {
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(customer()));
  ASSERT_OK(service_->record(id, pass_and_erase(), subject_actor_));
  EXPECT_ERRC(service_->report_death(id, "", "application/pdf", dpo_), Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(
      auto rep, service_->report_death(id, "%PDF-1.4 acte de deces", "application/pdf", dpo_));
  EXPECT_EQ(rep.state, DeathState::kReported);
  ASSERT_OK_AND_ASSIGN(auto proof, service_->proof(id, rep.report_id));
  EXPECT_EQ(proof, "%PDF-1.4 acte de deces");
  EXPECT_FALSE(in_clear("directives_deaths", "proof", "PDF"));
  ASSERT_OK_AND_ASSIGN(auto pending, service_->reports(true));
  ASSERT_EQ(pending.size(), 1u);

  ASSERT_OK_AND_ASSIGN(auto out, service_->confirm_death(id, rep.report_id, dpo_));
  EXPECT_TRUE(out.had_directives);
  EXPECT_FALSE(out.heirs_may_act);
  ASSERT_EQ(out.carried_out.size(), 2u);
  EXPECT_EQ(out.carried_out[0], "pass:msg_1");
  EXPECT_EQ(out.carried_out[1], "erase");
  ASSERT_EQ(archives_.asked.size(), 1u);  // made before the erasure
  ASSERT_EQ(outbox_.emails.size(), 1u);
  EXPECT_EQ(outbox_.emails[0].to, "marie@example.org");
  EXPECT_EQ(outbox_.emails[0].language, "fr");
  EXPECT_NE(outbox_.emails[0].text.find("https://charter.oxemis.example/archives/tok1"),
            std::string::npos);
  EXPECT_NE(outbox_.emails[0].text.find("Marie Dupont"), std::string::npos);
  ASSERT_TRUE(out.erasure.has_value());
  ASSERT_OK_AND_ASSIGN(auto info, vault().subject(id));
  EXPECT_NE(info.status, vault::SubjectStatus::kActive);
  EXPECT_ERRC(service_->confirm_death(id, rep.report_id, dpo_), Errc::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(pending, service_->reports(true));
  EXPECT_TRUE(pending.empty());
  auto a = actions();
  EXPECT_NE(std::find(a.begin(), a.end(), "directives.death_confirmed"), a.end());
  EXPECT_NE(std::find(a.begin(), a.end(), "directives.pass"), a.end());
  EXPECT_NE(std::find(a.begin(), a.end(), "directives.erase"), a.end());
}

TEST_P(DirectivesTest, KeepLeavesTheSubjectDeceasedWithItsData) {
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(customer()));
  Directives keep;
  keep.actions = {{ActionType::kKeep, std::nullopt}};
  ASSERT_OK(service_->record(id, keep, subject_actor_));
  ASSERT_OK_AND_ASSIGN(auto rep, service_->report_death(id, "proof", "image/jpeg", dpo_));
  ASSERT_OK_AND_ASSIGN(auto out, service_->confirm_death(id, rep.report_id, dpo_));
  EXPECT_EQ(out.carried_out, std::vector<std::string>{"keep"});
  ASSERT_OK_AND_ASSIGN(auto info, vault().subject(id));
  EXPECT_EQ(info.status, vault::SubjectStatus::kDeceased);
  ASSERT_OK_AND_ASSIGN(auto data, vault().export_subject(id));
  EXPECT_EQ(data.values.size(), 6u);
  // Directives can no longer change after the death.
  EXPECT_ERRC(service_->record(id, keep, subject_actor_), Errc::kFailedPrecondition);
  EXPECT_ERRC(service_->record_heir_action(id, "access asked", dpo_), Errc::kFailedPrecondition);
}

TEST_P(DirectivesTest, WithoutDirectivesHeirsMayAct) {
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(customer()));
  EXPECT_ERRC(service_->record_heir_action(id, "closing the account", dpo_),
              Errc::kFailedPrecondition);  // not deceased yet
  ASSERT_OK_AND_ASSIGN(auto rep, service_->report_death(id, "proof", "application/pdf", dpo_));
  ASSERT_OK_AND_ASSIGN(auto out, service_->confirm_death(id, rep.report_id, dpo_));
  EXPECT_FALSE(out.had_directives);
  EXPECT_TRUE(out.heirs_may_act);
  EXPECT_TRUE(out.carried_out.empty());
  EXPECT_TRUE(outbox_.emails.empty());
  ASSERT_OK_AND_ASSIGN(auto action, service_->record_heir_action(id, "closing the account", dpo_));
  EXPECT_TRUE(action.starts_with("her_"));
  EXPECT_FALSE(in_clear("directives_heirs", "note", "closing"));
  EXPECT_ERRC(service_->record_heir_action(id, "", dpo_), Errc::kInvalidArgument);
}

TEST_P(DirectivesTest, ARejectedReportChangesNothing) {
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(customer()));
  ASSERT_OK(service_->record(id, pass_and_erase(), subject_actor_));
  ASSERT_OK_AND_ASSIGN(auto rep, service_->report_death(id, "forged", "application/pdf", dpo_));
  ASSERT_OK(service_->reject_death(id, rep.report_id, dpo_));
  EXPECT_ERRC(service_->confirm_death(id, rep.report_id, dpo_), Errc::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(auto info, vault().subject(id));
  EXPECT_EQ(info.status, vault::SubjectStatus::kActive);
  EXPECT_TRUE(outbox_.emails.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectivesTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         vault::testing::backend_label);

}  // namespace
}  // namespace charter::directives
