// Erasure by retention class: what is destroyed, what is kept under a legal exception and why.
#include <gtest/gtest.h>

#include "core/id.h"
#include "vault/test_env.h"

namespace charter::vault {
namespace {

using testing::at;
using testing::VaultTest;

class Erasure : public VaultTest {
 protected:
  std::string prospect(const std::string& email) {
    NewSubject s;
    s.purposes = {"prospecting"};
    s.fields = {{"email", email}, {"first_name", "Paul"}};
    auto id = vault().create_subject(s);
    EXPECT_TRUE(id.ok()) << id.error().to_string();
    return id.ok() ? *id : "";
  }
  // A former customer (contract 2024-01-01 .. 2025-06-30) with events in every class.
  std::string former_customer() {
    NewSubject s = customer("former@example.com", "0611223344");
    s.relationship = Relationship::kFormerCustomer;
    s.contract_start = at("2024-01-01");
    s.contract_end = at("2025-06-30");
    s.collected_at = at("2024-01-01");
    auto id = vault().create_subject(s);
    EXPECT_TRUE(id.ok()) << id.error().to_string();
    std::vector<NewEvent> ev{
        {*id, "order", at("2025-05-01"), "{\"order\": \"A-7\"}", {}},
        {*id, "connection_ip", at("2026-02-01"), "192.0.2.10", {}},  // < 1 year ago: held
        {*id, "connection_ip", at("2024-12-01"), "192.0.2.11", {}},  // > 1 year ago
        {*id, "cookie_data", at("2025-01-01"), "_ga=1", {}},
        {*id, "product_usage", at("2025-05-01"), "{\"sends\": 12}", {}},
        {*id, "support_exchange", at("2025-04-01"), "Merci !", {}},
        {*id, "device_id", at("2025-04-01"), "dev-42", {}},
    };
    EXPECT_TRUE(vault().record_events(ev).ok());
    return *id;
  }
  const ErasureReport::Kept* kept(const ErasureReport& r, const std::string& cls) {
    for (const auto& k : r.kept) {
      if (k.cls == cls) return &k;
    }
    return nullptr;
  }
  std::vector<std::string> destroyed(const ErasureReport& r) {
    std::vector<std::string> out;
    for (const auto& d : r.destroyed) out.push_back(d.cls);
    return out;
  }
};

TEST_P(Erasure, ProspectIsErasedEntirely) {
  std::string id = prospect("paul@example.com");
  std::string other = prospect("other@example.com");
  ErasureRequest req;
  req.subject_id = id;
  ASSERT_OK_AND_ASSIGN(auto report, vault().erase(req));
  EXPECT_EQ(destroyed(report), std::vector<std::string>{"contact"});
  EXPECT_EQ(report.destroyed[0].keys, 1);
  EXPECT_EQ(report.destroyed[0].values, 2);
  EXPECT_TRUE(report.kept.empty());
  EXPECT_EQ(report.status_after, SubjectStatus::kErased);
  EXPECT_TRUE(is_valid_id(report.erasure_id, "era"));
  EXPECT_TRUE(report.scrubbed);
  EXPECT_EQ(report.complete, !is_pg());
  if (is_pg()) {
    EXPECT_NE(report.completion.find("key epoch 1 is destroyed"), std::string::npos);
  }

  ASSERT_OK_AND_ASSIGN(auto info, vault().subject(id));
  EXPECT_EQ(info.status, SubjectStatus::kErased);
  EXPECT_FALSE(info.collected_at.has_value());
  EXPECT_TRUE(info.purposes.empty());
  EXPECT_EQ(info.erased_at, clock_.now());
  ReadRequest r;
  r.subject_id = id;
  r.events = true;
  ASSERT_OK_AND_ASSIGN(auto data, vault().read(r));
  EXPECT_TRUE(data.values.empty());
  ASSERT_OK_AND_ASSIGN(auto found, vault().find("email", "paul@example.com"));
  EXPECT_TRUE(found.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_keys WHERE subject_id = '" + id + "'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_blind_indexes WHERE subject_id = '" + id + "'"), 0);
  EXPECT_EQ(count("vault_erasures"), 1);
  // The other subject is untouched.
  ASSERT_OK_AND_ASSIGN(auto still, vault().find("email", "other@example.com"));
  EXPECT_EQ(still, std::vector<std::string>{other});

  EXPECT_ERRC(vault().erase(req), Errc::kFailedPrecondition);
  EXPECT_ERRC(vault().rectify(id, "email", "x@example.com"), Errc::kFailedPrecondition);
  EXPECT_ERRC(vault().record_event({id, "cookie_data", clock_.now(), "x", {}}),
              Errc::kFailedPrecondition);

  // PostgreSQL: complete once the epoch current at the erasure is destroyed.
  ASSERT_OK(vault().rotate_keys());
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_erasures WHERE complete_at IS NOT NULL"), 1);
}

TEST_P(Erasure, AccountingAndRecentConnectionsAreKeptWithTheirReasons) {
  std::string id = former_customer();
  ErasureRequest req;
  req.subject_id = id;
  ASSERT_OK_AND_ASSIGN(auto report, vault().erase(req));
  // Contract ended 2025-06-30; last transaction 2025-05-01: accounting keeps contact and
  // transactions 10 years (L123-22); connection logs 1 year after each connection.
  EXPECT_EQ(destroyed(report),
            (std::vector<std::string>{"cookies", "devices", "support", "usage"}));
  ASSERT_EQ(report.kept.size(), 3u);
  const auto* contact = kept(report, "contact");
  ASSERT_NE(contact, nullptr);
  ASSERT_EQ(contact->holds.size(), 1u);
  EXPECT_EQ(contact->holds[0].purpose, "legal_obligations");
  EXPECT_EQ(contact->holds[0].basis, "legal_obligation");
  EXPECT_EQ(contact->holds[0].reason, "until:transaction_date+P10Y");
  EXPECT_EQ(contact->holds[0].until, at("2035-05-01"));
  EXPECT_NE(contact->holds[0].note.in("fr").find("L123-22"), std::string::npos);
  EXPECT_EQ(contact->values, 6);
  const auto* tx = kept(report, "transactions");
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->events, 1);
  const auto* conn = kept(report, "connection");
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->holds[0].reason, "until:event_time+P1Y");
  EXPECT_EQ(conn->events, 1);
  EXPECT_EQ(conn->events_erased, 1);  // the connection of 2024-12-01
  EXPECT_EQ(report.status_after, SubjectStatus::kRestricted);

