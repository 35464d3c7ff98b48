// Consent ledger benchmarks (P4: consent events acknowledged only once durable, target >= 50,000
// events/s): events go through ConsentLedger (validation, notice hash, sealed IP and user agent,
// group commit) and count only when their commit has returned. Beside them, the machine's limits
// measured the same way: fsync rate, and the same rows inserted directly in one transaction.
//
//   ./scripts/build.sh release consent_bench && ./build/release/bench/consent_bench
//   CHARTER_TEST_PG_URL=postgresql://... ./build/release/bench/consent_bench   # adds PostgreSQL
// Rates are per wall-clock second (UseRealTime). SQLite runs as Charter configures it: WAL,
// synchronous=FULL (an acknowledged event survives a power loss). PostgreSQL durability is the
// server's (run it with fsync=on, synchronous_commit=on to measure durable acknowledgement).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "consent/ledger.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/random.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "store/testing.h"
#include "trail/trail.h"

namespace {

using namespace charter;
using store::Backend;

constexpr int kEventsPerIteration = 50000;
constexpr int kSubjects = 100000;

struct Bench {
  std::unique_ptr<store::TestStore> ts;
  std::shared_ptr<const policy::Policy> policy;
  SystemClock clock;
  SystemRandom random;
  crypto::KeyRing ring;
  // With auditing: the audit log in a store of its own (on SQLite a separate file, as
  // <data>/audit.db), durable like the ledger, every event audited before its batch commits.
  std::unique_ptr<store::TestStore> audit_ts;
  std::string audit_keys;
  std::unique_ptr<trail::Trail> trail;
  std::unique_ptr<consent::ConsentLedger> ledger;
  std::vector<std::string> subjects;

  ~Bench() {
    ledger.reset();
    trail.reset();
    if (!audit_keys.empty()) std::filesystem::remove_all(audit_keys);
  }

