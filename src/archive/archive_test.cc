#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "archive/archive_store.h"
#include "archive/archiver.h"
#include "archive/zip.h"
#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/key_ring.h"
#include "vault/test_env.h"

namespace charter::archive {
namespace {

using nlohmann::json;
using vault::testing::VaultTest;

// As mustache escapes text in HTML.
std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

crypto::ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class ArchiveTest : public VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto key = crypto::MasterKey::from_bytes(1, master_bytes_);
    ASSERT_TRUE(key.ok());
    ASSERT_OK(ring_.add(std::move(key).value()));
    policy_ = std::make_shared<const policy::Policy>(vault::testing::oxemis());
    auto l = consent::ConsentLedger::open(store(), policy_, clock_, random_, ring_);
    ASSERT_TRUE(l.ok()) << l.error().to_string();
    ledger_ = std::move(l).value();
    objections_ = std::make_unique<consent::Objections>(*ledger_);
    restrictions_ = std::make_unique<consent::Restrictions>(*ledger_);
    open_store();
  }
  void TearDown() override {
    archiver_.reset();
    archives_.reset();
    restrictions_.reset();
    objections_.reset();
    ledger_.reset();
  }
  void open_store() {
    archiver_.reset();
    ArchiveStoreOptions o;
    o.ttl = std::chrono::hours(24);
    o.tombstone = std::chrono::hours(48);
    auto s = ArchiveStore::open(store(), ring_, clock_, random_, o);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    archives_ = std::move(s).value();
    ArchiveSources src;
    src.vault = &vault();
    src.ledger = ledger_.get();
    src.objections = objections_.get();
    src.restrictions = restrictions_.get();
    archiver_ = std::make_unique<Archiver>(*policy_, src, *archives_);
  }
  std::string subject_with_history(int events = 3) {
    auto id = vault().create_subject(customer());
    EXPECT_TRUE(id.ok());
    std::vector<vault::NewEvent> evs;
    for (int i = 0; i < events; ++i) {
      evs.push_back({*id,
                     "connection_ip",
                     clock_.now() - std::chrono::minutes(i),
                     "192.0.2." + std::to_string(i % 250 + 1),
                     {}});
    }
    for (std::size_t at = 0; at < evs.size(); at += 5000) {
      std::vector<vault::NewEvent> batch(evs.begin() + at,
                                         evs.begin() + std::min(evs.size(), at + 5000));
      EXPECT_OK(vault().record_events(batch));
    }
    consent::Evidence e;
    e.channel = "privacy_center";
    EXPECT_OK(ledger_->give(*id, "prospecting", e));
    clock_.advance(std::chrono::hours(1));
    EXPECT_OK(ledger_->withdraw(*id, "prospecting", e));
    EXPECT_OK(objections_->object(*id, "prospecting", "privacy_center"));
    EXPECT_OK(
        restrictions_->place(*id, consent::RestrictionGround::kAccuracyContested, "email_dpo"));
    return *id;
  }
  // Downloads the archive of `link` and checks the signature and every hash.
  std::map<std::string, std::string> download_and_verify(const ArchiveLink& link) {
    EXPECT_TRUE(link.path.starts_with("/archives/"));
    auto d = archives_->get(link.path.substr(10));
    EXPECT_TRUE(d.ok());
    EXPECT_EQ(d->state, Download::State::kReady);
    auto files = read_zip(d->zip);
    EXPECT_TRUE(files.ok());
    auto& f = *files;
    const std::string& manifest = f["manifest.json"];
    EXPECT_EQ(to_hex(crypto::sha256(view(manifest))), link.manifest_sha256);
    const std::string& sig = f["manifest.sig"];
    EXPECT_EQ(sig.size(), 64u);
    crypto::Signature s{};
    std::copy(sig.begin(), sig.begin() + std::min<std::size_t>(64, sig.size()), s.begin());
    EXPECT_TRUE(crypto::verify(archives_->public_key(), view(manifest), s));
    std::string tampered = manifest;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT_FALSE(crypto::verify(archives_->public_key(), view(tampered), s));
    json m = json::parse(manifest);
    EXPECT_EQ(m["signature"]["public_key_hex"], to_hex(archives_->public_key()));
    EXPECT_EQ(f["signing-key.pem"], public_key_pem(archives_->public_key()));
    std::size_t listed = 0;
    for (const auto& e : m["files"]) {
      const std::string name = e["name"];
      EXPECT_TRUE(f.count(name)) << name;
      EXPECT_EQ(to_hex(crypto::sha256(view(f[name]))), e["sha256"].get<std::string>()) << name;
      EXPECT_EQ(f[name].size(), e["bytes"].get<std::size_t>()) << name;
      ++listed;
    }
    EXPECT_EQ(listed + 3, f.size());  // + manifest, signature, key
    return f;
  }