  ReadRequest r;
  r.subject_id = id;
  r.events = true;
  ASSERT_OK_AND_ASSIGN(auto data, vault().read(r));
  EXPECT_EQ(data.values.size(), 6u);
  ASSERT_EQ(data.events.size(), 2u);
  EXPECT_EQ(data.events[0].payload, "192.0.2.10");
  EXPECT_EQ(data.events[1].field, "order");
  EXPECT_EQ(data.info.status, SubjectStatus::kRestricted);
  ASSERT_OK_AND_ASSIGN(auto found, vault().find("email", "former@example.com"));
  EXPECT_EQ(found, std::vector<std::string>{id});  // contact kept: still found

  // Eleven years later nothing holds it any more: a second erasure destroys the rest.
  clock_.set(at("2036-06-01"));
  ASSERT_OK_AND_ASSIGN(auto later, vault().erase(req));
  EXPECT_EQ(destroyed(later), (std::vector<std::string>{"connection", "contact", "transactions"}));
  EXPECT_TRUE(later.kept.empty());
  EXPECT_EQ(later.status_after, SubjectStatus::kErased);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_events WHERE subject_id = '" + id + "'"), 0);
}

TEST_P(Erasure, LegalHoldKeepsWhatDisputesCover) {
  std::string id = former_customer();
  ErasureRequest req;
  req.subject_id = id;
  req.facts.legal_hold = true;
  ASSERT_OK_AND_ASSIGN(auto report, vault().erase(req));
  // Disputes (legitimate interest) cover contact, transactions, support, connection; under a
  // legal hold they are kept whatever their dates.
  EXPECT_EQ(destroyed(report), (std::vector<std::string>{"cookies", "devices", "usage"}));
  const auto* support = kept(report, "support");
  ASSERT_NE(support, nullptr);
  EXPECT_EQ(support->holds[0].purpose, "disputes");
  EXPECT_EQ(support->holds[0].reason, "open_while:legal_hold");
  EXPECT_FALSE(support->holds[0].until.has_value());
  const auto* conn = kept(report, "connection");
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->events_erased, 0);  // the hold covers the old connection too
}

TEST_P(Erasure, OpenRequestKeepsWhatRightsManagementNeeds) {
  std::string id = prospect("asker@example.com");
  ErasureRequest req;
  req.subject_id = id;
  req.facts.request_open = true;
  ASSERT_OK_AND_ASSIGN(auto report, vault().erase(req));
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_EQ(report.kept[0].holds[0].purpose, "rights_management");
  EXPECT_EQ(report.kept[0].holds[0].reason, "open_while:request_open");
  // Closed two years ago: kept three years after closing.
  req.facts.request_open = false;
  req.facts.request_closed = at("2024-06-01");
  ASSERT_OK_AND_ASSIGN(report, vault().erase(req));
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_EQ(report.kept[0].holds[0].until, at("2027-06-01"));
  req.facts.request_closed = at("2022-06-01");
  ASSERT_OK_AND_ASSIGN(report, vault().erase(req));
  EXPECT_TRUE(report.kept.empty());
  EXPECT_EQ(report.status_after, SubjectStatus::kErased);
}

TEST_P(Erasure, SomeClassesOnly) {
  std::string id = former_customer();
  ErasureRequest req;
  req.subject_id = id;
  req.classes = {"cookies", "usage", "transactions"};
  ASSERT_OK_AND_ASSIGN(auto report, vault().erase(req));
  EXPECT_EQ(destroyed(report), (std::vector<std::string>{"cookies", "usage"}));
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_EQ(report.kept[0].cls, "transactions");
  EXPECT_EQ(report.status_after, SubjectStatus::kActive);
  ReadRequest r;
  r.subject_id = id;
  r.events = true;
  ASSERT_OK_AND_ASSIGN(auto data, vault().read(r));
  EXPECT_EQ(data.values.size(), 6u);
  EXPECT_EQ(data.events.size(), 5u);  // 7 - cookie - usage
  for (const auto& e : data.events) {
    EXPECT_NE(e.category, "cookies");
    EXPECT_NE(e.category, "usage");
  }
  req.classes = {"horoscope"};
  EXPECT_ERRC(vault().erase(req), Errc::kInvalidArgument);
  req.classes.clear();
  req.subject_id = "sub_0000000000000000000000000z";
  EXPECT_ERRC(vault().erase(req), Errc::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, Erasure,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::backend_label);

}  // namespace
}  // namespace charter::vault
