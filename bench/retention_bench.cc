// Retention benchmark (docs/BENCHMARKS.md, "Retention"; DESIGN.md P7): sweeps over a large
// next-expiry index with nothing due and with 1 % due, and the cost of the deleting part through
// the vault.
//
//   ./scripts/build.sh release retention_bench
//   ./build/release/bench/retention_bench [subjects=10000000] [vault_subjects=20000]
//   (CHARTER_TEST_PG_URL=postgresql://... adds the same runs on PostgreSQL)
//
// 1. The index (retention_next) is filled directly with `subjects` rows (filling 10M subjects
//    through the vault would take hours here: ~10k subjects/s), 1 % of them due. The ids are
//    real-looking subject ids that the vault does not know, so the sweep of the due 1 % runs the
//    whole engine path (index scan, vault lookup, journal, index update, report) except the
//    erasure itself.
// 2. "nothing expiring": a sweep whose as-of instant precedes every row.
// 3. The deleting part: `vault_subjects` prospects created through the vault, 10 % of them past
//    their window; one sweep erases them (anonymised contact class, keys destroyed). Each
//    erasure is one vault transaction (one fsync on SQLite).
// Wall-clock times; SQLite durable (WAL, synchronous=FULL).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/random.h"
#include "crypto/master_key.h"
#include "policy/duration.h"
#include "policy/loader.h"
#include "policy/window.h"
#include "retention/engine.h"
#include "retention/schema.h"
#include "store/testing.h"
#include "vault/keys.h"
#include "vault/vault.h"