  crypto::KeyRing ring_;
  std::shared_ptr<const policy::Policy> policy_;
  std::unique_ptr<consent::ConsentLedger> ledger_;
  std::unique_ptr<consent::Objections> objections_;
  std::unique_ptr<consent::Restrictions> restrictions_;
  std::unique_ptr<ArchiveStore> archives_;
  std::unique_ptr<Archiver> archiver_;
};

TEST_P(ArchiveTest, AccessArchiveIsSignedAndHoldsEverything) {
  const std::string id = subject_with_history();
  ASSERT_OK_AND_ASSIGN(auto link, archiver_->make({id, "fr", false, "dsr_1"}));
  EXPECT_EQ(link.path.find(id), std::string::npos);  // no personal data in the URL
  EXPECT_EQ(link.expires_at, clock_.now() + std::chrono::hours(24));
  auto f = download_and_verify(link);

  json data = json::parse(f["data.json"]);
  EXPECT_EQ(data["subject_id"], id);
  EXPECT_EQ(data["kind"], "access");
  EXPECT_EQ(data["values"].size(), 6u);
  bool email = false;
  for (const auto& v : data["values"]) email = email || v["value"] == "jean.dupont@example.fr";
  EXPECT_TRUE(email);
  EXPECT_EQ(data["events"].size(), 3u);
  ASSERT_EQ(data["consents"].size(), 2u);
  EXPECT_EQ(data["consents"][0]["kind"], "given");
  EXPECT_EQ(data["consents"][1]["kind"], "withdrawn");
  EXPECT_EQ(data["objections"].size(), 1u);
  EXPECT_EQ(data["restrictions"].size(), 1u);
  EXPECT_EQ(data["restrictions"][0]["ground"], "accuracy_contested");

  EXPECT_TRUE(f["csv/values.csv"].starts_with("field,category,value,source,collected_at"));
  EXPECT_NE(f["csv/values.csv"].find("\"1 rue de la Paix\n75002 Paris\""), std::string::npos);
  EXPECT_EQ(std::count(f["csv/events.csv"].begin(), f["csv/events.csv"].end(), '\n'), 4);
  EXPECT_NE(f["csv/consents.csv"].find(",withdrawn,"), std::string::npos);

  const std::string& html = f["report.html"];
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("Vos données personnelles"), std::string::npos);
  EXPECT_NE(html.find("Dupont"), std::string::npos);
  EXPECT_NE(html.find("https://www.cnil.fr/fr/plaintes/"), std::string::npos);
  EXPECT_NE(html.find(policy_->controller.dpo_email), std::string::npos);
  EXPECT_NE(html.find("Réaliser des opérations de sollicitation"), std::string::npos);  // purpose
  for (const auto& r : policy_->rights.list) {
    EXPECT_NE(html.find(escaped(r.label.in("fr"))), std::string::npos) << r.id;
  }
  EXPECT_NE(html.find("Historique de vos consentements"), std::string::npos);
  EXPECT_NE(html.find("Conservation"), std::string::npos);
}

TEST_P(ArchiveTest, EnglishPortabilityArchiveHoldsOnlyTheSubjectsData) {
  const std::string id = subject_with_history();
  ASSERT_OK_AND_ASSIGN(auto link, archiver_->make({id, "en", true, ""}));
  auto f = download_and_verify(link);
  json data = json::parse(f["data.json"]);
  EXPECT_EQ(data["kind"], "portability");
  EXPECT_EQ(data["values"].size(), 6u);
  EXPECT_FALSE(data.contains("consents"));
  EXPECT_FALSE(data.contains("access_history"));
  EXPECT_FALSE(f.count("csv/consents.csv"));
  EXPECT_NE(f["report.html"].find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(f["report.html"].find("Your personal data (portability)"), std::string::npos);
  EXPECT_EQ(f["report.html"].find("History of your consents"), std::string::npos);
}

TEST_P(ArchiveTest, HtmlEscapesTheData) {
  auto s = customer();
  s.fields[0].value = "<script>alert(1)</script>";
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(s));
  ASSERT_OK_AND_ASSIGN(auto link, archiver_->make({id, "en", false, ""}));
  auto f = download_and_verify(link);
  EXPECT_EQ(f["report.html"].find("<script>"), std::string::npos);
  EXPECT_NE(f["report.html"].find("&lt;script&gt;"), std::string::npos);
}

