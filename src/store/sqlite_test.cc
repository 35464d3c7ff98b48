// SQLite-specific guarantees: file modes, pragmas, WAL checkpoint, deleted bytes gone from the
// files, crash durability, and the single-writer rule.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "store/open.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::store {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::uintmax_t file_size_or_zero(const std::string& path) {
  std::error_code ec;
  auto n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(ts_, TestStore::make(Backend::kSqlite));
    db_ = ts_->target() + "/charter.db";
  }
  void exec(const std::string& sql, std::initializer_list<Param> params = {}) {
    ASSERT_OK_AND_ASSIGN(Transaction tx, ts_->store().write());
    ASSERT_OK(tx.exec(sql, params));
    ASSERT_OK(tx.commit());
  }
  bool files_contain(const std::string& marker) {
    for (const char* suffix : {"", "-wal"}) {
      if (read_file(db_ + suffix).find(marker) != std::string::npos) return true;
    }
    return false;
  }

  std::unique_ptr<TestStore> ts_;
  std::string db_;
};

TEST_F(SqliteStoreTest, FilesArePrivate) {
  exec("CREATE TABLE t (x TEXT)");
  struct stat st {};
  ASSERT_EQ(::stat(ts_->target().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(db_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((db_ + "-wal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SqliteStoreTest, PragmasAreSet) {
  for (TxMode mode : {TxMode::kWrite, TxMode::kRead}) {
    ASSERT_OK_AND_ASSIGN(Transaction tx, ts_->store().begin(mode));
    auto pragma = [&](const char* sql) -> Value {
      auto row = tx.query_one(sql);
      return row.ok() && *row ? (**row)[0] : Value("error");
    };
    EXPECT_EQ(pragma("PRAGMA journal_mode"), Value("wal"));
    EXPECT_EQ(pragma("PRAGMA secure_delete"), Value(1));
    EXPECT_EQ(pragma("PRAGMA foreign_keys"), Value(1));
    EXPECT_EQ(pragma("PRAGMA synchronous"), Value(2));  // FULL
    EXPECT_EQ(pragma("PRAGMA temp_store"), Value(2));   // MEMORY
  }
}

TEST_F(SqliteStoreTest, ProcessCrashDurabilityUsesNormalSync) {
  StoreOptions options;
  options.durability = Durability::kProcessCrash;
  ASSERT_OK_AND_ASSIGN(auto ts, TestStore::make(Backend::kSqlite, options));
  ASSERT_OK_AND_ASSIGN(Transaction tx, ts->store().read());
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("PRAGMA synchronous"));
  EXPECT_EQ((*row)[0], Value(1));  // NORMAL
}

TEST_F(SqliteStoreTest, CheckpointLeavesTheWalEmpty) {
  exec("CREATE TABLE t (x BLOB)");
  for (int i = 0; i < 20; ++i) exec("INSERT INTO t VALUES (randomblob(10000))");
  EXPECT_GT(file_size_or_zero(db_ + "-wal"), 0u);
  ASSERT_OK(ts_->store().checkpoint());
  EXPECT_EQ(file_size_or_zero(db_ + "-wal"), 0u);
}

TEST_F(SqliteStoreTest, CheckpointWaitsForReadersThenReportsBusy) {
  StoreOptions options;
  options.busy_timeout = std::chrono::milliseconds(200);
  ASSERT_OK_AND_ASSIGN(auto ts, TestStore::make(Backend::kSqlite, options));
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, ts->store().write());
    ASSERT_OK(tx.exec("CREATE TABLE t (x INTEGER)"));
    ASSERT_OK(tx.commit());
  }
  ASSERT_OK_AND_ASSIGN(Transaction reader, ts->store().read());
  ASSERT_OK(reader.query_one("SELECT COUNT(*) FROM t"));  // holds a snapshot
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, ts->store().write());
    ASSERT_OK(tx.exec("INSERT INTO t VALUES (1)"));
    ASSERT_OK(tx.commit());
  }
  EXPECT_ERRC(ts->store().checkpoint(), Errc::kUnavailable);
  reader.rollback();
  EXPECT_OK(ts->store().checkpoint());
}

