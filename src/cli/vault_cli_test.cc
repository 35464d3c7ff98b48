// End to end: `charter keys` and `charter subject` run as the real binary, on SQLite (a data
// folder) and on PostgreSQL (a private schema of CHARTER_TEST_PG_URL).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/shell_test_util.h"
#include "store/testing.h"

namespace {

using charter::cli::testing::first_line;
using charter::cli::testing::Output;
using charter::cli::testing::sh;

class VaultCli : public ::testing::TestWithParam<charter::store::Backend> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/charter-cli-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    data_ = dir_ + "/data";
    if (GetParam() == charter::store::Backend::kPostgres) {
      auto ts = charter::store::TestStore::make(charter::store::Backend::kPostgres);
      if (!ts.ok()) {
        if (!charter::store::pg_required()) GTEST_SKIP() << "CHARTER_TEST_PG_URL is not set";
        FAIL() << ts.error().to_string();
      }
      ts_ = std::move(ts).value();
      store_args_ = "--data " + data_ + " --database '" + ts_->target() + "'";
    } else {
      store_args_ = "--data " + data_;
    }
  }
  void TearDown() override {
    ts_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Runs `charter <args>` with the store options, without CHARTER_MASTER_KEY unless given.
  Output charter(const std::string& args, const std::string& env = "env -u CHARTER_MASTER_KEY") {
    return sh(env + " " + CHARTER_BINARY + " " + args + " " + store_args_ + " --policy " + kPolicy);
  }
  Output keys(const std::string& args, const std::string& env = "env -u CHARTER_MASTER_KEY") {
    return sh(env + " " + CHARTER_BINARY + " keys " + args + " " + store_args_ + " --policy " +
              kPolicy);
  }

  const std::string kPolicy = std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml";
  std::string dir_, data_, store_args_;
  std::unique_ptr<charter::store::TestStore> ts_;
};

TEST_P(VaultCli, KeysInitCreatesAPrivateKeyFileOnce) {
  auto r = keys("init");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("master key: " + data_ + "/keys/master.key, mode 0600"), std::string::npos)
      << r.out;
  struct stat st {};
  ASSERT_EQ(::stat((data_ + "/keys/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(data_ + "/keys/master.key");
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(key.size(), 65u);
  // Never overwritten, never initialised twice.
  r = keys("init");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("already-exists"), std::string::npos) << r.out;
  std::ifstream again(data_ + "/keys/master.key");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()),
            key);
  EXPECT_EQ(r.out.find(key.substr(0, 16)), std::string::npos);  // the key is never printed
}

TEST_P(VaultCli, KeysInitAtKeyFileRefusesAnExistingFile) {
  const std::string path = dir_ + "/elsewhere.key";
  std::ofstream(path) << std::string(64, 'a') << "\n";
  auto r = keys("init --key-file " + path);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("already-exists"), std::string::npos) << r.out;
  // Nothing was initialised: a later init elsewhere works.
  std::filesystem::remove(path);
  r = keys("init --key-file " + path);
  ASSERT_EQ(r.code, 0) << r.out;
  r = charter("subject add --purpose prospecting --field email=a@example.com --key-file " + path);
  EXPECT_EQ(r.code, 0) << r.out;
  // Without the key file the vault does not open, and says where it looked.
  r = charter("subject add --purpose prospecting --field email=b@example.com");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(data_ + "/keys/master.key"), std::string::npos) << r.out;
}

TEST_P(VaultCli, MasterKeyFromTheEnvironment) {
  const std::string env = "CHARTER_MASTER_KEY=" + std::string(64, '7');
  auto r = keys("init", env);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("environment variable CHARTER_MASTER_KEY"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(data_ + "/keys/master.key"));
  r = charter("subject add --purpose prospecting --field email=env@example.com", env);
  EXPECT_EQ(r.code, 0) << r.out;
  r = charter("subject find --email env@example.com", "CHARTER_MASTER_KEY=" + std::string(64, '8'));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("is not master key version 1 of this store"), std::string::npos) << r.out;
}

