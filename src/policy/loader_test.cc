#include "policy/loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "policy/version.h"

namespace charter::policy {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string& oxemis_text() {
  static const std::string text =
      read_file(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  return text;
}

Location location_at(const std::string& text, std::size_t pos) {
  Location loc{1, 1};
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      loc.column = 1;
    } else {
      ++loc.column;  // columns count bytes, as yaml-cpp (and compilers) do
    }
  }
  return loc;
}

struct Mutation {
  std::string text;
  Location at;  // where `mark` stands in the mutated text
};

// Replaces the only occurrence of `from` in the default policy by `to`; `mark` (a substring of
// `to`, default all of it) is where the error is expected.
Mutation mutate(const std::string& from, const std::string& to, const std::string& mark = "") {
  const std::string& base = oxemis_text();
  auto pos = base.find(from);
  EXPECT_NE(pos, std::string::npos) << "fixture text not found: " << from;
  EXPECT_EQ(base.find(from, pos + 1), std::string::npos) << "fixture text not unique: " << from;
  Mutation m;
  m.text = base.substr(0, pos) + to + base.substr(pos + from.size());
  auto in_to = mark.empty() ? 0 : to.find(mark);
  EXPECT_NE(in_to, std::string::npos);
  m.at = location_at(m.text, pos + in_to);
  return m;
}

// Asserts the policy is refused with exactly one issue at `at`, for `key`, whose message
// contains `message`.
void expect_one_issue(const Mutation& m, const std::string& key, const std::string& message) {
  auto out = check_policy_text(m.text, "p.yaml");
  ASSERT_FALSE(out.policy.has_value());
  ASSERT_EQ(out.issues.size(), 1u) << [&] {
    std::string all;
    for (auto& i : out.issues) all += i.to_string() + "\n";
    return all;
  }();
  const Issue& i = out.issues[0];
  EXPECT_EQ(i.file, "p.yaml");
  EXPECT_EQ(i.key, key);
  EXPECT_EQ(i.where.line, m.at.line) << i.to_string();
  EXPECT_EQ(i.where.column, m.at.column) << i.to_string();
  EXPECT_NE(i.message.find(message), std::string::npos) << i.to_string();
}

