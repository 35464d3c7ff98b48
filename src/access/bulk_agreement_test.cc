// Bulk answers and single decisions agree: a varied population (prospects, customers with
// running or ended contracts, former customers, consents given, withdrawn or expiring,
// objections with and without the DPO's grounds, restrictions, deceased and erased subjects,
// transactions), every purpose, several actors, at instants an injected clock moves across
// eleven years; and single decisions read from the index agree with those read from the store.
// On both backends.
#include <gtest/gtest.h>

#include <random>

#include "access/test_env.h"
#include "core/id.h"

namespace charter::access {
namespace {

using testing::AccessFixture;
using vault::Relationship;

class AgreementTest : public AccessFixture {};

TEST_P(AgreementTest, BulkAndSingleDecisionsAgree) {
  std::mt19937 rng(20260302);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const auto day = std::chrono::hours(24);
  const Timestamp t0 = clock_.now();
  SeededRandom ids(5);
  const std::string dpo = new_id(ids, "stf");

  struct Made {
    std::string id, email;
    bool erased = false;
  };
  std::vector<Made> population;
  const int n = 120;
  for (int i = 0; i < n; ++i) {
    Made m;
    m.email = "person" + std::to_string(i) + "@example.org";
    vault::NewSubject s;
    int kind = pick(4);  // prospect, running customer, ended customer, former customer
    s.relationship = kind == 0 ? Relationship::kProspect : Relationship::kCustomer;
    s.purposes = kind == 0 ? std::vector<std::string>{"prospecting"}
                           : std::vector<std::string>{"commercial_relationship", "prospecting"};
    s.collected_at = t0 - day * pick(365 * 4);
    if (kind != 0) {
      s.contract_start = *s.collected_at;
      if (kind == 1 && pick(2)) s.contract_end = t0 + day * (30 + pick(800));
      if (kind >= 2) {
        s.contract_end = t0 - day * pick(365 * 2);
        s.contract_start = *s.contract_end - day * (30 + pick(1000));
      }
      s.fields = {{"last_name", "Nom"}, {"postal_address", "2 rue Haute"}, {"email", m.email}};
    } else {
      s.fields = {{"email", m.email}};
    }
    auto created = vault_->create_subject(s);
    ASSERT_TRUE(created.ok()) << created.error().to_string();
    m.id = *created;
    if (kind == 3) {
      vault::RelationshipUpdate u;
      u.relationship = Relationship::kFormerCustomer;
      ASSERT_OK(vault_->update(m.id, u));
    }
    if (pick(3) == 0) {
      vault::RelationshipUpdate u;
      u.last_contact_at = t0 - day * pick(365 * 3);
      ASSERT_OK(vault_->update(m.id, u));
    }
    if (kind != 0 && pick(3) == 0) {
      vault::NewEvent order{m.id, "order", t0 - day * pick(365 * 3), "{\"order\": 1}",
                            std::nullopt};
      ASSERT_OK(vault_->record_event(order));
    }
    switch (pick(4)) {
      case 0:
        break;
      case 1:
      case 2:
        ASSERT_OK(ledger_->give(m.id, "prospecting", via("privacy_center")));
        break;
      case 3:
        ASSERT_OK(ledger_->give(m.id, "prospecting", via("privacy_center")));
        ASSERT_OK(ledger_->withdraw(m.id, "prospecting", via("one_click_unsubscribe")));
        break;
    }
    if (pick(2)) ASSERT_OK(ledger_->give(m.id, "audience_cookies", via("privacy_center")));
    if (pick(8) == 0) ASSERT_OK(objections_->object(m.id, "prospecting", "privacy_center"));
    if (pick(5) == 0) {
      ASSERT_OK(objections_->object(m.id, "statistics", "privacy_center"));
      if (pick(2)) ASSERT_OK(objections_->record_grounds(m.id, "statistics", dpo, "grounds"));
    }
    if (kind != 0 && pick(6) == 0) {
      ASSERT_OK(objections_->object(m.id, "disputes", "privacy_center"));
    }
    if (pick(10) == 0) {
      ASSERT_OK(restrictions_->place(m.id, consent::RestrictionGround::kAccuracyContested,
                                     "privacy_center"));
    }
    int fate = i < 2 ? i : pick(20);  // at least one deceased and one erased
    if (fate == 0) {
      vault::RelationshipUpdate u;
      u.status = vault::SubjectStatus::kDeceased;
      ASSERT_OK(vault_->update(m.id, u));
    } else if (fate == 1) {
      vault::ErasureRequest er;
      er.subject_id = m.id;
      ASSERT_OK_AND_ASSIGN(auto report, vault_->erase(er));
      m.erased = report.status_after == vault::SubjectStatus::kErased;
      if (!m.erased) m.email.clear();  // kept classes: the address may or may not remain
    }
    population.push_back(m);
  }

  // Actors: the mailing service; a sales member trained at t0 (expires after a year); a member
  // trained "today"; the DPO; an accountant.
  std::vector<Actor> actors;
  Actor svc = actor_from(mailer());
  svc.purposes = {"prospecting", "statistics", "audience_cookies"};
  actors.push_back(svc);
  actors.push_back(actor_from(sales(date_of(t0))));
  std::vector<std::string> purposes;
  for (const auto& p : policy_->purposes) purposes.push_back(p.id);
  purposes.push_back("no_such_purpose");

  // Single decisions served from the index (AccessService::use_index) give the whole decision
  // the store gives: reasons, sentence, valid_until.
  AccessService indexed(*source_, log_, clock_);
  indexed.use_index(index_.get());

  std::size_t compared = 0, allowed = 0;
  std::map<std::string, int> seen;
  for (int days : {0, 200, 400, 1000, 365 * 3 + 200, 365 * 6, 365 * 11}) {
    clock_.set(t0 + day * days);
    for (int a = 0; a < 4; ++a) {
      Actor actor;
      if (a < 2) {
        actor = actors[a];
      } else {
        staff::Identity who = sales();  // trained and signed "today"
        who.roles = a == 2 ? std::vector<std::string>{"dpo", "support"}
                           : std::vector<std::string>{"accounting", "engineering"};
        actor = actor_from(who);
      }
      for (const auto& purpose : purposes) {
        AccessRequest request{purpose, {}};
        std::vector<std::string_view> id_lines, email_lines;
        for (const auto& m : population) {
          id_lines.push_back(m.id);
          if (!m.email.empty()) email_lines.push_back(m.email);
        }
        ASSERT_OK_AND_ASSIGN(auto by_id,
                             decide_bulk(*index_, log_, clock_, actor, request, id_lines));
        ASSERT_OK_AND_ASSIGN(auto by_email,
                             decide_bulk(*index_, log_, clock_, actor, request, email_lines));
        std::size_t e = 0;
        for (std::size_t i = 0; i < population.size(); ++i) {
          const Made& m = population[i];
          ASSERT_OK_AND_ASSIGN(auto single, service_->decide(actor, m.id, request));
          ASSERT_EQ(by_id[i].reason, single.reasons[0])
              << "subject " << i << " purpose " << purpose << " actor " << a << " day " << days;
          ASSERT_EQ(by_id[i].allowed, single.allowed);
          ASSERT_OK_AND_ASSIGN(auto from_index, indexed.decide(actor, m.id, request));
          ASSERT_EQ(from_index.reasons, single.reasons)
              << "subject " << i << " purpose " << purpose << " actor " << a << " day " << days;
          ASSERT_EQ(from_index.sentence, single.sentence);
          ASSERT_EQ(from_index.valid_until, single.valid_until)
              << "subject " << i << " purpose " << purpose << " actor " << a << " day " << days;
          if (!m.email.empty()) {
            std::string expect = m.erased && !is_request_reason(single.reasons[0])
                                     ? reason::kUnknownSubject
                                     : single.reasons[0];
            ASSERT_EQ(by_email[e].reason, expect)
                << "subject " << i << " purpose " << purpose << " actor " << a << " day " << days;
            ++e;
          }
          ++compared;
          allowed += single.allowed;
          ++seen[single.reasons[0]];
        }
      }
    }
  }
  // The population exercised the checks (not a table of identical answers).
  EXPECT_GT(allowed, compared / 40);
  for (const char* code :
       {reason::kAllowed, reason::kConsentMissing, reason::kConsentWithdrawn,
        reason::kConsentExpired, reason::kObjection, reason::kSubjectRestricted,
        reason::kSubjectDeceased, reason::kSubjectErased, reason::kRetentionClosed,
        reason::kTrainingExpired, reason::kRoleNotRecipient, reason::kServiceNotBound,
        reason::kUnknownPurpose}) {
    EXPECT_GT(seen[code], 0) << code;
  }
}

CHARTER_ACCESS_BACKENDS(AgreementTest);

}  // namespace
}  // namespace charter::access
