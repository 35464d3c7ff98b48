#include "policy/ropa.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "policy/csv_test_util.h"
#include "policy/dpv.h"
#include "policy/golden_test_util.h"

namespace charter::policy {
namespace {

using testing::default_policy;
using testing::expect_golden;

std::string render(RopaFormat format, const std::string& lang = "fr") {
  auto out = render_ropa(default_policy(), format, lang);
  if (!out.ok()) {
    ADD_FAILURE() << out.error().message;
    return {};
  }
  return *out;
}

TEST(Ropa, Goldens) {
  expect_golden("ropa.fr.csv", render(RopaFormat::kCsv, "fr"));
  expect_golden("ropa.en.csv", render(RopaFormat::kCsv, "en"));
  expect_golden("ropa.json", render(RopaFormat::kJson));
  expect_golden("ropa.jsonld", render(RopaFormat::kJsonLd));
}

TEST(Ropa, CsvHasTheRegisterColumnsAndOneRowPerPurpose) {
  const std::string csv = render(RopaFormat::kCsv, "fr");
  bool ok = false;
  auto records = testing::parse_csv(csv, &ok);
  ASSERT_TRUE(ok);
  const std::vector<std::string> header = {"Identifiant",
                                           "Finalité",
                                           "Description",
                                           "Base légale",
                                           "Personnes concernées",
                                           "Catégories de données",
                                           "Destinataires",
                                           "Transferts hors UE",
                                           "Durées de conservation",
                                           "Mesures de sécurité",
                                           "Responsable du traitement",
                                           "Délégué à la protection des données"};
  ASSERT_EQ(records.size(), 8u);
  EXPECT_EQ(records[0], header);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")).find('\n'), std::string::npos);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  const Policy& p = default_policy();
  for (std::size_t i = 1; i < records.size(); ++i) {
    const auto& row = records[i];
    ASSERT_EQ(row.size(), header.size()) << i;
    EXPECT_EQ(row[0], p.purposes[i - 1].id);
    EXPECT_EQ(row[1], p.purposes[i - 1].label.in("fr"));
    for (std::size_t col : {3, 4, 5, 6, 7, 8, 9, 10, 11}) {
      EXPECT_FALSE(row[col].empty()) << row[0] << ": " << header[col];
    }
    EXPECT_EQ(row[7].rfind("Aucun", 0), 0u) << row[7];
    EXPECT_NE(row[7].find("Union européenne (France)"), std::string::npos) << row[7];
    EXPECT_NE(row[10].find("Oxemis SARL"), std::string::npos);
    EXPECT_NE(row[10].find("RCS Lille Métropole 478795958"), std::string::npos);
    EXPECT_EQ(row[11], "dpo@oxemis.com");
    // One retention line per category of the purpose (each category has exactly one rule).
    std::size_t lines = 1 + std::count(row[8].begin(), row[8].end(), '\n');
    EXPECT_EQ(lines, p.purposes[i - 1].categories.size()) << row[8];
  }
  EXPECT_NE(
      records[7][8].find("Coordonnées : 10 ans après la date de la transaction (suppression)"),
      std::string::npos)
      << records[7][8];
  EXPECT_NE(records[3][3].find("Consentement explicite (RGPD, art. 6.1.a)"), std::string::npos);
}

TEST(Ropa, CsvInEnglish) {
  auto records = testing::parse_csv(render(RopaFormat::kCsv, "en"));
  ASSERT_EQ(records.size(), 8u);
  EXPECT_EQ(records[0][1], "Purpose");
  EXPECT_EQ(records[0][7], "Transfers outside the EU");
  EXPECT_EQ(records[1][1], "Handling the exercise of your rights");
  EXPECT_EQ(records[1][7].rfind("None", 0), 0u);
}

TEST(Ropa, JsonStructure) {
  auto doc = nlohmann::json::parse(render(RopaFormat::kJson));
  EXPECT_EQ(doc["format"], "charter-ropa/1");
  EXPECT_EQ(doc["policy_version"], default_policy().version);
  EXPECT_EQ(doc["controller"]["register"]["number"], "478795958");
  EXPECT_EQ(doc["dpo"]["email"], "dpo@oxemis.com");
  EXPECT_EQ(doc["supervisory_authority"]["complaint_url"], "https://www.cnil.fr/fr/plaintes/");
  ASSERT_EQ(doc["activities"].size(), 7u);
  for (const auto& a : doc["activities"]) {
    EXPECT_TRUE(a["legal_basis"]["dpv"].get<std::string>().rfind("eu-gdpr:A6-1-", 0) == 0);
    EXPECT_FALSE(a["data_categories"].empty());
    EXPECT_FALSE(a["recipients"].empty());
    EXPECT_FALSE(a["retention"].empty());
    EXPECT_TRUE(a["transfers_outside_eu"].empty());
    for (const auto& r : a["retention"]) {
      EXPECT_FALSE(r["summary"]["fr"].get<std::string>().empty());
      EXPECT_FALSE(r["summary"]["en"].get<std::string>().empty());
    }
    EXPECT_EQ(a["purpose"].size(), 2u);  // fr and en
  }
  EXPECT_EQ(doc["rights"]["deadline"], "P1M");
  EXPECT_EQ(doc["rights"]["list"].size(), 8u);
  EXPECT_EQ(doc["rights"]["list"][7]["dpv"], nullptr);  // post-mortem: no GDPR IRI
}

// --- JSON-LD: every DPV IRI must exist in the vocabulary files -------------------------------

std::set<std::string> vocabulary() {
  std::set<std::string> iris;
  for (const char* file : {"dpv-core.csv", "dpv-purposes.csv", "pd.csv", "eu-gdpr-legal_basis.csv",
                           "eu-gdpr-rights.csv", "consent_status-2.2.csv"}) {
    bool ok = false;
    auto records =
        testing::parse_csv(testing::read_file(testing::source_path("reference/dpv/") + file), &ok);
    EXPECT_TRUE(ok) << file;
    EXPECT_GT(records.size(), 1u) << file;
    if (records.empty()) continue;
    auto column = std::find(records[0].begin(), records[0].end(), "iri") - records[0].begin();
    for (std::size_t i = 1; i < records.size(); ++i) {
      if (static_cast<std::size_t>(column) < records[i].size()) iris.insert(records[i][column]);
    }
  }
  return iris;
}

bool in_dpv_namespaces(const std::string& iri) {
  return iri.rfind("https://w3id.org/dpv", 0) == 0 || iri.rfind("http://w3id.org/dpv", 0) == 0;
}

// Every IRI in the dpv, pd and eu-gdpr namespaces, from keys and string values (outside
// @context), expanded with the document's own prefixes.
void collect_iris(const nlohmann::json& node, std::set<std::string>& out) {
  auto consider = [&](const std::string& s) {
    if (auto full = dpv::expand_iri(s)) {
      out.insert(*full);
    } else if (in_dpv_namespaces(s)) {
      out.insert(s);
    }
  };
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "@context") continue;
      consider(key);
      collect_iris(value, out);
    }
  } else if (node.is_array()) {
    for (const auto& v : node) collect_iris(v, out);
  } else if (node.is_string()) {
    consider(node.get<std::string>());
  }
}