TEST_P(VaultCli, SubjectLifecycle) {
  ASSERT_EQ(keys("init").code, 0);
  auto r = charter(
      "subject add --purpose commercial_relationship --purpose prospecting --relationship customer "
      "--contract-start 2025-01-15 --field last_name=Dupont --field first_name=Jean "
      "--field 'postal_address=1 rue de la Paix' --field 'phone=06 12 34 56 78' "
      "--field 'email= Jean.Dupont@Example.FR '");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string id = first_line(r.out);
  ASSERT_EQ(id.size(), 30u) << r.out;

  r = charter("subject find --email JEAN.DUPONT@example.fr");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(first_line(r.out), id);
  r = charter("subject find --phone '+33 6 12 34 56 78'");
  EXPECT_EQ(first_line(r.out), id);
  r = charter("subject find --field phone=0612345678");
  EXPECT_EQ(first_line(r.out), id);
  r = charter("subject find --email nobody@example.com");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out.find("nobody"), std::string::npos);

  r = charter("subject show " + id);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("relationship: customer"), std::string::npos);
  EXPECT_NE(r.out.find("jean.dupont@example.fr"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+33612345678"), std::string::npos);
  EXPECT_NE(r.out.find("contract: 2025-01-15T00:00:00.000000Z"), std::string::npos);

  r = charter("subject rectify " + id + " --field 'email=jean@dupont.example'");
  EXPECT_EQ(r.code, 0) << r.out;
  r = charter("subject show " + id);
  EXPECT_NE(r.out.find("jean@dupont.example"), std::string::npos);
  EXPECT_EQ(r.out.find("jean.dupont@example.fr"), std::string::npos);
  EXPECT_EQ(charter("subject find --email jean.dupont@example.fr").code, 1);

  r = charter("subject event " + id +
              " --field order --payload '{\"order\": \"A-1\"}' --at 2026-01-10");
  EXPECT_EQ(r.code, 0) << r.out;
  r = charter("subject show " + id + " --events");
  EXPECT_NE(r.out.find("2026-01-10T00:00:00.000000Z order [transactions, provided]"),
            std::string::npos)
      << r.out;

  r = keys("rotate --batch 1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("key epoch 2 is current"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("destroyed epoch(s): 1"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(data_ + "/keys/epoch-1.m1.key"));

  // Erasure: a customer with a recent order: accounting keeps contact and transactions.
  r = charter("subject erase " + id);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("kept: contact"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("held by legal_obligations (legal_obligation): "
                       "until:transaction_date+P10Y, until 2036-01-10"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("status: restricted"), std::string::npos);
  // A prospect is erased entirely.
  r = charter("subject add --purpose prospecting --field email=gone@example.com");
  const std::string p = first_line(r.out);
  r = charter("subject erase " + p + " --lang fr");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("destroyed: contact (1 key(s), 1 value(s), 0 event(s))"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("status: erased"), std::string::npos);
  EXPECT_EQ(charter("subject find --email gone@example.com").code, 1);
  r = charter("subject show " + p);
  EXPECT_NE(r.out.find("status: erased"), std::string::npos);
  EXPECT_NE(r.out.find("(none)"), std::string::npos);
  r = charter("subject erase " + p);
  EXPECT_EQ(r.code, 1);
}

TEST_P(VaultCli, ErrorsAreClearAndCarryNoPersonalData) {
  ASSERT_EQ(keys("init").code, 0);
  auto r = charter("subject add --purpose prospecting --field first_name=Secretia");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("field \"email\": required for purpose \"prospecting\" and missing"),
            std::string::npos);
  EXPECT_NE(r.out.find("[fr] Sans adresse e-mail"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Secretia"), std::string::npos);
  r = charter("subject add --purpose prospecting --field email=secretia-at-example.org");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.find("secretia"), std::string::npos) << r.out;
  r = charter(
      "subject add --purpose prospecting --field 'shoe_size=secret 44' --field "
      "email=s@example.org");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("field \"shoe_size\": not declared in the policy"), std::string::npos);
  EXPECT_EQ(r.out.find("secret 44"), std::string::npos);
  r = charter("subject add --purpose prospecting --field secretvalue");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.find("secretvalue"), std::string::npos) << r.out;
  r = charter("subject find --phone 'secret 12'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.find("secret"), std::string::npos) << r.out;
  r = charter("subject show not-an-id");
  EXPECT_EQ(r.code, 2);
  r = charter("subject show sub_0000000000000000000000000z");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not-found"), std::string::npos);
  EXPECT_EQ(charter("subject").code, 2);
  EXPECT_EQ(charter("subject add --help").code, 0);
  EXPECT_EQ(sh(std::string(CHARTER_BINARY) + " keys --help").code, 0);
}

TEST_P(VaultCli, MasterRotationReplacesTheDefaultKeyFile) {
  ASSERT_EQ(keys("init").code, 0);
  auto r = charter("subject add --purpose prospecting --field email=kept@example.com");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string id = first_line(r.out);
  std::ifstream in(data_ + "/keys/master.key");
  std::string before((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  r = keys("rotate --master");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("master key version 2"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(data_ + "/keys/epoch-1.m2.key"));
  EXPECT_FALSE(std::filesystem::exists(data_ + "/keys/epoch-1.m1.key"));
  std::ifstream after_in(data_ + "/keys/master.key");
  std::string after((std::istreambuf_iterator<char>(after_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after.size(), 65u);
  EXPECT_NE(after, before);
  r = charter("subject find --email kept@example.com");
  EXPECT_EQ(first_line(r.out), id) << r.out;
  // With an explicit new file.
  r = keys("rotate --master --new-key-file " + dir_ + "/v3.key");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("--key-file " + dir_ + "/v3.key"), std::string::npos) << r.out;
  r = charter("subject find --email kept@example.com --key-file " + dir_ + "/v3.key");
  EXPECT_EQ(first_line(r.out), id) << r.out;
  EXPECT_EQ(keys("rotate --new-key-file x").code, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, VaultCli,
                         ::testing::Values(charter::store::Backend::kSqlite,
                                           charter::store::Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == charter::store::Backend::kSqlite ? "Sqlite"
                                                                                 : "Postgres";
                         });

}  // namespace

// Every change made through the CLI is in the audit log (docs/AUDIT.md), under a pseudonym, and
// the log verifies: <data>/audit.db on SQLite, the same database on PostgreSQL.
namespace {
class VaultCliAudit : public VaultCli {};
}  // namespace

TEST_P(VaultCliAudit, SubjectAddThenAuditVerifyPasses) {
  ASSERT_EQ(keys("init").code, 0);
  auto r = charter("subject add --purpose prospecting --field email=audited@example.com");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string id = first_line(r.out);
  ASSERT_EQ(id.rfind("sub_", 0), 0u) << r.out;
  if (GetParam() == charter::store::Backend::kSqlite) {
    EXPECT_TRUE(std::filesystem::exists(data_ + "/audit.db"));
  }
  auto v = charter("audit verify");
  ASSERT_EQ(v.code, 0) << v.out;
  // keys.initialized, subject.created
  EXPECT_NE(v.out.find("audit log verified: 2 entries"), std::string::npos) << v.out;
  auto head = charter("audit head");
  ASSERT_EQ(head.code, 0) << head.out;
  EXPECT_NE(head.out.find("\"tree_size\":2"), std::string::npos) << head.out;
  // The subject id and the e-mail address are nowhere in the log's database.
  if (GetParam() == charter::store::Backend::kSqlite) {
    std::ifstream in(data_ + "/audit.db", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(id), std::string::npos);
    EXPECT_EQ(bytes.find("audited@example.com"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, VaultCliAudit,
                         ::testing::Values(charter::store::Backend::kSqlite,
                                           charter::store::Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == charter::store::Backend::kSqlite ? "Sqlite"
                                                                                 : "Postgres";
                         });
