// Storage benchmarks: the machine's limits (fsync rate, raw SQLite insert rate) beside the same
// work through charter::store (SQLite and, when CHARTER_TEST_PG_URL is set, PostgreSQL).
// Rows are shaped like a vault subject: a text id and 6 blobs of 64 bytes.
//
//   ./scripts/build.sh release store_bench && ./build/release/bench/store_bench
// Rates are per wall-clock second (UseRealTime): the work waits on the disk and the server.
// Data goes to a temporary folder (under $TMPDIR, default /tmp): put it on the disk to measure.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/random.h"
#include "store/open.h"
#include "store/testing.h"

namespace {

using charter::store::Backend;
using charter::store::Bytes;
using charter::store::Param;

constexpr int kBlobs = 6;
constexpr int kBlobSize = 64;

std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "charter-bench-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) std::abort();
  return tmpl;
}

std::vector<Bytes> blobs() {
  charter::SeededRandom r(42);
  std::vector<Bytes> out(kBlobs, Bytes(kBlobSize));
  for (auto& b : out) r.fill(b);
  return out;
}

const char* kCreate =
    "CREATE TABLE IF NOT EXISTS subjects (subject_id TEXT PRIMARY KEY, f1 BLOB, f2 BLOB, "
    "f3 BLOB, f4 BLOB, f5 BLOB, f6 BLOB)";
const char* kCreatePg =
    "CREATE TABLE IF NOT EXISTS subjects (subject_id TEXT PRIMARY KEY, f1 BYTEA, f2 BYTEA, "
    "f3 BYTEA, f4 BYTEA, f5 BYTEA, f6 BYTEA)";
const char* kInsert =
    "INSERT INTO subjects (subject_id, f1, f2, f3, f4, f5, f6) VALUES (?, ?, ?, ?, ?, ?, ?)";

// The disk's limit on durable commits: write 4 KiB then fsync, in a loop.
void BM_DiskFsync4K(benchmark::State& state) {
  std::string dir = temp_dir();
  std::string path = dir + "/fsync.bin";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    state.SkipWithError("cannot open a temporary file");
    return;
  }
  std::vector<char> page(4096, 'x');
  off_t offset = 0;
  for (auto _ : state) {
    if (::pwrite(fd, page.data(), page.size(), offset) != 4096 || ::fsync(fd) != 0) {
      state.SkipWithError("write/fsync failed");
      break;
    }
    offset = (offset + 4096) % (4096 * 256);
  }
  ::close(fd);
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DiskFsync4K)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

// Raw SQLite (no Charter code): WAL, synchronous=FULL, N inserts in one transaction with one
// prepared statement.
void BM_RawSqliteInsert(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0));
  std::string dir = temp_dir();
  sqlite3* db = nullptr;
  sqlite3_open((dir + "/raw.db").c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  sqlite3_exec(db, kCreate, nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, kInsert, -1, &stmt, nullptr);
  const auto b = blobs();
  std::int64_t next = 0;
  for (auto _ : state) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int i = 0; i < rows; ++i) {
      std::string id = "sub_" + std::to_string(next++);
      sqlite3_bind_text(stmt, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
      for (int k = 0; k < kBlobs; ++k) {
        sqlite3_bind_blob(stmt, k + 2, b[k].data(), kBlobSize, SQLITE_STATIC);
      }
      if (sqlite3_step(stmt) != SQLITE_DONE) state.SkipWithError("insert failed");
      sqlite3_reset(stmt);
    }
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      state.SkipWithError("commit failed");
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_RawSqliteInsert)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

struct Opened {
  std::unique_ptr<charter::store::TestStore> ts;
  bool ok = false;
};

Opened open_bench_store(benchmark::State& state, Backend backend) {
  Opened o;
  auto made = charter::store::TestStore::make(backend);
  if (!made.ok()) {
    state.SkipWithError(made.error().to_string().c_str());
    return o;
  }
  o.ts = std::move(made).value();
  auto tx = o.ts->store().write();
  if (!tx.ok() || !tx->exec_script(backend == Backend::kSqlite ? kCreate : kCreatePg).ok() ||
      !tx->commit().ok()) {
    state.SkipWithError("cannot create the table");
    return o;
  }
  o.ok = true;
  return o;
}