TEST(Ropa, JsonLdUsesOnlyExistingDpvIris) {
  auto doc = nlohmann::json::parse(render(RopaFormat::kJsonLd));
  // The context maps the prefixes to the DPV namespaces that expand_iri() assumes.
  EXPECT_EQ(doc["@context"]["dpv"], "https://w3id.org/dpv#");
  EXPECT_EQ(doc["@context"]["pd"], "https://w3id.org/dpv/pd#");
  EXPECT_EQ(doc["@context"]["eu-gdpr"], "https://w3id.org/dpv/legal/eu/gdpr#");

  const auto known = vocabulary();
  ASSERT_GT(known.size(), 1000u);
  std::set<std::string> used;
  collect_iris(doc, used);
  for (const auto& iri : used) EXPECT_TRUE(known.count(iri)) << "not in reference/dpv: " << iri;

  // And the register does use what the brief requires.
  const std::string gdpr = "https://w3id.org/dpv/legal/eu/gdpr#";
  const std::string dpv = "https://w3id.org/dpv#";
  for (const std::string& t : {gdpr + "A6-1-a",
                               gdpr + "A6-1-b",
                               gdpr + "A6-1-c",
                               gdpr + "A6-1-f",
                               gdpr + "A15",
                               gdpr + "A16",
                               gdpr + "A17",
                               gdpr + "A18",
                               gdpr + "A20",
                               gdpr + "A21",
                               gdpr + "A7-3",
                               dpv + "hasPurpose",
                               dpv + "hasLegalBasis",
                               dpv + "hasPersonalData",
                               dpv + "hasRecipient",
                               dpv + "hasDataController",
                               dpv + "hasDataSubject",
                               dpv + "hasTechnicalOrganisationalMeasure",
                               dpv + "hasRight",
                               dpv + "hasStorageCondition",
                               dpv + "hasDuration",
                               dpv + "DirectMarketing",
                               std::string("https://w3id.org/dpv/pd#Contact")}) {
    EXPECT_TRUE(used.count(t)) << "missing " << t;
  }
  for (const Purpose& u : default_policy().purposes)
    EXPECT_TRUE(used.count(*dpv::expand_iri(u.dpv)));
  for (const Category& c : default_policy().categories) {
    EXPECT_TRUE(used.count(*dpv::expand_iri(c.dpv)));
  }
}

