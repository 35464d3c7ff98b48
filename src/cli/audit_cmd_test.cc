// `charter audit ...` end to end: a real log written by the library into a SQLite data folder,
// (<data>/audit.db), then verified, tampered with, proven and checked through the binary; and a
// log written by the binary itself (`charter subject add`) verified by `charter audit verify`.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "audit/appender.h"
#include "audit/db_log_store.h"
#include "audit/signing_key_file.h"
#include "audit/test_support.h"
#include "store/open.h"

namespace charter {
namespace {

struct Run {
  int code;
  std::string out;
};

Run run(const std::string& args) {
  std::string cmd = std::string(CHARTER_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/audit-cli-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    write_entries(0, 3000);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write_entries(int from, int to) {
    SystemRandom rnd;
    auto key = audit::load_or_create_signing_key(dir_ + "/keys", rnd);
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto db = store::open_audit_store(dir_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto log = audit::DbLogStore::open(**db, clock_);
    ASSERT_TRUE(log.ok());
    auto app = audit::Appender::open(**log, std::move(*key), clock_);
    ASSERT_TRUE(app.ok()) << app.error().message;
    for (int i = from; i < to; ++i) {
      clock_.advance(std::chrono::milliseconds(1));
      (*app)->submit(audit::testing::sample_event(i));
    }
    (*app)->flush();
    ASSERT_TRUE((*app)->close().ok());
  }

  void sql(const std::string& statement) {
    auto db = store::open_audit_store(dir_);
    ASSERT_TRUE(db.ok());
    auto tx = (*db)->write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(tx->exec_script(statement).ok());
    ASSERT_TRUE(tx->commit().ok());
  }

  std::string save(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  ManualClock clock_{*parse_timestamp("2026-01-01T00:00:00Z")};
  std::string dir_;
};

TEST_F(AuditCli, VerifiesAnIntactLog) {
  auto r = run("audit verify --data " + dir_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("audit log verified: 3000 entries"), std::string::npos) << r.out;
  auto pub = run("audit public-key --data " + dir_);
  EXPECT_EQ(pub.code, 0);
  EXPECT_EQ(pub.out.size(), 65u);
  EXPECT_NE(run("audit public-key --pem --data " + dir_).out.find("BEGIN PUBLIC KEY"),
            std::string::npos);
}

TEST_F(AuditCli, NamesTheFirstChangedEntry) {
  sql("DROP TRIGGER audit_entries_no_update;"
      "UPDATE audit_entries SET entry = CAST(entry || X'00' AS BLOB) WHERE seq = 1234;");
  auto r = run("audit verify --data " + dir_);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("NOT verified: entry 1234"), std::string::npos) << r.out;
}

TEST_F(AuditCli, DetectsTruncationAgainstATrustedHead) {
  auto head = run("audit head --data " + dir_);
  ASSERT_EQ(head.code, 0) << head.out;
  std::string head_file = save("head.json", head.out);
  sql("DROP TRIGGER audit_entries_no_delete; DROP TRIGGER audit_heads_no_delete;"
      "DELETE FROM audit_entries WHERE seq >= 2990; DELETE FROM audit_heads WHERE tree_size > "
      "2990;");
  auto r = run("audit verify --data " + dir_ + " --trusted-head " + head_file);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("truncated"), std::string::npos) << r.out;
}

TEST_F(AuditCli, ProvesAndChecksInclusionAndConsistency) {
  std::string old_head = save("old.json", run("audit head --data " + dir_).out);
  write_entries(3000, 4000);
  std::string new_head = save("new.json", run("audit head --data " + dir_).out);

  auto proof = run("audit prove inclusion --index 42 --data " + dir_);
  ASSERT_EQ(proof.code, 0) << proof.out;
  auto leaf_pos = proof.out.find("\"leaf_hash\":\"");
  ASSERT_NE(leaf_pos, std::string::npos);
  std::string leaf = proof.out.substr(leaf_pos + 13, 64);
  std::string proof_file = save("inclusion.json", proof.out);
  auto ok = run("audit check inclusion --data " + dir_ + " --proof " + proof_file +
                " --leaf-hash " + leaf + " --head " + new_head);
  EXPECT_EQ(ok.code, 0) << ok.out;
  std::string other_leaf = leaf;
  other_leaf[0] = other_leaf[0] == '0' ? '1' : '0';
  auto bad = run("audit check inclusion --data " + dir_ + " --proof " + proof_file +
                 " --leaf-hash " + other_leaf + " --head " + new_head);
  EXPECT_EQ(bad.code, 1) << bad.out;

  auto cons = run("audit prove consistency --from 3000 --data " + dir_);
  ASSERT_EQ(cons.code, 0) << cons.out;
  std::string cons_file = save("consistency.json", cons.out);
  auto cok = run("audit check consistency --data " + dir_ + " --proof " + cons_file +
                 " --old-head " + old_head + " --new-head " + new_head);
  EXPECT_EQ(cok.code, 0) << cok.out;
  auto swapped = run("audit check consistency --data " + dir_ + " --proof " + cons_file +
                     " --old-head " + new_head + " --new-head " + old_head);
  EXPECT_EQ(swapped.code, 1) << swapped.out;
}

TEST_F(AuditCli, RefusesAMissingStoreAndABadHead) {
  EXPECT_EQ(
      run("audit verify --data " + dir_ + "/nowhere --public-key " + dir_ + "/keys/audit.pub").code,
      1);
  std::string bad = save("bad-head.json", "{\"tree_size\": 1}");
  EXPECT_EQ(run("audit verify --data " + dir_ + " --trusted-head " + bad).code, 2);
}

}  // namespace
}  // namespace charter