TEST(PolicyLoader, DefaultPolicyIsValid) {
  auto out = check_policy_file(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  for (auto& i : out.issues) ADD_FAILURE() << i.to_string();
  ASSERT_TRUE(out.policy.has_value());
  const Policy& p = *out.policy;
  EXPECT_EQ(p.controller.name, "Oxemis SARL");
  EXPECT_EQ(p.controller.register_number, "478795958");
  EXPECT_EQ(p.controller.dpo_email, "dpo@oxemis.com");
  EXPECT_EQ(p.authority.complaint_url, "https://www.cnil.fr/fr/plaintes/");
  EXPECT_EQ(p.purposes.size(), 7u);
  EXPECT_EQ(p.legal_bases.size(), 4u);
  EXPECT_EQ(p.rights.list.size(), 8u);
  EXPECT_EQ(p.rights.deadline.iso(), "P1M");
  EXPECT_EQ(p.rights.extension.iso(), "P2M");
  EXPECT_EQ(p.version.size(), 64u);
  const Purpose* pros = p.find_purpose("prospecting");
  ASSERT_NE(pros, nullptr);
  ASSERT_TRUE(pros->consent.has_value());
  EXPECT_EQ(pros->objection, Objection::kAbsolute);
  ASSERT_EQ(pros->retention.size(), 1u);
  EXPECT_EQ(pros->retention[0].duration.iso(), "P3Y");
  EXPECT_EQ(pros->retention[0].stops_on.front(), StopOn::kConsentWithdrawal);
  const Purpose* legal = p.find_purpose("legal_obligations");
  ASSERT_NE(legal, nullptr);
  EXPECT_EQ(legal->retention[0].duration.iso(), "P10Y");
  EXPECT_EQ(legal->retention[0].after.front(), Anchor::kTransactionDate);
  EXPECT_TRUE(p.find_field("email")->blind_index);
  EXPECT_EQ(p.find_field("connection_ip")->source, Source::kObserved);
  EXPECT_EQ(p.find_field("last_name")->if_missing.in("en").substr(0, 11), "Without you");
}

// --- At least 20 invalid policies, each with its exact error and place. ---

TEST(PolicyInvalid, UnknownKey) {
  auto m =
      mutate("  legal_form: SARL\n", "  legal_form: SARL\n  vat_number: FR123\n", "vat_number");
  expect_one_issue(m, "controller.vat_number", "unknown key \"vat_number\"; allowed keys here:");
}

// Found by libFuzzer (fuzz/corpus/policy/regression_scalar_root): a document that is one scalar
// made read_languages throw YAML::BadSubscript out of the loader.
TEST(PolicyInvalid, DocumentThatIsNotAMapIsAnIssueNotACrash) {
  for (const char* text : {"just a sentence", "42", "- a\n- list\n", "\"quoted\"\n# comment"}) {
    LoadOutcome out = check_policy_text(text, "p.yaml");
    EXPECT_FALSE(out.policy.has_value()) << text;
    ASSERT_FALSE(out.issues.empty()) << text;
  }
}

TEST(PolicyInvalid, WrongTypeListInsteadOfText) {
  auto m = mutate("  legal_form: SARL\n", "  legal_form: [SARL]\n", "[SARL]");
  expect_one_issue(m, "controller.legal_form", "found a list, expected a text");
}

TEST(PolicyInvalid, BadEmail) {
  auto m = mutate("    email: dpo@oxemis.com\n", "    email: dpo-at-oxemis.com\n", "dpo-at");
  expect_one_issue(m, "controller.dpo.email", "expected an e-mail address");
}

TEST(PolicyInvalid, DuplicateCategoryId) {
  auto m = mutate("  - id: usage\n    dpv: pd:ServiceConsumptionBehavior",
                  "  - id: devices\n    dpv: pd:ServiceConsumptionBehavior", "devices");
  auto out = check_policy_text(m.text, "p.yaml");
  ASSERT_FALSE(out.policy);
  bool found = false;
  for (auto& i : out.issues) {
    if (i.key == "categories[5].id") {
      found = true;
      EXPECT_EQ(i.where.line, m.at.line);
      EXPECT_EQ(i.where.column, m.at.column);
      EXPECT_NE(i.message.find("duplicate id \"devices\" (already used by categories[2])"),
                std::string::npos);
    }
  }
  EXPECT_TRUE(found);
}

TEST(PolicyInvalid, DuplicateYamlKey) {
  auto m =
      mutate("  legal_form: SARL\n", "  legal_form: SARL\n  legal_form: SAS\n", "legal_form: SAS");
  expect_one_issue(m, "controller.legal_form", "duplicate key \"legal_form\"");
}

TEST(PolicyInvalid, DanglingCategoryInPurpose) {
  auto m = mutate("    categories: [contact, support, usage, devices]",
                  "    categories: [contact, support, usage, gadgets]", "gadgets");
  auto out = check_policy_text(m.text, "p.yaml");
  ASSERT_FALSE(out.policy);
  ASSERT_GE(out.issues.size(), 1u);
  const Issue& i = out.issues[0];
  EXPECT_EQ(i.key, "purposes[1].categories[3]");
  EXPECT_EQ(i.where.line, m.at.line);
  EXPECT_EQ(i.where.column, m.at.column);
  EXPECT_NE(i.message.find("unknown category \"gadgets\"; declared: connection, contact"),
            std::string::npos);
}

TEST(PolicyInvalid, DanglingRecipient) {
  auto m = mutate("    recipients: [support, engineering]\n",
                  "    recipients: [support, marketing_agency]\n", "marketing_agency");
  expect_one_issue(m, "purposes[1].recipients[1]", "unknown recipient \"marketing_agency\"");
}

TEST(PolicyInvalid, PurposeWithoutBasis) {
  auto m =
      mutate("    basis: contract\n    subjects: [customer]\n    categories: [contact, support",
             "    subjects: [customer]\n    categories: [contact, support", "");
  // The missing key is reported at the purpose's mapping (its first key, "id").
  auto out = check_policy_text(m.text, "p.yaml");
  ASSERT_FALSE(out.policy);
  ASSERT_EQ(out.issues.size(), 1u) << out.issues[0].to_string();
  EXPECT_EQ(out.issues[0].key, "purposes[1].basis");
  EXPECT_EQ(out.issues[0].message, "missing required key \"basis\"");
  auto purpose_pos = m.text.find("  - id: customer_relationship");
  EXPECT_EQ(out.issues[0].where.line, location_at(m.text, purpose_pos + 4).line);
  EXPECT_EQ(out.issues[0].where.column, 5);
}

TEST(PolicyInvalid, UnknownBasis) {
  auto m =
      mutate("    basis: contract\n    subjects: [customer]\n    categories: [contact, support",
             "    basis: goodwill\n    subjects: [customer]\n    categories: [contact, support",
             "goodwill");
  auto out = check_policy_text(m.text, "p.yaml");
  ASSERT_FALSE(out.policy);
  ASSERT_EQ(out.issues.size(), 1u) << out.issues[0].to_string();
  EXPECT_EQ(out.issues[0].key, "purposes[1].basis");
  EXPECT_EQ(out.issues[0].where.line, m.at.line);
  EXPECT_NE(out.issues[0].message.find("unknown legal basis \"goodwill\"; declared: consent, "
                                       "contract, legal_obligation, legitimate_interest"),
            std::string::npos);
}

TEST(PolicyInvalid, ConsentPurposeWithoutWithdrawalChannel) {
  auto m = mutate("      withdrawal_channels: [one_click_unsubscribe, privacy_center, email_dpo]",
                  "      withdrawal_channels: []", "[]");
  expect_one_issue(m, "purposes[2].consent.withdrawal_channels",
                   "a consent purpose needs at least one withdrawal channel");
}

TEST(PolicyInvalid, ConsentPurposeWithoutConsentBlock) {
  const std::string& base = oxemis_text();
  auto start = base.find("    consent:\n      withdrawal_channels");
  auto end = base.find("    objection: absolute");
  ASSERT_NE(start, std::string::npos);
  Mutation m = mutate(base.substr(start, end - start), "");
  auto basis = m.text.find("    basis: consent\n");
  m.at = location_at(m.text, basis + 11);
  expect_one_issue(m, "purposes[2].basis", "rests on consent but has no consent block");
}

TEST(PolicyInvalid, ExternalRecipient) {
  auto m = mutate("  - id: auditor\n    organisation: internal",
                  "  - id: auditor\n    organisation: external", "external");
  expect_one_issue(m, "recipients[5].organisation", "recipient \"auditor\" is outside the company");
}

TEST(PolicyInvalid, RecipientOutsideEu) {
  auto m = mutate("  - id: auditor\n    organisation: internal\n    country: FR",
                  "  - id: auditor\n    organisation: internal\n    country: US", "US");
  expect_one_issue(m, "recipients[5].country", "outside the European Union");
}

TEST(PolicyInvalid, HostingOutsideEu) {
  auto m = mutate("    country: FR                               # EU member state",
                  "    country: CH                               # EU member state", "CH");
  expect_one_issue(m, "hosting[0].country", "hosting in \"CH\", outside the European Union");
}

TEST(PolicyInvalid, RetentionRuleWithoutDuration) {
  auto m = mutate("        duration: P10Y\n", "", "");
  auto rule = m.text.find("      - categories: [transactions, contact]");
  m.at = location_at(m.text, rule + 8);
  expect_one_issue(m, "purposes[6].retention[0].duration", "missing required key \"duration\"");
}

TEST(PolicyInvalid, RetentionRuleWithoutTrigger) {
  auto m = mutate("        duration: P10Y\n        after: [transaction_date]\n",
                  "        duration: P10Y\n", "");
  auto rule = m.text.find("      - categories: [transactions, contact]");
  m.at = location_at(m.text, rule + 8);
  expect_one_issue(m, "purposes[6].retention[0]", "retention rule has no trigger");
}

TEST(PolicyInvalid, BadDuration) {
  auto m = mutate("        duration: P10Y\n", "        duration: ten years\n", "ten years");
  expect_one_issue(m, "purposes[6].retention[0].duration", "expected an ISO 8601 duration");
}

TEST(PolicyInvalid, UnknownAnchor) {
  auto m =
      mutate("        after: [transaction_date]", "        after: [invoice_paid]", "invoice_paid");
  expect_one_issue(m, "purposes[6].retention[0].after[0]",
                   "found \"invoice_paid\", expected one of collection, last_contact");
}

TEST(PolicyInvalid, FieldUsedByNoPurpose) {
  // Remove `support` from every purpose: the support_exchange field is then used by none.
  std::string text = oxemis_text();
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"    categories: [contact, support]\n    recipients: [dpo, support]",
            "    categories: [contact]\n    recipients: [dpo, support]"},
           {"      - categories: [contact, support]\n", "      - categories: [contact]\n"},
           {"    categories: [contact, support, usage, devices]",
            "    categories: [contact, usage, devices]"},
           {"      - categories: [support]\n        duration: P2Y\n        after: [event_time]\n"
            "        on_expiry: delete\n        note:\n          fr: Deux ans après chaque échange "
            "avec le support.\n          en: Two years after each support exchange.\n",
            ""},
           {"    categories: [contact, transactions, support, connection]",
            "    categories: [contact, transactions, connection]"},
           {"      - categories: [contact, transactions, support, connection]",
            "      - categories: [contact, transactions, connection]"}}) {
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  }
  auto out2 = check_policy_text(text, "p.yaml");
  ASSERT_FALSE(out2.policy);
  ASSERT_EQ(out2.issues.size(), 1u) << out2.issues[0].to_string();
  EXPECT_EQ(out2.issues[0].key, "fields[14].id");
  EXPECT_NE(out2.issues[0].message.find("field \"support_exchange\" (category \"support\") is "
                                        "used by no purpose"),
            std::string::npos);
  auto field = text.find("  - id: support_exchange");
  EXPECT_EQ(out2.issues[0].where.line, location_at(text, field + 8).line);
}

