// Access decision benchmarks (P2 in process, P3, P8; docs/BENCHMARKS.md "Access decisions").
//
//   ./scripts/build.sh release access_bench && ./build/release/bench/access_bench
//   CHARTER_ACCESS_BENCH_INDEX=10000000   subjects in the in-memory index for bulk (default 10M)
//   CHARTER_ACCESS_BENCH_STORE=1000000    subjects written to SQLite for the start time (1M)
//
// - decide() alone: the pure function on a prepared snapshot.
// - AccessService::decide: snapshot built from SQLite (vault row, transaction date, consent
//   states, objections, restriction), decision recorded to a no-op DecisionLog.
// - Bulk: 1M e-mail addresses (half of them stored) checked for prospecting against an index of
//   CHARTER_ACCESS_BENCH_INDEX subjects (filled with DecisionIndex::put, the same code path a
//   reload uses), with 1 and 2 threads hashing; and 1M subject ids.
// - Start: DecisionIndex::load from a SQLite store of CHARTER_ACCESS_BENCH_STORE subjects (the
//   vault's subject and blind-index rows and the consent events written directly in bulk: the
//   vault API would take hours at 10M on this machine; the rows are the ones it writes).
// - Baselines: keyed BLAKE2b-128 (the blind index), e-mail normalisation.
// Memory: the index's own count of its bytes (columns and tables) and the RSS growth.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "access/bulk.h"
#include "access/decision_index.h"
#include "access/service.h"
#include "consent/ledger.h"
#include "core/id.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "store/testing.h"
#include "vault/normalize.h"
#include "vault/vault.h"

namespace {

using namespace charter;
using namespace charter::access;

std::size_t env_size(const char* name, std::size_t def) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : def;
}

std::size_t rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4096;
}

class NullLog final : public DecisionLog {
 public:
  Status record(const Actor&, std::string_view, const AccessRequest&, const Decision&,
                std::string_view) override {
    return ok_status();
  }
  Status record_bulk(const Actor&, std::string_view, std::uint64_t, std::uint64_t,
                     std::string_view) override {
    return ok_status();
  }
};