// The same N-row transaction through charter::store: one exec() per row (the statement cache
// reuses the prepared statement), or one exec_many() for the batch.
void store_insert(benchmark::State& state, Backend backend, bool batched) {
  const int rows = static_cast<int>(state.range(0));
  Opened o = open_bench_store(state, backend);
  if (!o.ok) return;
  const auto b = blobs();
  std::int64_t next = 0;
  std::vector<std::string> ids(rows);
  std::vector<Param> params;
  params.reserve(rows * (kBlobs + 1));
  for (auto _ : state) {
    for (auto& id : ids) id = "sub_" + std::to_string(next++);
    auto tx = o.ts->store().write();
    if (!tx.ok()) {
      state.SkipWithError(tx.error().to_string().c_str());
      break;
    }
    if (batched) {
      params.clear();
      for (int i = 0; i < rows; ++i) {
        params.emplace_back(ids[i]);
        for (int k = 0; k < kBlobs; ++k) params.emplace_back(b[k]);
      }
      if (!tx->exec_many(kInsert, params, kBlobs + 1).ok()) state.SkipWithError("insert");
    } else {
      for (int i = 0; i < rows; ++i) {
        if (!tx->exec(kInsert, {ids[i], b[0], b[1], b[2], b[3], b[4], b[5]}).ok()) {
          state.SkipWithError("insert failed");
          break;
        }
      }
    }
    if (!tx->commit().ok()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

void BM_StoreSqliteInsert(benchmark::State& state) { store_insert(state, Backend::kSqlite, false); }
void BM_StoreSqliteInsertMany(benchmark::State& state) {
  store_insert(state, Backend::kSqlite, true);
}
void BM_StorePgInsert(benchmark::State& state) { store_insert(state, Backend::kPostgres, false); }
void BM_StorePgInsertMany(benchmark::State& state) {
  store_insert(state, Backend::kPostgres, true);
}
BENCHMARK(BM_StoreSqliteInsert)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StoreSqliteInsertMany)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StorePgInsert)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StorePgInsertMany)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Durable commits of one row each: the latency floor for a request that waits for its commit.
void store_commit_one(benchmark::State& state, Backend backend) {
  Opened o = open_bench_store(state, backend);
  if (!o.ok) return;
  const auto b = blobs();
  std::int64_t next = 0;
  for (auto _ : state) {
    std::string id = "one_" + std::to_string(next++);
    auto tx = o.ts->store().write();
    if (!tx.ok() || !tx->exec(kInsert, {id, b[0], b[1], b[2], b[3], b[4], b[5]}).ok() ||
        !tx->commit().ok()) {
      state.SkipWithError("commit failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_StoreSqliteCommitOneRow(benchmark::State& state) {
  store_commit_one(state, Backend::kSqlite);
}
void BM_StorePgCommitOneRow(benchmark::State& state) {
  store_commit_one(state, Backend::kPostgres);
}
BENCHMARK(BM_StoreSqliteCommitOneRow)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_StorePgCommitOneRow)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

// Streaming read of N rows through Rows.
void store_scan(benchmark::State& state, Backend backend) {
  const int rows = static_cast<int>(state.range(0));
  Opened o = open_bench_store(state, backend);
  if (!o.ok) return;
  {
    const auto b = blobs();
    std::vector<std::string> ids(rows);
    std::vector<Param> params;
    for (int i = 0; i < rows; ++i) ids[i] = "sub_" + std::to_string(i);
    for (int i = 0; i < rows; ++i) {
      params.emplace_back(ids[i]);
      for (int k = 0; k < kBlobs; ++k) params.emplace_back(b[k]);
    }
    auto tx = o.ts->store().write();
    if (!tx.ok() || !tx->exec_many(kInsert, params, kBlobs + 1).ok() || !tx->commit().ok()) {
      state.SkipWithError("fill failed");
      return;
    }
  }
  for (auto _ : state) {
    auto tx = o.ts->store().read();
    auto rs = tx->query("SELECT subject_id, f1, f2, f3, f4, f5, f6 FROM subjects");
    if (!rs.ok()) {
      state.SkipWithError("query failed");
      break;
    }
    std::size_t bytes = 0;
    while (true) {
      auto more = rs->next();
      if (!more.ok() || !*more) break;
      bytes += rs->get_text(0)->size() + rs->get_blob(6)->size();
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
void BM_StoreSqliteScan(benchmark::State& state) { store_scan(state, Backend::kSqlite); }
void BM_StorePgScan(benchmark::State& state) { store_scan(state, Backend::kPostgres); }
BENCHMARK(BM_StoreSqliteScan)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StorePgScan)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