TEST(PolicyInvalid, MissingTranslation) {
  auto m = mutate("    label: {fr: Équipe support, en: Support team}",
                  "    label: {fr: Équipe support}", "{fr");
  expect_one_issue(m, "recipients[0].label", "missing translation \"en\"");
}

TEST(PolicyInvalid, UndeclaredLanguage) {
  auto m = mutate("    label: {fr: Équipe support, en: Support team}",
                  "    label: {fr: Équipe support, en: Support team, de: Support-Team}", "de");
  expect_one_issue(m, "recipients[0].label.de", "\"de\" is not a language of this policy");
}

TEST(PolicyInvalid, BadEnumValue) {
  auto m = mutate("  - id: device_id\n    category: devices\n    type: identifier",
                  "  - id: device_id\n    category: devices\n    type: uuid", "uuid");
  expect_one_issue(m, "fields[9].type", "found \"uuid\", expected one of text, email, phone");
}

TEST(PolicyInvalid, LegitimateInterestWithoutObjection) {
  auto m = mutate("    recipients: [dpo, accounting]\n    objection: overridable\n",
                  "    recipients: [dpo, accounting]\n", "");
  auto basis = m.text.find("    basis: legitimate_interest\n    subjects: [customer]\n");
  m.at = location_at(m.text, basis + 11);
  expect_one_issue(m, "purposes[4].basis", "the right to object applies");
}