  bool open(benchmark::State& state, Backend backend, std::size_t max_batch = 8192,
            bool audited = false) {
    auto made = store::TestStore::make(backend);
    if (!made.ok()) {
      state.SkipWithError(made.error().to_string().c_str());
      return false;
    }
    ts = std::move(made).value();
    auto p = policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
    if (!p.ok()) {
      state.SkipWithError("policy");
      return false;
    }
    policy = std::make_shared<const policy::Policy>(std::move(p).value());
    auto key = crypto::MasterKey::generate(1, random);
    if (!key.ok() || !ring.add(std::move(key).value()).ok()) return false;
    consent::LedgerOptions options;
    options.max_batch = max_batch;
    if (audited) {
      auto a = store::TestStore::make(backend);
      if (!a.ok()) {
        state.SkipWithError(a.error().to_string().c_str());
        return false;
      }
      audit_ts = std::move(a).value();
      char tmpl[] = "/tmp/charter-bench-keys-XXXXXX";
      audit_keys = ::mkdtemp(tmpl);
      auto t = trail::Trail::open(audit_ts->store(), audit_keys, clock, random);
      if (!t.ok()) {
        state.SkipWithError(t.error().to_string().c_str());
        return false;
      }
      trail = std::move(t).value();
      auto pk = crypto::SecretKey::generate(random);
      trail->set_pseudonym_key(std::move(pk));
      options.audit = trail.get();
    }
    auto l = consent::ConsentLedger::open(ts->store(), policy, clock, random, ring, options);
    if (!l.ok()) {
      state.SkipWithError(l.error().to_string().c_str());
      return false;
    }
    ledger = std::move(l).value();
    SeededRandom ids(1);
    for (int i = 0; i < kSubjects; ++i) subjects.push_back(new_id(ids, "sub"));
    return true;
  }
};

// CPU time of the whole process (every thread), in microseconds: the machine is shared, so the
// CPU cost per event is the figure that does not depend on the other load.
double process_cpu_us() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

void report_cpu(benchmark::State& state, double cpu_before) {
  double events = static_cast<double>(state.iterations()) * kEventsPerIteration;
  state.counters["cpu_us_per_event"] = (process_cpu_us() - cpu_before) / events;
}

consent::Evidence web_evidence(int i) {
  consent::Evidence e;
  e.channel = "privacy_center";
  e.language = (i & 1) ? "en" : "fr";
  e.ip = "198.51.100." + std::to_string(i & 255);
  e.user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  return e;
}

// Callers submit asynchronously (as the HTTP server's coroutines do) with at most `window`
// events waiting for their acknowledgement; one or two submitting threads; the ledger's
// max_batch. The writer stays busy only while more events wait than one batch takes (window >=
// 2 x max_batch): then the next batch gathers while one commits.
void run_async(benchmark::State& state, Backend backend, bool audited = false) {
  Bench b;
  if (!b.open(state, backend, static_cast<std::size_t>(state.range(2)), audited)) return;
  const int window = static_cast<int>(state.range(0));
  const int submitters = static_cast<int>(state.range(1));
  std::uint64_t next = 0;
  const double cpu0 = process_cpu_us();
  struct Flow {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0, acknowledged = 0, failed = 0, window = 0;
    bool waiting = false;
  };
  for (auto _ : state) {
    Flow flow;
    flow.window = window;
    std::atomic<int> issued{0};
    Flow* f = &flow;
    auto submit_loop = [&] {
      while (true) {
        int i = issued.fetch_add(1);
        if (i >= kEventsPerIteration) return;
        {
          std::unique_lock lock(f->mu);
          while (f->in_flight >= f->window) {
            f->waiting = true;
            f->cv.wait(lock);
          }
          ++f->in_flight;
        }
        std::uint64_t n = next + static_cast<std::uint64_t>(i);
        auto kind =
            (n / kSubjects) % 2 == 0 ? consent::EventKind::kGiven : consent::EventKind::kWithdrawn;
        // The callback runs on the ledger's writer thread once the event is durable.
        b.ledger->record_async(kind, b.subjects[n % kSubjects], "prospecting",
                               web_evidence(static_cast<int>(n)),
                               [f](Result<consent::ConsentEvent> r) {
                                 std::lock_guard lock(f->mu);
                                 --f->in_flight;
                                 ++f->acknowledged;
                                 if (!r.ok()) ++f->failed;
                                 if (f->waiting || f->acknowledged == kEventsPerIteration) {
                                   f->waiting = false;
                                   f->cv.notify_all();
                                 }
                               });
      }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < submitters; ++t) threads.emplace_back(submit_loop);
    for (auto& t : threads) t.join();
    std::unique_lock lock(flow.mu);
    flow.cv.wait(lock, [&] { return flow.acknowledged == kEventsPerIteration; });
    if (flow.failed) state.SkipWithError("some events failed");
    next += kEventsPerIteration;
  }
  auto stats = b.ledger->commit_stats();
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  state.counters["events_per_commit"] =
      stats.batches ? static_cast<double>(stats.operations) / stats.batches : 0;
  state.counters["largest_batch"] = static_cast<double>(stats.largest_batch);
  state.counters["writer_cpu_us_per_event"] =
      stats.operations ? stats.writer_cpu_us / static_cast<double>(stats.operations) : 0;
  state.counters["completion_cpu_us_per_event"] =
      stats.operations ? stats.completion_cpu_us / static_cast<double>(stats.operations) : 0;
  report_cpu(state, cpu0);
}

// Blocking callers: `threads` threads each call give()/withdraw() and wait for the commit.
void run_blocking(benchmark::State& state, Backend backend) {
  Bench b;
  if (!b.open(state, backend)) return;
  const int nthreads = static_cast<int>(state.range(0));
  std::uint64_t next = 0;
  const double cpu0 = process_cpu_us();
  for (auto _ : state) {
    std::atomic<int> issued{0}, failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < nthreads; ++t) {
      threads.emplace_back([&] {
        while (true) {
          int i = issued.fetch_add(1);
          if (i >= kEventsPerIteration) return;
          std::uint64_t n = next + static_cast<std::uint64_t>(i);
          const auto& s = b.subjects[n % kSubjects];
          auto r = (n / kSubjects) % 2 == 0
                       ? b.ledger->give(s, "prospecting", web_evidence(static_cast<int>(n)))
                       : b.ledger->withdraw(s, "prospecting", web_evidence(static_cast<int>(n)));
          if (!r.ok()) ++failed;
        }
      });
    }
    for (auto& t : threads) t.join();
    if (failed) state.SkipWithError("some events failed");
    next += kEventsPerIteration;
  }
  auto stats = b.ledger->commit_stats();
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  state.counters["events_per_commit"] =
      stats.batches ? static_cast<double>(stats.operations) / stats.batches : 0;
  report_cpu(state, cpu0);
}

