#include "policy/window.h"

#include <gtest/gtest.h>

#include "policy/loader.h"

namespace charter::policy {
namespace {

Timestamp at(const char* s) { return *parse_timestamp(s); }

const Policy& oxemis() {
  static const Policy p = *load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  return p;
}

Window window(const char* purpose, const char* category, const Facts& f, const char* now) {
  return evaluate_purpose(*oxemis().find_purpose(purpose), category, f, at(now));
}

TEST(AddDuration, CalendarArithmetic) {
  EXPECT_EQ(format_timestamp(add_duration(at("2024-01-31T10:00:00Z"), {0, 1, 0})),
            "2024-02-29T10:00:00.000000Z");
  EXPECT_EQ(format_timestamp(add_duration(at("2023-01-31"), {0, 1, 0})),
            "2023-02-28T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(add_duration(at("2024-02-29"), {1, 0, 0})),
            "2025-02-28T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(add_duration(at("2020-03-15"), {10, 0, 0})),
            "2030-03-15T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(add_duration(at("2024-11-30"), {0, 13, 0})),
            "2025-12-30T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(add_duration(at("2024-12-31"), {0, 0, 1})),
            "2025-01-01T00:00:00.000000Z");
}

TEST(Window, ProspectContactableForThreeYearsAfterLastContact) {
  Facts f;
  f.collection = at("2020-01-10");
  EXPECT_TRUE(window("prospecting", "contact", f, "2022-12-31").open());
  auto w = window("prospecting", "contact", f, "2023-01-10");
  EXPECT_FALSE(w.open());
  EXPECT_EQ(w.reason, "expired:collection+P3Y");
  f.last_contact = at("2022-06-01");  // the prospect wrote to us: the clock restarts
  w = window("prospecting", "contact", f, "2023-01-10");
  EXPECT_TRUE(w.open());
  EXPECT_EQ(w.reason, "until:last_contact+P3Y");
  EXPECT_EQ(format_date(date_of(*w.closes_at)), "2025-06-01");
}

TEST(Window, CustomerProspectingDuringContractAndThreeYearsAfter) {
  Facts f;
  f.collection = at("2015-01-01");
  f.contract_running = true;
  auto w = window("prospecting", "contact", f, "2024-01-01");
  EXPECT_TRUE(w.open());
  EXPECT_EQ(w.reason, "open_while:contract_running");
  EXPECT_FALSE(w.closes_at.has_value());
  f.contract_running = false;
  f.contract_end = at("2024-03-31");
  EXPECT_TRUE(window("prospecting", "contact", f, "2027-03-30").open());
  EXPECT_EQ(window("prospecting", "contact", f, "2027-03-31").reason, "expired:contract_end+P3Y");
}

TEST(Window, ConsentWithdrawalStopsProspectingAtOnce) {
  Facts f;
  f.contract_running = true;
  f.consent_withdrawal = at("2025-05-05T12:00:00Z");
  EXPECT_TRUE(window("prospecting", "contact", f, "2025-05-05T11:59:59Z").open());
  auto w = window("prospecting", "contact", f, "2025-05-05T12:00:00Z");
  EXPECT_FALSE(w.open());
  EXPECT_EQ(w.reason, "stopped:consent_withdrawal");
}

TEST(Window, ObjectionStopsProspecting) {
  Facts f;
  f.contract_running = true;
  f.objected = true;
  EXPECT_EQ(window("prospecting", "contact", f, "2025-01-01").reason, "stopped:objection");
}

TEST(Window, InvoicesTenYearsFromTransactionForLegalObligationsOnly) {
  Facts f;
  f.transaction_date = at("2020-06-15");
  f.contract_end = at("2021-01-01");
  EXPECT_TRUE(window("legal_obligations", "transactions", f, "2030-06-14").open());
  EXPECT_FALSE(window("legal_obligations", "transactions", f, "2030-06-15").open());
  // The commercial relationship purpose no longer holds them after the contract.
  EXPECT_FALSE(window("commercial_relationship", "transactions", f, "2022-01-01").open());
  // Disputes: five years after the end of the contract.
  EXPECT_TRUE(window("disputes", "transactions", f, "2025-12-31").open());
  EXPECT_FALSE(window("disputes", "transactions", f, "2026-01-01").open());
}

TEST(Window, LegalHoldKeepsDisputesOpen) {
  Facts f;
  f.contract_end = at("2010-01-01");
  EXPECT_FALSE(window("disputes", "contact", f, "2020-01-01").open());
  f.legal_hold = true;
  EXPECT_EQ(window("disputes", "contact", f, "2020-01-01").reason, "open_while:legal_hold");
}

TEST(Window, ConnectionLogsOneYearAfterEachEvent) {
  Facts f;
  f.event_time = at("2025-02-01T08:00:00Z");
  f.contract_running = true;
  EXPECT_TRUE(window("legal_obligations", "connection", f, "2026-02-01T07:59:59Z").open());
  EXPECT_FALSE(window("legal_obligations", "connection", f, "2026-02-01T08:00:00Z").open());
}

TEST(Window, RightsManagementOnlyWhileARequestExists) {
  Facts f;
  EXPECT_EQ(window("rights_management", "contact", f, "2025-01-01").reason, "not_started");
  f.request_open = true;
  EXPECT_TRUE(window("rights_management", "contact", f, "2025-01-01").open());
  f.request_open = false;
  f.request_closed = at("2025-02-01");
  EXPECT_TRUE(window("rights_management", "contact", f, "2028-01-31").open());
  EXPECT_FALSE(window("rights_management", "contact", f, "2028-02-01").open());
}

TEST(Window, CategoryWithoutRule) {
  Facts f;
  EXPECT_EQ(window("prospecting", "transactions", f, "2025-01-01").reason, "no_rule");
}

TEST(Window, FutureAnchorsAreIgnored) {
  Facts f;
  f.collection = at("2030-01-01");  // not yet happened at `now`
  EXPECT_EQ(window("prospecting", "contact", f, "2025-01-01").reason, "not_started");
}

}  // namespace
}  // namespace charter::policy