TEST(PolicyInvalid, MissingRight) {
  const std::string& base = oxemis_text();
  auto start = base.find("    - id: portability\n");
  auto end = base.find("    - id: withdraw_consent\n");
  Mutation m = mutate(base.substr(start, end - start), "");
  m.at = location_at(m.text, m.text.find("    - id: access\n") + 4);  // the list starts here
  expect_one_issue(m, "rights.list", "missing right \"portability\"");
}

TEST(PolicyInvalid, ConsentBlockOnContractPurpose) {
  auto m =
      mutate("    basis: contract\n    subjects: [customer]\n    categories: [contact, support",
             "    basis: contract\n    consent: {withdrawal_channels: [email_dpo], notice: "
             "{fr: x, en: y}}\n    subjects: [customer]\n    categories: [contact, support",
             "{withdrawal");
  expect_one_issue(m, "purposes[1].consent", "does not rest on consent");
}

TEST(PolicyInvalid, RetentionCategoryOutsidePurpose) {
  auto m = mutate("      - categories: [cookies]\n",
                  "      - categories: [cookies, transactions]\n", "transactions");
  expect_one_issue(
      m, "purposes[5].retention[1].categories[1]",
      "category \"transactions\" is not among the categories of purpose \"statistics\"");
}

TEST(PolicyInvalid, NotYaml) {
  Mutation m = mutate("languages: [fr, en]", "languages: [fr, en", "");
  auto out = check_policy_text(m.text, "p.yaml");
  ASSERT_FALSE(out.policy);
  ASSERT_EQ(out.issues.size(), 1u);
  EXPECT_NE(out.issues[0].message.find("not valid YAML"), std::string::npos);
  EXPECT_GT(out.issues[0].where.line, 0);
}