TEST_P(ArchiveTest, LinksExpireAndArePurged) {
  const std::string id = subject_with_history(1);
  ASSERT_OK_AND_ASSIGN(auto link, archiver_->make({id, "fr", false, ""}));
  const std::string token = link.path.substr(10);
  ASSERT_OK_AND_ASSIGN(auto unknown, archives_->get("x"));
  EXPECT_EQ(unknown.state, Download::State::kUnknown);
  std::string other = token;
  other[0] = other[0] == 'A' ? 'B' : 'A';
  ASSERT_OK_AND_ASSIGN(unknown, archives_->get(other));
  EXPECT_EQ(unknown.state, Download::State::kUnknown);
  // The token is not stored: only its digest.
  EXPECT_EQ(count("SELECT COUNT(*) FROM archive_files WHERE token_sha256 = '" + token + "'"), 0);
  clock_.advance(std::chrono::hours(23));
  ASSERT_OK_AND_ASSIGN(auto d, archives_->get(token));
  EXPECT_EQ(d.state, Download::State::kReady);
  clock_.advance(std::chrono::hours(1));
  ASSERT_OK_AND_ASSIGN(d, archives_->get(token));
  EXPECT_EQ(d.state, Download::State::kExpired);
  EXPECT_TRUE(d.zip.empty());
  ASSERT_OK_AND_ASSIGN(auto n, archives_->purge_expired());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM archive_files WHERE zip IS NOT NULL"), 0);
  ASSERT_OK_AND_ASSIGN(d, archives_->get(token));
  EXPECT_EQ(d.state, Download::State::kExpired);  // still "expired", not "unknown"
  clock_.advance(std::chrono::hours(49));
  ASSERT_OK(archives_->purge_expired());
  ASSERT_OK_AND_ASSIGN(d, archives_->get(token));
  EXPECT_EQ(d.state, Download::State::kUnknown);
}

TEST_P(ArchiveTest, TheSigningKeySurvivesARestart) {
  const auto key = archives_->public_key();
  open_store();
  EXPECT_EQ(archives_->public_key(), key);
}

TEST_P(ArchiveTest, UnknownOrErasedSubjectsAreNotFound) {
  EXPECT_ERRC(archiver_->make({"sub_00000000000000000000000000", "fr", false, ""}),
              Errc::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto id, vault().create_subject(customer()));
  vault::ErasureRequest er;
  er.subject_id = id;
  ASSERT_OK(vault().erase(er));
  ASSERT_OK_AND_ASSIGN(auto info, vault().subject(id));
  if (info.status == vault::SubjectStatus::kErased) {
    EXPECT_ERRC(archiver_->make({id, "fr", false, ""}), Errc::kNotFound);
  }
  EXPECT_ERRC(archiver_->make({id, "de", false, ""}), Errc::kInvalidArgument);
}

TEST_P(ArchiveTest, ASubjectWithTenThousandEvents) {
  const std::string id = subject_with_history(10000);
  ASSERT_OK_AND_ASSIGN(auto link, archiver_->make({id, "en", false, ""}));
  auto f = download_and_verify(link);
  json data = json::parse(f["data.json"]);
  EXPECT_EQ(data["events"].size(), 10000u);
  EXPECT_EQ(std::count(f["csv/events.csv"].begin(), f["csv/events.csv"].end(), '\n'), 10001);
  EXPECT_NE(f["report.html"].find("<td>10000</td>"), std::string::npos);  // summarised
}

TEST_P(ArchiveTest, EraseSubjectDeletesItsArchives) {
  const std::string id = subject_with_history(1);
  ASSERT_OK_AND_ASSIGN(auto link, archiver_->make({id, "fr", false, ""}));
  ASSERT_OK(archives_->erase_subject(id));
  ASSERT_OK_AND_ASSIGN(auto d, archives_->get(link.path.substr(10)));
  EXPECT_EQ(d.state, Download::State::kUnknown);
}

INSTANTIATE_TEST_SUITE_P(Backends, ArchiveTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         vault::testing::backend_label);

TEST(Zip, RoundTrip) {
  std::vector<ArchiveFile> files = {{"a.txt", "hello"}, {"dir/b.bin", std::string("\0\1\2", 3)}};
  ASSERT_OK_AND_ASSIGN(auto zip, make_zip(files, Timestamp(std::chrono::seconds(1700000000))));
  EXPECT_TRUE(zip.starts_with("PK"));
  ASSERT_OK_AND_ASSIGN(auto back, read_zip(zip));
  EXPECT_EQ(back.size(), 2u);
  EXPECT_EQ(back["a.txt"], "hello");
  EXPECT_EQ(back["dir/b.bin"], std::string("\0\1\2", 3));
  EXPECT_ERRC(read_zip("not a zip"), Errc::kInvalidArgument);
}

}  // namespace
}  // namespace charter::archive
