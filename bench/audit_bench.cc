// Audit log benchmarks (P5: durable append >= 200,000 entries/s, full verification >=
// 2,000,000 entries/s), beside the machine's SHA-256 rate.
//
//   ./scripts/build.sh release audit_bench && ./build/release/bench/audit_bench
// With CHARTER_TEST_PG_URL set, the PostgreSQL variants run too. Rates are per wall-clock
// second (UseRealTime) where threads or the disk are involved. SQLite data goes to a temporary
// folder under $TMPDIR (default /tmp).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "audit/appender.h"
#include "audit/compact_range.h"
#include "audit/db_log_store.h"
#include "audit/entry_codec.h"
#include "audit/memory_log_store.h"
#include "audit/merkle_hash.h"
#include "audit/test_support.h"
#include "audit/verifier.h"
#include "store/testing.h"

namespace charter::audit {
namespace {

using testing::sample_event;

// CPU time of the whole process (all threads), seconds. On a shared machine wall-clock rates
// depend on the neighbours; CPU per entry does much less.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

const std::vector<AuditEvent>& events() {
  static const std::vector<AuditEvent> v = [] {
    std::vector<AuditEvent> out;
    for (int i = 0; i < 1024; ++i) out.push_back(sample_event(i));
    return out;
  }();
  return v;
}

// ---- Machine limit and primitives -------------------------------------------------------------

void BM_Sha256_64B(benchmark::State& state) {
  std::uint8_t in[64] = {1, 2, 3};
  for (auto _ : state) {
    auto d = crypto::sha256(crypto::ByteView(in, sizeof in));
    in[0] = d[0];
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 64);
}
BENCHMARK(BM_Sha256_64B);

// The machine's limit: OpenSSL's SHA-256 uses the CPU's SHA extensions (sha_ni) where
// libsodium's portable code does not. Measured here only (Charter hashes through crypto/hash.h);
// libcrypto is linked already through charter_policy. One EVP context, reused, as a library
// built on it would.
class OpenSslSha256 {
 public:
  OpenSslSha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~OpenSslSha256() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  void hash(const std::uint8_t* in, std::size_t n, std::uint8_t* out) {
    EVP_DigestInit_ex(ctx_, md_, nullptr);
    EVP_DigestUpdate(ctx_, in, n);
    EVP_DigestFinal_ex(ctx_, out, nullptr);
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

void BM_Sha256_64B_OpenSSL(benchmark::State& state) {
  OpenSslSha256 sha;
  std::uint8_t in[64] = {1, 2, 3};
  std::uint8_t out[32];
  for (auto _ : state) {
    sha.hash(in, sizeof in, out);
    in[0] = out[0];
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 64);
}
BENCHMARK(BM_Sha256_64B_OpenSSL);

// One entry's verification hashing (leaf of a 165-byte entry + one node) with each library.
void BM_LeafPlusNode(benchmark::State& state) {
  const auto bytes = encode_entry({123456, from_unix_micros(1700000000000000), events()[0]});
  Hash acc{};
  for (auto _ : state) {
    acc = node_hash(acc, leaf_hash(bytes));
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LeafPlusNode);

void BM_LeafPlusNode_OpenSSL(benchmark::State& state) {
  OpenSslSha256 sha;
  auto bytes = encode_entry({123456, from_unix_micros(1700000000000000), events()[0]});
  bytes.insert(bytes.begin(), 0x00);
  std::uint8_t node[65] = {0x01};
  for (auto _ : state) {
    sha.hash(bytes.data(), bytes.size(), node + 33);
    sha.hash(node, sizeof node, node + 1);
    benchmark::DoNotOptimize(node);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LeafPlusNode_OpenSSL);

void BM_NodeHash(benchmark::State& state) {
  Hash a{}, b{};
  b[0] = 1;
  for (auto _ : state) {
    a = node_hash(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NodeHash);

void BM_EncodeEntry(benchmark::State& state) {
  crypto::Bytes buf;
  std::uint64_t seq = 0;
  for (auto _ : state) {
    buf.clear();
    AuditEntry e{seq, from_unix_micros(1700000000000000), events()[seq % 1024]};
    encode_entry_to(e, buf);
    ++seq;
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["entry_bytes"] = static_cast<double>(buf.size());
}
BENCHMARK(BM_EncodeEntry);

void BM_LeafHash(benchmark::State& state) {
  const auto bytes = encode_entry({123456, from_unix_micros(1700000000000000), events()[0]});
  for (auto _ : state) benchmark::DoNotOptimize(leaf_hash(bytes));
  state.SetItemsProcessed(state.iterations());
  state.counters["entry_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_LeafHash);

// What the writer does per entry: encode, leaf hash, extend the compact range (one thread).
void BM_EncodeHashAppend(benchmark::State& state) {
  crypto::Bytes buf;
  CompactRange range;
  for (auto _ : state) {
    buf.clear();
    AuditEntry e{range.size(), from_unix_micros(1700000000000000), events()[range.size() % 1024]};
    encode_entry_to(e, buf);
    range.append(leaf_hash(buf));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeHashAppend);

// ---- Full verification of 1M entries ----------------------------------------------------------

constexpr std::uint64_t kVerifyEntries = 1'000'000;
constexpr std::uint64_t kHeadEvery = 4096;

// Rows and heads of a 1M-entry log, written as the Appender writes them (built once).
struct BuiltLog {
  std::vector<StoredEntry> rows;
  std::vector<SignedTreeHead> heads;
  crypto::PublicKey key;
};

const BuiltLog& built_log() {
  static const BuiltLog log = [] {
    BuiltLog b;
    auto key = testing::test_key();
    b.key = key.public_key();
    CompactRange range;
    b.rows.reserve(kVerifyEntries);
    const Timestamp t0 = from_unix_micros(1700000000000000);
    for (std::uint64_t i = 0; i < kVerifyEntries; ++i) {
      AuditEntry e{i, t0 + Micros(i), events()[i % 1024]};
      StoredEntry r{i, e.event.subject, encode_entry(e), {}};
      r.leaf_hash = leaf_hash(r.encoded);
      range.append(r.leaf_hash);
      b.rows.push_back(std::move(r));
      if ((i + 1) % kHeadEvery == 0 || i + 1 == kVerifyEntries)
        b.heads.push_back(sign_tree_head({i + 1, range.root(), t0 + Micros(i)}, key));
    }
    return b;
  }();
  return log;
}

void fill(LogStore& store) {
  const auto& b = built_log();
  std::size_t next = 0;
  for (const auto& h : b.heads) {
    std::span<const StoredEntry> batch(b.rows.data() + next, h.head.tree_size - next);
    if (!store.append(batch, &h).ok()) std::abort();
    next = h.head.tree_size;
  }
}

void run_verify(benchmark::State& state, LogStore& store) {
  VerifyOptions o;
  o.threads = static_cast<unsigned>(state.range(0));
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) {
    auto r = verify_log(store, built_log().key, o);
    if (!r.ok() || !r->ok()) {
      state.SkipWithError("verification failed");
      return;
    }
    benchmark::DoNotOptimize(r->root);
  }
  state.SetItemsProcessed(state.iterations() * kVerifyEntries);
  state.counters["cpu_ns_per_entry"] = (process_cpu_seconds() - cpu0) * 1e9 /
                                       static_cast<double>(state.iterations() * kVerifyEntries);
}

void BM_VerifyMemory(benchmark::State& state) {
  static MemoryLogStore* store = [] {
    auto* s = new MemoryLogStore();
    fill(*s);
    return s;
  }();
  run_verify(state, *store);
}
BENCHMARK(BM_VerifyMemory)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

struct DbFixture {
  std::unique_ptr<store::TestStore> db;
  ManualClock clock{from_unix_micros(1700000000000000)};
  std::unique_ptr<DbLogStore> log;
};

// A database log store; null when the backend is unavailable (PostgreSQL without a URL).
std::unique_ptr<DbFixture> db_fixture(store::Backend backend) {
  auto f = std::make_unique<DbFixture>();
  auto db = store::TestStore::make(backend);
  if (!db.ok()) return nullptr;
  f->db = std::move(db).value();
  auto log = DbLogStore::open(f->db->store(), f->clock);
  if (!log.ok()) return nullptr;
  f->log = std::move(log).value();
  return f;
}

void BM_VerifyDb(benchmark::State& state, store::Backend backend) {
  static std::unique_ptr<DbFixture> fixtures[2];
  auto& f = fixtures[backend == store::Backend::kSqlite ? 0 : 1];
  if (!f) {
    f = db_fixture(backend);
    if (!f) {
      state.SkipWithError("backend unavailable (set CHARTER_TEST_PG_URL)");
      return;
    }
    fill(*f->log);
  }
  run_verify(state, *f->log);
}
BENCHMARK_CAPTURE(BM_VerifyDb, sqlite, store::Backend::kSqlite)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
BENCHMARK_CAPTURE(BM_VerifyDb, postgresql, store::Backend::kPostgres)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

// The store alone: durable appends of prebuilt 16,384-entry batches (what one group commit
// writes), no hashing.
void BM_StoreAppendDb(benchmark::State& state, store::Backend backend) {
  auto f = db_fixture(backend);
  if (!f) {
    state.SkipWithError("backend unavailable (set CHARTER_TEST_PG_URL)");
    return;
  }
  constexpr std::size_t kBatch = 16384;
  const auto& rows = built_log().rows;
  std::vector<StoredEntry> batch(kBatch);
  std::uint64_t next = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      batch[i] = rows[(next + i) % rows.size()];
      batch[i].sequence = next + i;
    }
    if (!f->log->append(batch, nullptr).ok()) {
      state.SkipWithError("append failed");
      return;
    }
    next += kBatch;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK_CAPTURE(BM_StoreAppendDb, sqlite, store::Backend::kSqlite)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(10);
BENCHMARK_CAPTURE(BM_StoreAppendDb, postgresql, store::Backend::kPostgres)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(10);

// ---- Group commit -----------------------------------------------------------------------------

// `producers` threads submit entries (callbacks) as fast as they can, `per_iteration` in all
// per iteration, and wait until all are durable.
void run_group_commit(benchmark::State& state, LogStore& store, std::uint64_t per_iteration) {
  const int producers = static_cast<int>(state.range(0));
  SystemClock clock;
  auto appender = Appender::open(store, testing::test_key(), clock);
  if (!appender.ok()) {
    state.SkipWithError(appender.error().message.c_str());
    return;
  }
  auto& log = **appender;
  std::atomic<std::uint64_t> failed{0};
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        const auto& ev = events();
        for (std::uint64_t i = p; i < per_iteration; i += producers)
          log.submit(ev[i % 1024], [&](Result<std::uint64_t> r) {
            if (!r.ok()) ++failed;
          });
      });
    }
    for (auto& t : threads) t.join();
    log.flush();
  }
  if (failed) state.SkipWithError("appends failed");
  const auto stats = log.stats();
  state.SetItemsProcessed(state.iterations() * per_iteration);
  state.counters["cpu_ns_per_entry"] = (process_cpu_seconds() - cpu0) * 1e9 /
                                       static_cast<double>(state.iterations() * per_iteration);
  state.counters["entries_per_commit"] =
      stats.batches ? static_cast<double>(stats.entries) / static_cast<double>(stats.batches) : 0;
  (void)log.close();
}

void BM_GroupCommitMemory(benchmark::State& state) {
  MemoryLogStore store;
  run_group_commit(state, store, 200'000);
}
BENCHMARK(BM_GroupCommitMemory)
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_GroupCommitDb(benchmark::State& state, store::Backend backend) {
  auto f = db_fixture(backend);
  if (!f) {
    state.SkipWithError("backend unavailable (set CHARTER_TEST_PG_URL)");
    return;
  }
  run_group_commit(state, *f->log, 200'000);
}
BENCHMARK_CAPTURE(BM_GroupCommitDb, sqlite, store::Backend::kSqlite)
    ->Arg(1)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_GroupCommitDb, postgresql, store::Backend::kPostgres)
    ->Arg(1)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace charter::audit

BENCHMARK_MAIN();