// The erasure guarantee on SQLite: after delete + scrub, no byte of the deleted row remains in
// charter.db or charter.db-wal — for small rows, large (overflow) blobs and indexed values.
TEST_F(SqliteStoreTest, DeletedBytesAreGoneAfterScrub) {
  exec(
      "CREATE TABLE fields (subject_id TEXT NOT NULL, field TEXT NOT NULL, value BLOB,"
      " PRIMARY KEY (subject_id, field));"
      "CREATE INDEX fields_value ON fields (value)");
  const std::string kept = "KEPT-MARKER-6f1e";
  const std::string small = "ERASED-MARKER-small-9b27c";
  const std::string indexed = "ERASED-MARKER-indexed-51aa";
  std::string large(300000, 'z');
  const std::string large_marker = "ERASED-MARKER-large-d3c0";
  for (std::size_t at : {std::size_t{0}, std::size_t{150000}, large.size() - 64}) {
    large.replace(at, large_marker.size(), large_marker);
  }
  auto as_blob = [](const std::string& s) {
    return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()),
                 reinterpret_cast<const std::uint8_t*>(s.data()) + s.size());
  };
  exec("INSERT INTO fields VALUES (?, ?, ?)", {"sub_keep", "email", as_blob(kept)});
  exec("INSERT INTO fields VALUES (?, ?, ?)", {"sub_gone", "email", as_blob(small)});
  exec("INSERT INTO fields VALUES (?, ?, ?)", {"sub_gone", "phone", as_blob(indexed)});
  exec("INSERT INTO fields VALUES (?, ?, ?)", {"sub_gone", "notes", as_blob(large)});
  // Part of the data reaches the main file, part stays in the WAL.
  ASSERT_OK(ts_->store().checkpoint());
  exec("UPDATE fields SET value = ? WHERE subject_id = ? AND field = ?",
       {as_blob(small + "-v2"), "sub_gone", "email"});
  ASSERT_TRUE(files_contain(small));
  ASSERT_TRUE(files_contain(large_marker));
  ASSERT_TRUE(files_contain(indexed));

  exec("DELETE FROM fields WHERE subject_id = ?", {"sub_gone"});
  const std::string_view tables[] = {"fields"};
  ASSERT_OK(ts_->store().scrub(tables));

  EXPECT_FALSE(files_contain(small));
  EXPECT_FALSE(files_contain("ERASED-MARKER"));
  EXPECT_FALSE(files_contain("sub_gone"));
  EXPECT_TRUE(files_contain(kept));
  // The data is still usable afterwards.
  ASSERT_OK_AND_ASSIGN(Transaction tx, ts_->store().read());
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT COUNT(*) FROM fields"));
  EXPECT_EQ((*row)[0], Value(1));
}

TEST_F(SqliteStoreTest, CommittedWritesSurviveAProcessCrash) {
  exec("CREATE TABLE c (id INTEGER PRIMARY KEY, v TEXT)");
  const std::string target = ts_->target();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: its own store on the same folder; commit, then die without closing anything.
    auto store = open_store(target);
    if (!store.ok()) ::_exit(2);
    auto tx = (*store)->write();
    if (!tx.ok() || !tx->exec("INSERT INTO c (id, v) VALUES (1, 'committed')").ok() ||
        !tx->commit().ok()) {
      ::_exit(3);
    }
    auto open_tx = (*store)->write();
    if (!open_tx.ok() || !open_tx->exec("INSERT INTO c (id, v) VALUES (2, 'lost')").ok()) {
      ::_exit(4);
    }
    ::_exit(0);  // crash: no rollback, no close, no checkpoint
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_OK(ts_->reopen());
  ASSERT_OK_AND_ASSIGN(Transaction tx, ts_->store().read());
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT COUNT(*), MIN(v) FROM c"));
  EXPECT_EQ((*row)[0], Value(1));
  EXPECT_EQ((*row)[1], Value("committed"));
}

TEST_F(SqliteStoreTest, OneWriterAtATime) {
  ASSERT_OK_AND_ASSIGN(Transaction tx, ts_->store().write());
  // Same thread: refused rather than deadlocked.
  EXPECT_ERRC(ts_->store().write(), Errc::kFailedPrecondition);
  EXPECT_ERRC(ts_->store().checkpoint(), Errc::kFailedPrecondition);
  // Readers are not blocked by the writer.
  ASSERT_OK_AND_ASSIGN(Transaction reader, ts_->store().read());
  ASSERT_OK(reader.query_one("SELECT 1"));
  // Another thread waits until the writer ends.
  bool other_wrote = false;
  std::thread other([&] {
    auto t = ts_->store().write();
    other_wrote = t.ok() && t->commit().ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_OK(tx.commit());
  other.join();
  EXPECT_TRUE(other_wrote);
}

TEST_F(SqliteStoreTest, WriterTimesOutWhenBusy) {
  StoreOptions options;
  options.busy_timeout = std::chrono::milliseconds(50);
  ASSERT_OK_AND_ASSIGN(auto ts, TestStore::make(Backend::kSqlite, options));
  ASSERT_OK_AND_ASSIGN(Transaction tx, ts->store().write());
  Status other;
  std::thread t([&] {
    auto w = ts->store().write();
    other = w.ok() ? ok_status() : w.error();
  });
  t.join();
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Errc::kUnavailable);
  // A second process (store) on the same folder waits on SQLite's lock, then gives up.
  ASSERT_OK_AND_ASSIGN(auto second, open_store(ts->target(), options));
  EXPECT_ERRC(second->write(), Errc::kUnavailable);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  const std::string dir = ts_->folder() + "/garbage";
  fs::create_directories(dir);
  std::ofstream(dir + "/charter.db") << std::string(8192, 'G');
  EXPECT_ERRC(open_store(dir), Errc::kIntegrity);
  std::ofstream(ts_->folder() + "/plain-file") << "x";
  EXPECT_ERRC(open_store(ts_->folder() + "/plain-file"), Errc::kInvalidArgument);
  EXPECT_ERRC(open_store(""), Errc::kInvalidArgument);
}

TEST_F(SqliteStoreTest, DescribesItself) {
  EXPECT_EQ(ts_->store().describe(), "sqlite:" + ts_->target());
  EXPECT_EQ(ts_->store().backend(), Backend::kSqlite);
}

}  // namespace
}  // namespace charter::store