// Machine limit for the same rows: rows shaped like the ledger's (sealed-size evidence) go
// straight to the store in 8192-row transactions, `rows_per_statement` rows per INSERT.
void run_raw(benchmark::State& state, Backend backend) {
  Bench b;
  if (!b.open(state, backend)) return;
  const int k = static_cast<int>(state.range(0));
  SeededRandom r(3);
  // Sealed evidence: canonical list of the IP and user agent (4 x 4 + 13 + 70) + 41.
  store::Bytes evidence(41 + 16 + 13 + 70), sha(32);
  r.fill(evidence);
  r.fill(sha);
  auto values_sql = [](int rows) {
    std::string sql =
        "INSERT INTO consent_events (subject_id, event_id, purpose, seq, kind, at, channel, "
        "language, notice_sha256, policy_version, expires_at, gpc, key_version, evidence) VALUES ";
    for (int i = 0; i < rows; ++i)
      sql += (i ? ", " : "") + std::string("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    return sql;
  };
  const std::string one = values_sql(1), many = values_sql(k);
  std::int64_t seq = 1;
  SeededRandom ids(4);
  const double cpu0 = process_cpu_us();
  for (auto _ : state) {
    for (int done = 0; done < kEventsPerIteration; done += 8192) {
      int n = std::min(8192, kEventsPerIteration - done);
      std::vector<std::string> event_ids;
      event_ids.reserve(n);
      for (int i = 0; i < n; ++i) event_ids.push_back(new_id(ids, "cev"));
      std::vector<store::Param> params;
      params.reserve(static_cast<std::size_t>(n) * 14);
      for (int i = 0; i < n; ++i) {
        params.insert(params.end(), {b.subjects[(done + i) % kSubjects], event_ids[i],
                                     "prospecting", seq++, "given", seq, "privacy_center", "fr",
                                     sha, b.policy->version, store::Param(), 0, 1, evidence});
      }
      auto tx = b.ts->store().write();
      const std::size_t full = static_cast<std::size_t>(n / k) * k * 14;
      std::span<const store::Param> all(params);
      bool ok = tx.ok();
      if (ok && full > 0) ok = tx->exec_many(many, all.first(full), 14 * k).ok();
      if (ok && full < all.size()) ok = tx->exec_many(one, all.subspan(full), 14).ok();
      if (!ok || !tx->commit().ok()) {
        state.SkipWithError("raw insert failed");
        return;
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  report_cpu(state, cpu0);
}

void BM_ConsentAsync_Sqlite(benchmark::State& s) { run_async(s, Backend::kSqlite); }
void BM_ConsentAsync_Postgres(benchmark::State& s) { run_async(s, Backend::kPostgres); }
// The same with every event audited (trail::Trail as the ledger's AuditHook, fail closed).
void BM_ConsentAsyncAudited_Sqlite(benchmark::State& s) { run_async(s, Backend::kSqlite, true); }
void BM_ConsentAsyncAudited_Postgres(benchmark::State& s) {
  run_async(s, Backend::kPostgres, true);
}
void BM_ConsentBlocking_Sqlite(benchmark::State& s) { run_blocking(s, Backend::kSqlite); }
void BM_ConsentBlocking_Postgres(benchmark::State& s) { run_blocking(s, Backend::kPostgres); }
void BM_RawConsentRows_Sqlite(benchmark::State& s) { run_raw(s, Backend::kSqlite); }
void BM_RawConsentRows_Postgres(benchmark::State& s) { run_raw(s, Backend::kPostgres); }

// The disk's limit on durable commits: write 4 KiB then fsync.
void BM_Fsync4K(benchmark::State& state) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "charter-fsync-XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    state.SkipWithError("mkstemp");
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
  ::unlink(tmpl.c_str());
  state.SetItemsProcessed(state.iterations());
}

bool pg() { return store::test_pg_url().has_value(); }

}  // namespace

BENCHMARK(BM_Fsync4K)->Unit(benchmark::kMicrosecond)->Iterations(500)->UseRealTime();
BENCHMARK(BM_RawConsentRows_Sqlite)
    ->Arg(1)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
// {window of unacknowledged events, submitting threads, ledger max_batch}
BENCHMARK(BM_ConsentAsync_Sqlite)
    ->Args({1024, 1, 8192})
    ->Args({8192, 1, 8192})
    ->Args({8192, 1, 2048})
    ->Args({8192, 2, 2048})
    ->Args({32768, 1, 8192})
    ->Args({32768, 2, 8192})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_ConsentAsyncAudited_Sqlite)
    ->Args({32768, 2, 8192})
    ->Args({65536, 2, 16384})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_ConsentBlocking_Sqlite)
    ->Arg(64)
    ->Arg(512)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

int main(int argc, char** argv) {
  if (pg()) {
    benchmark::RegisterBenchmark("BM_RawConsentRows_Postgres", BM_RawConsentRows_Postgres)
        ->Arg(1)
        ->Arg(64)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_ConsentAsync_Postgres", BM_ConsentAsync_Postgres)
        ->Args({8192, 1, 8192})
        ->Args({8192, 1, 2048})
        ->Args({32768, 2, 8192})
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_ConsentAsyncAudited_Postgres", BM_ConsentAsyncAudited_Postgres)
        ->Args({32768, 2, 8192})
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_ConsentBlocking_Postgres", BM_ConsentBlocking_Postgres)
        ->Arg(512)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(2)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
