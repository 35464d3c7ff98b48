// Staff members on both backends: roles, training validity across years, confidentiality,
// suspension, sealed personal data, console login.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "staff/test_util.h"

namespace charter::staff {
namespace {

using testing::at;
using testing::day;

class Registry : public testing::StaffFixture {
 protected:
  Member add(std::vector<std::string> roles = {"sales"}, std::string email = "") {
    static int n = 0;
    NewMember m;
    m.display_name = "Camille Martin";
    m.email = email.empty() ? "camille" + std::to_string(++n) + "@oxemis.com" : email;
    m.roles = std::move(roles);
    auto r = staff_->add(m);
    if (!r.ok()) throw std::runtime_error(r.error().to_string());
    return *r;
  }
};
CHARTER_STAFF_BACKENDS(Registry);

TEST_P(Registry, AddKeepsNameAndEmailSealed) {
  NewMember m{"Camille Martin", "  Camille.Martin@Oxemis.COM ", {"support", "sales", "support"}};
  ASSERT_OK_AND_ASSIGN(auto member, staff_->add(m));
  EXPECT_TRUE(is_valid_id(member.id, "stf"));
  EXPECT_EQ(member.roles, (std::vector<std::string>{"sales", "support"}));
  EXPECT_FALSE(member.trained_on);
  EXPECT_FALSE(member.suspended);
  EXPECT_FALSE(member.has_password);
  ASSERT_OK_AND_ASSIGN(auto details, staff_->details(member.id));
  EXPECT_EQ(details.display_name, "Camille Martin");
  EXPECT_EQ(details.email, "camille.martin@oxemis.com");
  // The same address, written otherwise, is the same member.
  auto dup = staff_->add({"Other", "CAMILLE.martin@oxemis.com", {"sales"}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::kAlreadyExists);
  EXPECT_EQ(dup.error().message.find("camille"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto all, staff_->list());
  EXPECT_EQ(all.size(), 1u);

  if (GetParam() == store::Backend::kSqlite) {
    ASSERT_OK(ts_->store().checkpoint());
    for (const auto& entry : std::filesystem::directory_iterator(ts_->target())) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(bytes.find("Camille"), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find("camille.martin"), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find("oxemis.com"), std::string::npos) << entry.path();
    }
  }
}

TEST_P(Registry, RolesMustBePolicyStaffRoles) {
  auto r = staff_->add({"Alex", "alex@oxemis.com", {"sales", "marketing_agency"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("'marketing_agency' is not a staff role"), std::string::npos);
  EXPECT_NE(r.error().message.find("support,sales,accounting,engineering,dpo,auditor"),
            std::string::npos);
  EXPECT_ERRC(staff_->add({"Alex", "alex@oxemis.com", {}}), Errc::kInvalidArgument);
  EXPECT_ERRC(staff_->add({"", "alex@oxemis.com", {"dpo"}}), Errc::kInvalidArgument);
  for (const char* bad :
       {"alex", "alex@", "@oxemis.com", "a@b@c.fr", "alex @oxemis.com", "alex@oxemis"}) {
    auto e = staff_->add({"Alex", bad, {"dpo"}});
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(e.error().message.find(bad), std::string::npos);
  }
  EXPECT_EQ(count("staff_members"), 0);
  auto m = add({"dpo"});
  EXPECT_ERRC(staff_->set_roles(m.id, {"board"}), Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto changed, staff_->set_roles(m.id, {"auditor", "dpo"}));
  EXPECT_EQ(changed.roles, (std::vector<std::string>{"auditor", "dpo"}));
}

TEST_P(Registry, TrainingValidityAcrossYears) {
  auto m = add();
  EXPECT_FALSE(staff_->training_valid(m, clock_.now()));
  EXPECT_ERRC(staff_->record_training(m.id, day("2025-03-02")), Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto trained, staff_->record_training(m.id, day("2025-01-10")));
  EXPECT_EQ(trained.trained_on, day("2025-01-10"));
  // P1Y: valid through 2026-01-09, expired on the anniversary.
  EXPECT_EQ(staff_->training_valid_until(trained), at("2026-01-10T00:00:00Z"));
  EXPECT_TRUE(staff_->training_valid(trained, at("2025-06-01T00:00:00Z")));
  EXPECT_TRUE(staff_->training_valid(trained, at("2026-01-09T23:59:59Z")));
  EXPECT_FALSE(staff_->training_valid(trained, at("2026-01-10T00:00:00Z")));
  EXPECT_FALSE(staff_->training_valid(trained, at("2027-05-01T00:00:00Z")));

  // Two years later, a new training renews it; an older date recorded afterwards does not
  // shorten it.
  clock_.set(at("2027-02-01T09:00:00Z"));
  ASSERT_OK_AND_ASSIGN(auto renewed, staff_->record_training(m.id, day("2027-01-20")));
  EXPECT_TRUE(staff_->training_valid(renewed, clock_.now()));
  ASSERT_OK_AND_ASSIGN(auto late, staff_->record_training(m.id, day("2026-12-01")));
  EXPECT_EQ(late.trained_on, day("2027-01-20"));
  EXPECT_FALSE(staff_->training_valid(late, at("2028-01-20T00:00:00Z")));

  // Leap day: 2028-02-29 + P1Y = 2029-02-28.
  clock_.set(at("2028-03-01T00:00:00Z"));
  ASSERT_OK_AND_ASSIGN(auto leap, staff_->record_training(m.id, day("2028-02-29")));
  EXPECT_EQ(staff_->training_valid_until(leap), at("2029-02-28T00:00:00Z"));
}

TEST_P(Registry, ConfidentialitySuspensionAndIdentity) {
  auto m = add({"support"});
  ASSERT_OK(staff_->record_training(m.id, day("2025-02-01")));
  EXPECT_ERRC(staff_->record_confidentiality(m.id, day("2030-01-01")), Errc::kInvalidArgument);
  ASSERT_OK(staff_->record_confidentiality(m.id, day("2025-02-02")));
  ASSERT_OK_AND_ASSIGN(auto id, staff_->identity(m.id));
  EXPECT_EQ(id.kind, Identity::Kind::kStaff);
  EXPECT_EQ(id.roles, std::vector<std::string>{"support"});
  EXPECT_EQ(id.trained_on, day("2025-02-01"));
  EXPECT_EQ(id.confidentiality_signed, day("2025-02-02"));
  EXPECT_FALSE(id.suspended);

  ASSERT_OK_AND_ASSIGN(auto s, staff_->suspend(m.id));
  EXPECT_TRUE(s.suspended);
  EXPECT_EQ(s.suspended_at, clock_.now());
  ASSERT_OK_AND_ASSIGN(auto sid, staff_->identity(m.id));
  EXPECT_TRUE(sid.suspended);
  ASSERT_OK_AND_ASSIGN(auto back, staff_->reinstate(m.id));
  EXPECT_FALSE(back.suspended);

  EXPECT_ERRC(staff_->get("stf_00000000000000000000000000"), Errc::kNotFound);
  EXPECT_ERRC(staff_->suspend("stf_00000000000000000000000000"), Errc::kNotFound);
  EXPECT_ERRC(staff_->get("camille@oxemis.com"), Errc::kInvalidArgument);
  // The history has dates and roles, no names.
  EXPECT_EQ(count("staff_events"), 5);  // added, trained, signed, suspended, reinstated
}

TEST_P(Registry, ConsoleLogin) {
  auto m = add({"dpo"}, "dpo.team@oxemis.com");
  EXPECT_ERRC(staff_->login("dpo.team@oxemis.com", "whatever"), Errc::kUnauthenticated);
  EXPECT_ERRC(staff_->set_password(m.id, ""), Errc::kInvalidArgument);
  ASSERT_OK(staff_->set_password(m.id, "correct horse battery staple"));
  ASSERT_OK_AND_ASSIGN(auto member, staff_->get(m.id));
  EXPECT_TRUE(member.has_password);
  ASSERT_OK_AND_ASSIGN(auto id,
                       staff_->login(" DPO.Team@oxemis.com", "correct horse battery staple"));
  EXPECT_EQ(id.id, m.id);
  auto wrong = staff_->login("dpo.team@oxemis.com", "correct horse battery");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::kUnauthenticated);
  auto unknown = staff_->login("nobody@oxemis.com", "correct horse battery staple");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, wrong.error().message);  // one message for both
  ASSERT_OK(staff_->suspend(m.id));
  EXPECT_ERRC(staff_->login("dpo.team@oxemis.com", "correct horse battery staple"),
              Errc::kPermissionDenied);
  // The stored hash is Argon2id, not the password.
  auto tx = ts_->store().read();
  ASSERT_TRUE(tx.ok());
  auto row = tx->query_one("SELECT password_hash FROM staff_members");
  ASSERT_TRUE(row.ok() && *row);
  auto hash = std::string(*(**row)[0].as_text());
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash.find("staple"), std::string::npos);
}

TEST_P(Registry, DataSurvivesReopen) {
  auto m = add({"accounting"});
  ASSERT_OK(staff_->record_training(m.id, day("2025-01-01")));
  open();
  ASSERT_OK_AND_ASSIGN(auto again, staff_->get(m.id));
  EXPECT_EQ(again.trained_on, day("2025-01-01"));
  ASSERT_OK_AND_ASSIGN(auto details, staff_->details(m.id));
  EXPECT_EQ(details.display_name, "Camille Martin");
}

TEST(NormalizeEmail, TrimsAndLowers) {
  ASSERT_OK_AND_ASSIGN(auto e, normalize_email("\tAna.B@Example.FR \n"));
  EXPECT_EQ(e, "ana.b@example.fr");
  EXPECT_ERRC(normalize_email(""), Errc::kInvalidArgument);
  EXPECT_ERRC(normalize_email("a@b."), Errc::kInvalidArgument);
  EXPECT_ERRC(normalize_email(std::string(250, 'a') + "@b.fr"), Errc::kInvalidArgument);
}

}  // namespace
}  // namespace charter::staff