namespace {

using namespace charter;
using Clk = std::chrono::steady_clock;

double secs(Clk::time_point a, Clk::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

const policy::Policy& oxemis() {
  static const policy::Policy p =
      *policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  return p;
}

#define CHECK_OK(expr)                                                         \
  do {                                                                         \
    const auto& _r = (expr);                                                   \
    if (!_r.ok()) {                                                            \
      std::fprintf(stderr, "%s: %s\n", #expr, _r.error().to_string().c_str()); \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

struct Env {
  std::unique_ptr<store::TestStore> ts;
  std::string key_dir;
  ManualClock clock{*parse_timestamp("2026-01-01T00:00:00Z")};
  SystemRandom random;
  std::unique_ptr<vault::Vault> vault;
  std::unique_ptr<retention::Retention> engine;

  explicit Env(store::Backend b) {
    auto made = store::TestStore::make(b);
    CHECK_OK(made);
    ts = std::move(made).value();
    key_dir = (std::filesystem::temp_directory_path() /
               ("charter-retention-bench-" + new_id(random, "k")))
                  .string();
    auto master = crypto::MasterKey::generate(1, random);
    CHECK_OK(master);
    auto bytes = crypto::Bytes(master->key_bytes().begin(), master->key_bytes().end());
    CHECK_OK(vault::KeyService::initialize(ts->store(), key_dir, *master, clock, random));
    auto m2 = crypto::MasterKey::from_bytes(1, bytes);
    auto keys = vault::KeyService::open(ts->store(), key_dir, std::move(m2).value(), clock, random);
    CHECK_OK(keys);
    auto v = vault::Vault::open(ts->store(), oxemis(), std::move(keys).value(), clock, random);
    CHECK_OK(v);
    vault = std::move(v).value();
    retention::RetentionOptions o;
    o.batch = 1000;
    auto e = retention::Retention::open(ts->store(), *vault, oxemis(), clock, random, o);
    CHECK_OK(e);
    engine = std::move(e).value();
  }
  ~Env() {
    engine.reset();
    vault.reset();
    ts.reset();
    std::error_code ec;
    std::filesystem::remove_all(key_dir, ec);
  }
};

void mark_index_current(Env& env) {
  auto tx = env.ts->store().write();
  CHECK_OK(tx);
  CHECK_OK(
      tx->exec("INSERT INTO retention_meta (name, value) VALUES ('policy_version', ?) ON "
               "CONFLICT (name) DO UPDATE SET value = excluded.value",
               {oxemis().version}));
  CHECK_OK(tx->commit());
}

void index_runs(store::Backend b, std::int64_t n) {
  const char* name = b == store::Backend::kSqlite ? "SQLite" : "PostgreSQL";
  Env env(b);
  const Timestamp now = env.clock.now();
  const std::int64_t now_us = to_unix_micros(now);
  const std::int64_t due = n / 100;
  // Fill: 1 % due (next_at in the past), the rest spread over the next 10 years.
  auto t0 = Clk::now();
  const std::int64_t chunk = 50000;
  SeededRandom rnd(42);
  for (std::int64_t done = 0; done < n; done += chunk) {
    auto tx = env.ts->store().write();
    CHECK_OK(tx);
    std::vector<std::string> ids;
    std::vector<store::Param> params;
    const std::int64_t m = std::min(chunk, n - done);
    ids.reserve(m);
    params.reserve(m * 3);
    for (std::int64_t i = 0; i < m; ++i) ids.push_back(new_id(rnd, "sub"));
    for (std::int64_t i = 0; i < m; ++i) {
      const std::int64_t k = done + i;
      const std::int64_t at = k % 100 == 0
                                  ? now_us - 1000000 - k
                                  : now_us + 3600000000LL + (k * 31557600LL) % 315576000000000LL;
      params.emplace_back(ids[i]);
      params.emplace_back(at);
      params.emplace_back(std::string_view(oxemis().version));
    }
    CHECK_OK(
        tx->exec_many("INSERT INTO retention_next (subject_id, next_at, policy_version) "
                      "VALUES (?, ?, ?)",
                      params, 3));
    CHECK_OK(tx->commit());
  }
  mark_index_current(env);
  auto t1 = Clk::now();
  std::printf("%s: index filled with %lld rows (%lld due) in %.1f s\n", name,
              static_cast<long long>(n), static_cast<long long>(due), secs(t0, t1));

  // Nothing expiring: as-of before every row.
  env.clock.set(now - std::chrono::hours(24 * 365));
  std::vector<double> quiet;
  for (int i = 0; i < 20; ++i) {
    auto a = Clk::now();
    auto r = env.engine->sweep();
    auto z = Clk::now();
    CHECK_OK(r);
    if (r->examined != 0)
      std::fprintf(stderr, "unexpected: examined %lld\n", (long long)r->examined);
    quiet.push_back(secs(a, z));
  }
  std::sort(quiet.begin(), quiet.end());
  std::printf(
      "%s: sweep, nothing expiring, %lld subjects indexed: median %.2f ms, max %.2f ms "
      "(20 runs)\n",
      name, static_cast<long long>(n), quiet[10] * 1000, quiet.back() * 1000);
  // 1 % due: the whole engine path but the erasure.
  env.clock.set(now);
  auto a = Clk::now();
  auto r = env.engine->sweep();
  auto z = Clk::now();
  CHECK_OK(r);
  std::printf(
      "%s: sweep, 1%% due (%lld subjects examined, not in the vault), %lld indexed: "
      "%.2f s (%.0f subjects/s)\n",
      name, static_cast<long long>(r->examined), static_cast<long long>(n), secs(a, z),
      r->examined / secs(a, z));
}

void deleting_run(store::Backend b, std::int64_t n) {
  const char* name = b == store::Backend::kSqlite ? "SQLite" : "PostgreSQL";
  Env env(b);
  const Timestamp t0 = env.clock.now();
  // 10 % collected 3 years before the rest: they expire first.
  auto a = Clk::now();
  const std::int64_t batch = 1000;
  for (std::int64_t done = 0; done < n; done += batch) {
    std::vector<vault::NewSubject> subjects;
    for (std::int64_t i = done; i < std::min(n, done + batch); ++i) {
      vault::NewSubject s;
      s.purposes = {"prospecting"};
      s.collected_at = i % 10 == 0 ? t0 - std::chrono::hours(24 * 365 * 2) : t0;
      s.fields = {{"email", "user" + std::to_string(i) + "@example.com"},
                  {"first_name", "Ana"},
                  {"last_name", "Martin"}};
      subjects.push_back(std::move(s));
    }
    CHECK_OK(env.vault->create_subjects(subjects));
  }
  auto mid = Clk::now();
  {
    retention::SweepOptions full;
    full.full = true;
    CHECK_OK(env.engine->sweep(full));  // builds the index
  }
  auto c = Clk::now();
  // 3 years after the first 10 % were collected (2 years before t0), plus a day.
  env.clock.set(
      policy::add_duration(t0 - std::chrono::hours(24 * 365 * 2), *policy::parse_duration("P3Y")) +
      std::chrono::hours(24));
  auto s0 = Clk::now();
  auto r = env.engine->sweep();
  auto s1 = Clk::now();
  CHECK_OK(r);
  std::printf(
      "%s: %lld subjects created through the vault in %.1f s; index built (full scan) in "
      "%.1f s\n",
      name, static_cast<long long>(n), secs(a, mid), secs(mid, c));
  std::printf(
      "%s: sweep deleting %lld of %lld subjects (anonymised, keys destroyed, scrubbed): "
      "%.2f s (%.0f erased/s)\n",
      name, static_cast<long long>(r->erased), static_cast<long long>(n), secs(s0, s1),
      r->erased / secs(s0, s1));
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 10000000;
  const std::int64_t vn = argc > 2 ? std::atoll(argv[2]) : 20000;
  std::vector<store::Backend> backends{store::Backend::kSqlite};
  if (const char* pg = std::getenv("CHARTER_TEST_PG_URL"); pg && *pg) {
    backends.push_back(store::Backend::kPostgres);
  }
  for (auto b : backends) {
    index_runs(b, n);
    deleting_run(b, vn);
  }
  return 0;
}
