// `charter backup` / `charter restore` as the real binary (docs/RELIABILITY.md): a restored
// backup never brings an erased subject back (the erasure journal is re-applied), the rest is
// intact, the audit log verifies; a damaged archive or a wrong master key is refused with a clear
// error and nothing is overwritten. PostgreSQL: pg_dump / pg_restore of the schema, then
// `charter restore --replay-erasures`.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cli/shell_test_util.h"
#include "store/testing.h"

namespace {

using charter::cli::testing::first_line;
using charter::cli::testing::Output;
using charter::cli::testing::sh;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string kKey = "CHARTER_MASTER_KEY=" + std::string(64, '7');

class BackupCli : public ::testing::TestWithParam<charter::store::Backend> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/charter-backup-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    data_ = dir_ + "/data";
    store_args_ = "--data " + data_;
    if (GetParam() == charter::store::Backend::kPostgres) {
      auto ts = charter::store::TestStore::make(charter::store::Backend::kPostgres);
      if (!ts.ok()) {
        if (!charter::store::pg_required()) GTEST_SKIP() << "CHARTER_TEST_PG_URL is not set";
        FAIL() << ts.error().to_string();
      }
      ts_ = std::move(ts).value();
      store_args_ += " --database '" + ts_->target() + "'";
    }
  }
  void TearDown() override {
    ts_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Output charter(const std::string& args, const std::string& env = kKey) {
    return sh("env " + env + " " + CHARTER_BINARY + " " + args + " " + store_args_ + " --policy " +
              kPolicy);
  }
  std::string add(const std::string& email) {
    auto r = charter("subject add --purpose prospecting --field email=" + email);
    EXPECT_EQ(r.code, 0) << r.out;
    return first_line(r.out);
  }
  bool findable(const std::string& email) {
    return charter("subject find --email " + email).code == 0;
  }

  const std::string kPolicy = std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml";
  std::string dir_, data_, store_args_;
  std::unique_ptr<charter::store::TestStore> ts_;
};

TEST_P(BackupCli, RestoreNeverBringsBackAnErasedSubject) {
  ASSERT_EQ(charter("keys init").code, 0);
  const std::string a = add("anne@example.com");
  const std::string b = add("bob@example.com");
  const std::string archive = dir_ + "/before-erasure.chbk";
  std::string dump;
  if (GetParam() == charter::store::Backend::kSqlite) {
    auto r = charter("backup --out " + archive);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("charter.db"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("master.key"), std::string::npos) << r.out;
    // Sealed: no value, e-mail or subject id in clear in the archive.
    const std::string bytes = slurp(archive);
    EXPECT_EQ(bytes.find("anne@example.com"), std::string::npos);
    EXPECT_EQ(bytes.find(a), std::string::npos);
    EXPECT_EQ(bytes.find("CREATE TABLE"), std::string::npos);
  } else {
    // The documented PostgreSQL procedure (docs/RELIABILITY.md): pg_dump of the schema.
    dump = dir_ + "/before-erasure.pgdump";
    const std::string url = ts_->target();
    const std::string schema = url.substr(url.find("search_path%3D") + 14);
    auto r = sh("pg_dump -Fc -n " + schema + " -d '" + url + "' -f " + dump);
    ASSERT_EQ(r.code, 0) << r.out;
  }

  auto r = charter("subject erase " + a);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(findable("anne@example.com"));
  const std::string journal = slurp(data_ + "/erasures.journal");
  EXPECT_NE(journal.find(a), std::string::npos) << journal;
  EXPECT_EQ(journal.find("anne"), std::string::npos);  // ids only, never a value

  if (GetParam() == charter::store::Backend::kSqlite) {
    r = charter("restore --in " + archive);
  } else {
    const std::string url = ts_->target();
    const std::string schema = url.substr(url.find("search_path%3D") + 14);
    r = sh("psql -q -d '" + url + "' -c 'DROP SCHEMA " + schema + " CASCADE'");
    ASSERT_EQ(r.code, 0) << r.out;
    r = sh("pg_restore --no-owner -d '" + url + "' " + dump);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_TRUE(findable("anne@example.com"));  // the dump alone brings her back...
    r = charter("restore --replay-erasures");   // ...the journal erases her again
  }
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("1 erasure(s) re-applied"), std::string::npos) << r.out;
  EXPECT_FALSE(findable("anne@example.com"));
  EXPECT_TRUE(findable("bob@example.com"));
  r = charter("subject show " + b);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("bob@example.com"), std::string::npos) << r.out;
  r = charter("audit verify");
  EXPECT_EQ(r.code, 0) << r.out;
  // Restoring twice changes nothing more.
  if (GetParam() == charter::store::Backend::kSqlite) {
    r = charter("restore --in " + archive);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_FALSE(findable("anne@example.com"));
    EXPECT_TRUE(findable("bob@example.com"));
  }
}

TEST_P(BackupCli, DamagedArchiveOrWrongKeyIsRefusedAndNothingIsOverwritten) {
  if (GetParam() == charter::store::Backend::kPostgres) GTEST_SKIP() << "SQLite archives only";
  ASSERT_EQ(charter("keys init").code, 0);
  add("carl@example.com");
  const std::string archive = dir_ + "/a.chbk";
  ASSERT_EQ(charter("backup --out " + archive).code, 0);
  add("dana@example.com");  // after the backup: must survive refused restores
  const std::string before = slurp(data_ + "/charter.db");

  // One flipped bit in the middle.
  std::string bytes = slurp(archive);
  ASSERT_GT(bytes.size(), 2000u);
  bytes[bytes.size() / 2] ^= 0x10;
  const std::string damaged = dir_ + "/damaged.chbk";
  std::ofstream(damaged, std::ios::binary) << bytes;
  auto r = charter("restore --in " + damaged);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("damaged or was not made with this master key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing was restored"), std::string::npos) << r.out;

  // Truncated: the final chunk is missing.
  const std::string cut = dir_ + "/cut.chbk";
  std::ofstream(cut, std::ios::binary) << slurp(archive).substr(0, bytes.size() - 100);
  r = charter("restore --in " + cut);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("damaged"), std::string::npos) << r.out;

  // Another master key.
  r = charter("restore --in " + archive, "CHARTER_MASTER_KEY=" + std::string(64, '8'));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("damaged or was not made with this master key"), std::string::npos) << r.out;

  // Not an archive at all.
  const std::string junk = dir_ + "/junk.chbk";
  std::ofstream(junk) << "hello";
  r = charter("restore --in " + junk);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("not a Charter backup archive"), std::string::npos) << r.out;

  EXPECT_EQ(slurp(data_ + "/charter.db"), before);
  EXPECT_TRUE(findable("dana@example.com"));
  // No temporary folder left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().rfind(".charter-backup", 0), std::string::npos);
  }
  // An existing archive is never overwritten.
  r = charter("backup --out " + archive);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("exists already"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupCli,
                         ::testing::Values(charter::store::Backend::kSqlite,
                                           charter::store::Backend::kPostgres),
                         [](const auto& info) {
                           return std::string(charter::store::backend_name(info.param));
                         });

}  // namespace