TEST(Ropa, JsonLdShape) {
  auto doc = nlohmann::json::parse(render(RopaFormat::kJsonLd));
  const auto& graph = doc["@graph"];
  int processes = 0;
  bool post_mortem = false;
  for (const auto& node : graph) {
    if (node.value("@type", nlohmann::json()) == "dpv:Process") {
      ++processes;
      EXPECT_TRUE(node.contains("dpv:hasLegalBasis")) << node["@id"];
      EXPECT_FALSE(node["dpv:hasStorageCondition"].empty());
      EXPECT_EQ(node["charter:transfersOutsideEU"], false);
    }
    if (node["@id"] == "urn:charter:right:post_mortem") {
      post_mortem = true;
      EXPECT_EQ(node["@type"], "dpv:DataSubjectRight");
      EXPECT_EQ(node["charter:legalReference"], "Loi Informatique et Libertés art. 85");
    }
  }
  EXPECT_EQ(processes, 7);
  EXPECT_TRUE(post_mortem);
  EXPECT_EQ(graph[0]["@type"], "dpv:ROPA");
  EXPECT_EQ(graph[0]["dct:hasVersion"], default_policy().version);
}

TEST(Ropa, DpvMappings) {
  EXPECT_EQ(dpv::basis_iri(BasisKind::kConsent), "eu-gdpr:A6-1-a");
  EXPECT_EQ(dpv::basis_iri(BasisKind::kContract), "eu-gdpr:A6-1-b");
  EXPECT_EQ(dpv::basis_iri(BasisKind::kLegalObligation), "eu-gdpr:A6-1-c");
  EXPECT_EQ(dpv::basis_iri(BasisKind::kVitalInterest), "eu-gdpr:A6-1-d");
  EXPECT_EQ(dpv::basis_iri(BasisKind::kPublicTask), "eu-gdpr:A6-1-e");
  EXPECT_EQ(dpv::basis_iri(BasisKind::kLegitimateInterest), "eu-gdpr:A6-1-f");
  EXPECT_EQ(dpv::right_iri("access"), "eu-gdpr:A15");
  EXPECT_EQ(dpv::right_iri("withdraw_consent"), "eu-gdpr:A7-3");
  EXPECT_EQ(dpv::right_iri("portability"), "eu-gdpr:A20");
  EXPECT_FALSE(dpv::right_iri("post_mortem").has_value());
  EXPECT_EQ(dpv::expand_iri("pd:Contact"), "https://w3id.org/dpv/pd#Contact");
  EXPECT_EQ(dpv::expand_iri("eu-gdpr:A15"), "https://w3id.org/dpv/legal/eu/gdpr#A15");
  EXPECT_FALSE(dpv::expand_iri("rdfs:label").has_value());
  EXPECT_FALSE(dpv::expand_iri("dpv:").has_value());
}

TEST(Ropa, FormatsAndLanguages) {
  EXPECT_EQ(parse_ropa_format("jsonld"), RopaFormat::kJsonLd);
  EXPECT_FALSE(parse_ropa_format("xml").has_value());
  EXPECT_STREQ(to_string(RopaFormat::kCsv), "csv");
  auto bad = render_ropa(default_policy(), RopaFormat::kJson, "de");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
}

TEST(Ropa, HostileTextsStayData) {
  Policy p = default_policy();
  p.purposes[0].label.by_lang["fr"] = "=HYPERLINK(\"http://evil.example\"),\"x\"\r\nnext";
  auto csv = render_ropa(p, RopaFormat::kCsv, "fr");
  ASSERT_TRUE(csv.ok());
  bool ok = false;
  auto records = testing::parse_csv(*csv, &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(records.size(), 8u);
  EXPECT_EQ(records[1][1], "'=HYPERLINK(\"http://evil.example\"),\"x\"\r\nnext");
  p.purposes[0].label.by_lang["fr"] = std::string("bad \xff utf-8");
  auto json = render_ropa(p, RopaFormat::kJson, "fr");
  ASSERT_TRUE(json.ok());
  EXPECT_NO_THROW((void)nlohmann::json::parse(*json));
}

}  // namespace
}  // namespace charter::policy