TEST(PolicyInvalid, AllErrorsInOnePass) {
  std::string text = oxemis_text();
  auto rep = [&](const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, from.size(), to);
  };
  rep("  legal_form: SARL\n", "  legal_form: SARL\n  vat: x\n");
  rep("    country: FR                               # EU member state", "    country: US");
  rep("        duration: P10Y\n", "        duration: forever\n");
  rep("    recipients: [support, engineering]\n", "    recipients: [support, agency]\n");
  auto out = check_policy_text(text, "p.yaml");
  ASSERT_FALSE(out.policy);
  EXPECT_EQ(out.issues.size(), 4u);
  auto r = load_policy_text(text, "p.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidPolicy);
  EXPECT_NE(r.error().message.find("4 problem(s)"), std::string::npos);
}

// --- Version hash. ---

TEST(PolicyVersion, StableAcrossFormattingAndKeyOrder) {
  auto a = load_policy_text(oxemis_text(), "a.yaml");
  ASSERT_TRUE(a.ok());
  // Reorder keys, change quoting, comments and layout: same version.
  std::string text = oxemis_text();
  auto rep = [&](const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
  };
  rep("  name: Oxemis SARL\n  legal_form: SARL\n",
      "  legal_form: \"SARL\"   # form\n  name: 'Oxemis SARL'\n");
  rep("    label: {fr: Équipe support, en: Support team}",
      "    label:\n      en: Support team\n      fr: \"Équipe support\"");
  rep("# Oxemis", "# A different comment\n# Oxemis");
  auto b = load_policy_text(text, "b.yaml");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a->version, b->version);
  EXPECT_EQ(canonical_json(*a), canonical_json(*b));
  // A meaningful change changes the version.
  rep("        duration: P10Y\n", "        duration: P11Y\n");
  auto c = load_policy_text(text, "c.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->version, c->version);
}

TEST(PolicyVersion, IsSha256Hex) {
  auto a = load_policy_text(oxemis_text(), "a.yaml");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->version.size(), 64u);
  EXPECT_EQ(a->version.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(short_version(a->version), a->version.substr(0, 12));
}

}  // namespace
}  // namespace charter::policy