const policy::Policy& oxemis() {
  static auto* p = new std::shared_ptr<const policy::Policy>(std::make_shared<policy::Policy>(
      *policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml")));
  return **p;
}
std::shared_ptr<const policy::Policy> oxemis_shared() {
  static auto p = std::shared_ptr<const policy::Policy>(&oxemis(), [](const policy::Policy*) {});
  return p;
}

// A store with the vault and the ledger open, and an index wired to them.
struct Env {
  std::unique_ptr<store::TestStore> ts;
  SystemClock clock;
  SystemRandom random;
  std::string key_dir;
  crypto::KeyRing ring;
  std::unique_ptr<DecisionIndex> index;
  std::unique_ptr<vault::Vault> vault;
  std::unique_ptr<consent::ConsentLedger> ledger;
  std::unique_ptr<FactSource> source;
  NullLog log;

  static std::unique_ptr<Env> make(bool load_index) {
    auto env = std::make_unique<Env>();
    auto made = store::TestStore::make(store::Backend::kSqlite);
    if (!made.ok()) return nullptr;
    env->ts = std::move(made).value();
    env->key_dir = env->ts->folder() + "/keys";
    auto master = crypto::MasterKey::generate(1, env->random);
    auto bytes = std::vector<std::uint8_t>(master->key_bytes().begin(), master->key_bytes().end());
    if (!vault::KeyService::initialize(env->ts->store(), env->key_dir, *master, env->clock,
                                       env->random)
             .ok())
      return nullptr;
    auto rk = crypto::MasterKey::generate(1, env->random);
    if (!env->ring.add(std::move(rk).value()).ok()) return nullptr;
    env->index = std::make_unique<DecisionIndex>(oxemis());
    auto keys =
        vault::KeyService::open(env->ts->store(), env->key_dir,
                                *crypto::MasterKey::from_bytes(1, bytes), env->clock, env->random);
    vault::VaultOptions vo;
    vo.on_commit = env->index->vault_observer();
    env->vault = std::move(*vault::Vault::open(env->ts->store(), oxemis(), std::move(*keys),
                                               env->clock, env->random, vo));
    consent::LedgerOptions lo;
    lo.on_change = env->index->consent_observer();
    env->ledger = std::move(*consent::ConsentLedger::open(env->ts->store(), oxemis_shared(),
                                                          env->clock, env->random, env->ring, lo));
    env->source = std::make_unique<FactSource>(*env->vault, *env->ledger);
    if (load_index && !env->index->load(*env->source).ok()) return nullptr;
    return env;
  }
};

Actor mailer() {
  Actor a;
  a.kind = Actor::Kind::kService;
  a.id = "svc_mailer";
  a.purposes = {"prospecting"};
  return a;
}

// ---- decide() alone ----

void BM_DecidePure(benchmark::State& state) {
  Actor actor;
  actor.id = "stf_x";
  actor.roles = {"sales"};
  Timestamp now = SystemClock().now();
  actor.trained_on = date_of(now);
  actor.confidentiality_signed = date_of(now);
  SubjectSnapshot s;
  s.facts.collection = now - std::chrono::hours(24 * 100);
  s.consents["prospecting"] = {ConsentStatus::kGiven, now - std::chrono::hours(24), std::nullopt};
  AccessRequest req{"prospecting", {}};
  for (auto _ : state) {
    Decision d = decide(oxemis(), actor, s, req, now);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecidePure);

// ---- AccessService: snapshot from SQLite ----

Env* service_env() {
  static Env* env = [] {
    auto e = Env::make(false).release();
    std::vector<vault::NewSubject> batch;
    for (int i = 0; i < 10000; ++i) {
      vault::NewSubject s;
      s.purposes = {"prospecting"};
      s.fields = {{"email", "s" + std::to_string(i) + "@example.com"}};
      batch.push_back(s);
    }
    auto ids = e->vault->create_subjects(batch);
    for (int i = 0; i < 10000; i += 2) {
      consent::Evidence ev;
      ev.channel = "privacy_center";
      (void)e->ledger->give((*ids)[i], "prospecting", ev);
    }
    static std::vector<std::string> kept = *ids;
    (void)kept;
    return e;
  }();
  return env;
}

std::vector<std::string> service_ids() {
  auto* env = service_env();
  auto tx = env->ts->store().read();
  auto rows = tx->query("SELECT subject_id FROM vault_subjects");
  std::vector<std::string> out;
  while (*rows->next()) out.emplace_back(*rows->get_text(0));
  return out;
}

void BM_ServiceDecide(benchmark::State& state) {
  auto* env = service_env();
  static std::vector<std::string> ids = service_ids();
  AccessService service(*env->source, env->log, env->clock);
  Actor actor = mailer();
  AccessRequest req{"prospecting", {}};
  std::size_t i = state.thread_index() * 7919;
  for (auto _ : state) {
    auto d = service.decide(actor, ids[i++ % ids.size()], req);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ServiceDecide)->Threads(1)->Threads(2)->UseRealTime();

// ---- Bulk over a large index ----

struct BulkEnv {
  std::unique_ptr<Env> env;
  std::vector<std::string> ids;
  std::vector<std::string> emails;  // 1M: half stored, half not
  std::size_t bytes = 0, rss_growth = 0, subjects = 0;
  double fill_seconds = 0;
};

BulkEnv* bulk_env() {
  static BulkEnv* b = [] {
    auto* be = new BulkEnv();
    be->env = Env::make(true);
    const std::size_t n = env_size("CHARTER_ACCESS_BENCH_INDEX", 10000000);
    const auto* key = *be->env->source->email_key();
    SeededRandom ids(11);
    const Timestamp now = SystemClock().now();
    const std::size_t rss0 = rss_bytes();
    auto t0 = std::chrono::steady_clock::now();
    be->env->index->reserve(n);
    const std::size_t asked = std::min<std::size_t>(1000000, n * 2);
    for (std::size_t i = 0; i < n; ++i) {
      SubjectFacts f;
      f.id = new_id(ids, "sub");
      f.relationship = i % 3 ? vault::Relationship::kProspect : vault::Relationship::kCustomer;
      f.collected_at = now - std::chrono::hours(24 * (i % 1400));
      if (i % 5 == 0) f.last_contact_at = now - std::chrono::hours(24 * (i % 700));
      if (i % 4 != 0) {
        f.consents["prospecting"] = {ConsentStatus::kGiven, now - std::chrono::hours(i % 9000),
                                     std::nullopt};
      }
      if (i % 50 == 0) f.objections["prospecting"] = {true, false};
      std::string email = "user" + std::to_string(i) + "@example.com";
      f.email = key->compute(email);
      (void)be->env->index->put(f);
      if (i < asked / 2) {
        be->emails.push_back(email);
        be->ids.push_back(f.id);
      }
    }
    be->fill_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    be->rss_growth = rss_bytes() - rss0;
    be->bytes = be->env->index->memory_bytes();
    be->subjects = be->env->index->size();
    for (std::size_t i = be->emails.size(); i < asked; ++i) {
      be->emails.push_back("prospect" + std::to_string(i) + "@example.net");  // not stored
    }
    // Interleave stored and unknown addresses.
    for (std::size_t i = 1; i < be->emails.size(); i += 2) {
      std::swap(be->emails[i], be->emails[be->emails.size() / 2 + i / 2]);
    }
    return be;
  }();
  return b;
}

void bulk_counters(benchmark::State& state, BulkEnv* be) {
  state.counters["index_subjects"] = static_cast<double>(be->subjects);
  state.counters["index_B_per_subject"] = static_cast<double>(be->bytes) / be->subjects;
  state.counters["rss_B_per_subject"] = static_cast<double>(be->rss_growth) / be->subjects;
  state.counters["fill_s"] = be->fill_seconds;
}

void BM_BulkEmails(benchmark::State& state) {
  auto* be = bulk_env();
  std::vector<std::string_view> lines(be->emails.begin(), be->emails.end());
  BulkOptions options;
  options.threads = static_cast<int>(state.range(0));
  std::uint64_t allowed = 0;
  for (auto _ : state) {
    auto r = decide_bulk(*be->env->index, be->env->log, be->env->clock, mailer(),
                         {"prospecting", {}}, lines, "", options);
    for (auto& a : *r) allowed += a.allowed;
  }
  state.SetItemsProcessed(state.iterations() * lines.size());
  state.counters["allowed_share"] =
      static_cast<double>(allowed) / (state.iterations() * lines.size());
  bulk_counters(state, be);
}
BENCHMARK(BM_BulkEmails)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BulkIds(benchmark::State& state) {
  auto* be = bulk_env();
  std::vector<std::string_view> lines(be->ids.begin(), be->ids.end());
  for (auto _ : state) {
    auto r = decide_bulk(*be->env->index, be->env->log, be->env->clock, mailer(),
                         {"prospecting", {}}, lines);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * lines.size());
  bulk_counters(state, be);
}
BENCHMARK(BM_BulkIds)->Unit(benchmark::kMillisecond)->UseRealTime();

// Streaming through BulkDecider::feed in 64 KiB slices (what the HTTP layer does).
void BM_BulkStream(benchmark::State& state) {
  auto* be = bulk_env();
  std::string input;
  for (auto& e : be->emails) input += e + "\n";
  std::string out;
  for (auto _ : state) {
    BulkDecider d(*be->env->index, be->env->log, be->env->clock, mailer(), {"prospecting", {}}, "");
    for (std::size_t i = 0; i < input.size(); i += 65536) {
      out.clear();
      (void)d.feed(std::string_view(input).substr(i, 65536), out);
    }
    (void)d.finish(out);
  }
  state.SetItemsProcessed(state.iterations() * be->emails.size());
}
BENCHMARK(BM_BulkStream)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- Start: index load from SQLite ----

void BM_IndexLoad(benchmark::State& state) {
  const std::size_t n = env_size("CHARTER_ACCESS_BENCH_STORE", 1000000);
  auto env = Env::make(false);
  const auto* key = *env->source->email_key();
  SeededRandom ids(13);
  const Timestamp now = SystemClock().now();
  const std::int64_t now_us = to_unix_micros(now);
  auto t0 = std::chrono::steady_clock::now();
  const std::size_t batch = 20000;
  for (std::size_t base = 0; base < n; base += batch) {
    auto tx = env->ts->store().write();
    std::vector<std::string> sid, eid;
    std::vector<crypto::BlindIndex> dig;
    std::size_t m = std::min(batch, n - base);
    for (std::size_t i = 0; i < m; ++i) {
      sid.push_back(new_id(ids, "sub"));
      eid.push_back(new_id(ids, "cev"));
      dig.push_back(key->compute("user" + std::to_string(base + i) + "@example.com"));
    }
    std::vector<store::Param> p;
    for (std::size_t i = 0; i < m; ++i) {
      p.insert(p.end(), {sid[i], "active", "prospect", now_us - 86400000000LL * 10, "prospecting",
                         oxemis().version, now_us, now_us});
    }
    (void)tx->exec_many(
        "INSERT INTO vault_subjects (subject_id, status, relationship, collected_at, purposes, "
        "policy_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        p, 8);
    p.clear();
    for (std::size_t i = 0; i < m; ++i) {
      p.insert(p.end(), {sid[i], "email", store::ByteView(dig[i])});
    }
    (void)tx->exec_many(
        "INSERT INTO vault_blind_indexes (subject_id, field, digest) VALUES (?, ?, ?)", p, 3);
    p.clear();
    for (std::size_t i = 0; i < m; i += 2) {
      p.insert(p.end(), {sid[i], eid[i], "prospecting", now_us + std::int64_t(i), "given", now_us,
                         "privacy_center", "fr", store::Param(), oxemis().version, store::Param(),
                         std::int64_t(0), std::int64_t(1), store::Param()});
    }
    (void)tx->exec_many(consent::kInsertEventSql, p, 14);
    (void)tx->commit();
  }
  const double fill = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  IndexStats stats;
  for (auto _ : state) {
    state.PauseTiming();
    auto index = std::make_unique<DecisionIndex>(oxemis());
    state.ResumeTiming();
    stats = *index->load(*env->source);
    state.PauseTiming();
    index.reset();
    state.ResumeTiming();
  }
  state.counters["subjects"] = static_cast<double>(stats.subjects);
  state.counters["load_s"] = stats.load_seconds;
  state.counters["index_B_per_subject"] = static_cast<double>(stats.bytes) / stats.subjects;
  state.counters["fill_s"] = fill;
}
BENCHMARK(BM_IndexLoad)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- Machine baselines ----

void BM_BaselineBlindIndex(benchmark::State& state) {
  auto* be = service_env();
  const auto* key = *be->source->email_key();
  std::string email = "prospect123456@example.net";
  for (auto _ : state) {
    auto d = key->compute(email);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineBlindIndex);

void BM_BaselineNormalizeEmail(benchmark::State& state) {
  for (auto _ : state) {
    auto n = vault::normalize_email("Prospect123456@Example.NET");
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineNormalizeEmail);

}  // namespace

BENCHMARK_MAIN();
