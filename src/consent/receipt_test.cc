// Kantara Consent Receipt v1.1 shape, checked from C++ (the JSON Schema check itself runs in
// tests/kantara with ajv).
#include <gtest/gtest.h>

#include <fstream>

#include "consent/receipt.h"
#include "consent/test_util.h"

namespace charter::consent {
namespace {

using nlohmann::json;
using testing::at;

class Receipt : public testing::ConsentFixture {};
CHARTER_CONSENT_BACKENDS(Receipt);

TEST_P(Receipt, GivenConsentReceiptHasTheKantaraFields) {
  const auto s = subject();
  ASSERT_OK_AND_ASSIGN(auto e, ledger_->give(s, "prospecting", via("privacy_center", "en")));
  const auto& policy = *testing::test_policy();
  ASSERT_OK_AND_ASSIGN(auto r, make_receipt(policy, e));
  EXPECT_OK(check_receipt(r));
  EXPECT_EQ(r["version"], "KI-CR-v1.1.0");
  EXPECT_EQ(r["jurisdiction"], "FR");
  EXPECT_EQ(r["consentTimestamp"], 1740823200);  // 2025-03-01T10:00:00Z
  EXPECT_EQ(r["collectionMethod"], "In the privacy center");
  EXPECT_EQ(r["consentReceiptID"], e.event_id);
  EXPECT_EQ(r["language"], "en");
  EXPECT_EQ(r["piiPrincipalId"], s);
  const auto& c = r["piiControllers"][0];
  EXPECT_EQ(c["piiController"], "Oxemis SARL");
  EXPECT_EQ(c["email"], "dpo@oxemis.com");
  EXPECT_EQ(c["address"]["streetAddress"], "132 allée Hélène Boucher");
  EXPECT_EQ(c["address"]["addressCountry"], "FR");
  EXPECT_EQ(r["policyUrl"], "https://www.oxemis.com/charter");
  const auto& p = r["services"][0]["purposes"][0];
  EXPECT_EQ(r["services"][0]["service"], "Sending solicitations");
  EXPECT_EQ(p["purposeCategory"], json::array({"dpv:DirectMarketing"}));
  EXPECT_EQ(p["consentType"], "EXPLICIT");
  EXPECT_EQ(p["piiCategory"], json::array({"pd:Contact"}));
  EXPECT_EQ(p["thirdPartyDisclosure"], false);
  EXPECT_NE(p["termination"].get<std::string>().find("Until consent is withdrawn"),
            std::string::npos);
  EXPECT_EQ(r["sensitive"], false);
  EXPECT_EQ(r["spiCat"], json::array());
  EXPECT_EQ(r["charter"]["consentStatus"], "dpv:ConsentGiven");
  EXPECT_EQ(r["charter"]["policyVersion"], policy.version);
  EXPECT_EQ(r["charter"]["noticeSha256"].get<std::string>().size(), 64u);
}

TEST_P(Receipt, WithdrawnAndExpiredEventsHaveReceiptsToo) {
  const auto s = subject();
  ASSERT_OK(ledger_->give(s, "audience_cookies", via("privacy_center")));
  clock_.advance(std::chrono::hours(24 * 30));
  ASSERT_OK_AND_ASSIGN(auto w, ledger_->withdraw(s, "audience_cookies", via("email_dpo")));
  ASSERT_OK_AND_ASSIGN(auto rw, make_receipt(*testing::test_policy(), w));
  EXPECT_OK(check_receipt(rw));
  EXPECT_EQ(rw["charter"]["consentStatus"], "dpv:ConsentWithdrawn");
  EXPECT_EQ(rw["language"], "fr");
  EXPECT_NE(rw["services"][0]["purposes"][0]["termination"].get<std::string>().find(
                "Consentement retiré le 2025-03-31"),
            std::string::npos);

  ASSERT_OK(ledger_->give(s, "audience_cookies", via("privacy_center")));
  clock_.advance(std::chrono::hours(24 * 400));
  ASSERT_OK_AND_ASSIGN(int n, ledger_->record_expiries());
  ASSERT_EQ(n, 1);
  ASSERT_OK_AND_ASSIGN(auto hist, ledger_->history(s));
  ASSERT_OK_AND_ASSIGN(auto rx, make_receipt(*testing::test_policy(), hist.back(),
                                             {"https://privacy.oxemis.com/charter", "en"}));
  EXPECT_OK(check_receipt(rx));
  EXPECT_EQ(rx["charter"]["consentStatus"], "dpv:ConsentExpired");
  EXPECT_EQ(rx["collectionMethod"], "Automatic expiry");
  EXPECT_EQ(rx["policyUrl"], "https://privacy.oxemis.com/charter");
}

TEST(ReceiptCheck, ReportsEveryMissingOrMistypedField) {
  EXPECT_ERRC(check_receipt(json::array()), Errc::kInvalidArgument);
  json r = json::parse(R"({"version": "KI-CR-v1.1.0", "jurisdiction": "FR",
    "consentTimestamp": -1, "collectionMethod": "x", "consentReceiptID": "x",
    "piiPrincipalId": "x", "piiControllers": [{"piiController": "x"}], "policyUrl": 3,
    "services": [{"service": "s", "purposes": [{"consentType": "EXPLICIT",
      "purposeCategory": ["a"], "piiCategory": [1], "termination": "t",
      "thirdPartyDisclosure": true}]}], "sensitive": false})");
  auto st = check_receipt(r);
  ASSERT_FALSE(st.ok());
  const auto& m = st.error().message;
  for (const char* needle :
       {"spiCat missing", "policyUrl has the wrong type", "consentTimestamp is negative",
        "piiControllers[0].contact missing", "piiControllers[0].address missing",
        "services[0].purposes[0].piiCategory has a non-string item",
        "services[0].purposes[0].thirdPartyName missing"}) {
    EXPECT_NE(m.find(needle), std::string::npos) << needle << "\n" << m;
  }
}

TEST(ReceiptCheck, TheKantaraExampleIsAccepted) {
  std::ifstream in(testing::source_dir() +
                   "/reference/kantara/kantara-consent-receipt-v1_1-example.json");
  ASSERT_TRUE(in.good());
  auto example = json::parse(in);
  EXPECT_OK(check_receipt(example));
}

TEST(ReceiptCheck, RefusesNonConsentPurposes) {
  ConsentEvent e;
  e.purpose = "statistics";
  e.language = "fr";
  EXPECT_ERRC(make_receipt(*testing::test_policy(), e), Errc::kInvalidArgument);
}

}  // namespace
}  // namespace charter::consent
