// Vault benchmarks (docs/BENCHMARKS.md, "Vault"): subjects created per second with 6 contact
// fields (sealed under a per-subject data key, e-mail and phone blind-indexed), durable, in
// batches; lookups by e-mail per second; on SQLite and, when CHARTER_TEST_PG_URL is set, on
// PostgreSQL; beside the same work done by hand on PostgreSQL with pgcrypto (pgp_sym_encrypt of
// each field and hmac for the two indexes, in one transaction per batch).
//
//   ./scripts/build.sh release vault_bench
//   CHARTER_TEST_PG_URL=postgresql://... ./build/release/bench/vault_bench
// Rates are per wall-clock second (UseRealTime). SQLite runs durable (WAL, synchronous=FULL:
// one fsync per commit). PostgreSQL is durable when the server is (fsync, synchronous_commit).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/random.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "store/testing.h"
#include "vault/keys.h"
#include "vault/vault.h"

namespace {

using charter::store::Backend;
namespace vault = charter::vault;

const charter::policy::Policy& policy() {
  static const charter::policy::Policy p =
      *charter::policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  return p;
}

std::string email_of(std::int64_t i) { return "user" + std::to_string(i) + "@example.com"; }
std::string phone_of(std::int64_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "06 %02d %02d %02d %02d", static_cast<int>(i / 1000000 % 100),
                static_cast<int>(i / 10000 % 100), static_cast<int>(i / 100 % 100),
                static_cast<int>(i % 100));
  return buf;
}

vault::NewSubject subject(std::int64_t i) {
  vault::NewSubject s;
  s.purposes = {"commercial_relationship", "prospecting"};
  s.relationship = vault::Relationship::kCustomer;
  s.fields = {{"last_name", "Dupont-" + std::to_string(i)},
              {"first_name", "Jean"},
              {"job_title", "Responsable des achats"},
              {"postal_address", "132 allée Hélène Boucher\n59118 Wambrechies"},
              {"phone", phone_of(i)},
              {"email", email_of(i)}};
  return s;
}

// A store, a key folder and a vault, alive for one benchmark.
struct Env {
  std::unique_ptr<charter::store::TestStore> ts;
  std::string key_dir;
  charter::SystemClock clock;
  charter::SystemRandom random;
  std::unique_ptr<vault::Vault> vault;
  std::atomic<std::int64_t> next{0};

  ~Env() {
    vault.reset();
    ts.reset();
    std::error_code ec;
    if (!key_dir.empty()) std::filesystem::remove_all(key_dir, ec);
  }
};

std::unique_ptr<Env> g_env;
std::string g_error;

bool make_env(Backend backend) {
  g_env.reset();
  auto env = std::make_unique<Env>();
  auto ts = charter::store::TestStore::make(backend);
  if (!ts.ok()) {
    g_error = ts.error().to_string();
    return false;
  }
  env->ts = std::move(ts).value();
  std::string tmpl = (std::filesystem::temp_directory_path() / "charter-vbench-XXXXXX").string();
  env->key_dir = ::mkdtemp(tmpl.data());
  auto master = charter::crypto::MasterKey::generate(1, env->random).value();
  charter::crypto::Bytes bytes(master.key_bytes().begin(), master.key_bytes().end());
  auto st = vault::KeyService::initialize(env->ts->store(), env->key_dir + "/keys", master,
                                          env->clock, env->random);
  if (!st.ok()) {
    g_error = st.error().to_string();
    return false;
  }
  auto keys = vault::KeyService::open(env->ts->store(), env->key_dir + "/keys",
                                      charter::crypto::MasterKey::from_bytes(1, bytes).value(),
                                      env->clock, env->random);
  if (!keys.ok()) {
    g_error = keys.error().to_string();
    return false;
  }
  auto v = vault::Vault::open(env->ts->store(), policy(), std::move(keys).value(), env->clock,
                              env->random);
  if (!v.ok()) {
    g_error = v.error().to_string();
    return false;
  }
  env->vault = std::move(v).value();
  g_env = std::move(env);
  return true;
}

// Fills the vault with `n` subjects (user0..user{n-1}) in batches of 10,000.
bool populate(std::int64_t n) {
  for (std::int64_t b = 0; b < n; b += 10000) {
    std::vector<vault::NewSubject> batch;
    for (std::int64_t i = b; i < std::min(n, b + 10000); ++i) batch.push_back(subject(i));
    auto r = g_env->vault->create_subjects(batch);
    if (!r.ok()) {
      g_error = r.error().to_string();
      return false;
    }
  }
  g_env->next = n;
  return true;
}

void create(benchmark::State& state) {
  if (!g_env) {
    state.SkipWithError(g_error.c_str());
    return;
  }
  const auto batch_size = static_cast<std::int64_t>(state.range(0));
  std::vector<vault::NewSubject> batch;
  const std::int64_t base = g_env->next.fetch_add(batch_size * 1000);
  for (std::int64_t i = 0; i < batch_size; ++i) batch.push_back(subject(base + i));
  for (auto _ : state) {
    auto r = g_env->vault->create_subjects(batch);
    if (!r.ok()) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * batch_size);
}

void lookup(benchmark::State& state) {
  if (!g_env) {
    state.SkipWithError(g_error.c_str());
    return;
  }
  const std::int64_t n = g_env->next.load();
  charter::SeededRandom rnd(static_cast<std::uint64_t>(state.thread_index()) + 1);
  std::int64_t misses = 0;
  for (auto _ : state) {
    const std::int64_t i =
        static_cast<std::int64_t>(rnd.next_u64() % static_cast<std::uint64_t>(n));
    auto r = g_env->vault->find("email", email_of(i));
    if (!r.ok()) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
    if (r->size() != 1) ++misses;
  }
  if (misses) state.SkipWithError("a lookup did not find its subject");
  state.SetItemsProcessed(state.iterations());
}

// --- The same work by hand on PostgreSQL with pgcrypto. ---

const char* kPgcryptoTable =
    "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;"
    "CREATE TABLE pgc_subjects (subject_id TEXT PRIMARY KEY, last_name BYTEA, first_name BYTEA,"
    " job_title BYTEA, postal_address BYTEA, phone BYTEA, email BYTEA, email_idx BYTEA,"
    " phone_idx BYTEA, created_at BIGINT);"
    "CREATE INDEX pgc_email ON pgc_subjects (email_idx);"
    "CREATE INDEX pgc_phone ON pgc_subjects (phone_idx)";

// `options`: pgp_sym_encrypt options; "" = pgcrypto's defaults (iterated, salted S2K).
std::string pgcrypto_insert(const std::string& options) {
  std::string enc = options.empty() ? "public.pgp_sym_encrypt(CAST(? AS TEXT), CAST(? AS TEXT))"
                                    : "public.pgp_sym_encrypt(CAST(? AS TEXT), CAST(? AS TEXT), '" +
                                          options + "')";
  std::string mac = "public.hmac(CAST(? AS TEXT), CAST(? AS TEXT), 'sha256')";
  return "INSERT INTO pgc_subjects VALUES (?, " + enc + ", " + enc + ", " + enc + ", " + enc +
         ", " + enc + ", " + enc + ", " + mac + ", " + mac + ", ?)";
}

const std::string kEncKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kMacKey = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

bool make_pgcrypto_env() {
  g_env.reset();
  auto env = std::make_unique<Env>();
  auto ts = charter::store::TestStore::make(Backend::kPostgres);
  if (!ts.ok()) {
    g_error = ts.error().to_string();
    return false;
  }
  env->ts = std::move(ts).value();
  auto tx = env->ts->store().write();
  if (!tx.ok() || !tx->exec_script(kPgcryptoTable).ok() || !tx->commit().ok()) {
    g_error = "cannot create the pgcrypto table (is pgcrypto installed?)";
    return false;
  }
  g_env = std::move(env);
  return true;
}

bool pgcrypto_create_batch(const std::string& sql, std::int64_t base, std::int64_t n,
                           std::string* error) {
  // Values and ids are built outside the transaction, as the vault does.
  struct Row {
    std::string id, f[6], email, phone;
  };
  std::vector<Row> rows(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    auto s = subject(base + i);
    Row& r = rows[static_cast<std::size_t>(i)];
    r.id = charter::new_id(g_env->random, "sub");
    for (int k = 0; k < 6; ++k) r.f[k] = s.fields[static_cast<std::size_t>(k)].value;
    r.email = email_of(base + i);  // normalised by hand (lower case)
    r.phone = "+336" + std::to_string(base + i);
  }
  const std::int64_t now = charter::to_unix_micros(g_env->clock.now());
  std::vector<charter::store::Param> params;
  params.reserve(rows.size() * 18);
  for (const Row& r : rows) {
    params.emplace_back(r.id);
    for (int k = 0; k < 6; ++k) {
      params.emplace_back(r.f[k]);
      params.emplace_back(kEncKey);
    }
    params.insert(params.end(), {charter::store::Param(r.email), charter::store::Param(kMacKey),
                                 charter::store::Param(r.phone), charter::store::Param(kMacKey),
                                 charter::store::Param(now)});
  }
  auto tx = g_env->ts->store().write();
  if (!tx.ok()) {
    *error = tx.error().to_string();
    return false;
  }
  auto n_rows = tx->exec_many(sql, params, 18);
  if (!n_rows.ok()) {
    *error = n_rows.error().to_string();
    return false;
  }
  auto st = tx->commit();
  if (!st.ok()) {
    *error = st.error().to_string();
    return false;
  }
  return true;
}

void pgcrypto_create(benchmark::State& state, std::string options) {
  if (!g_env) {
    state.SkipWithError(g_error.c_str());
    return;
  }
  const auto batch = static_cast<std::int64_t>(state.range(0));
  const std::string sql = pgcrypto_insert(options);
  std::string error;
  for (auto _ : state) {
    const std::int64_t base = g_env->next.fetch_add(batch);
    if (!pgcrypto_create_batch(sql, base, batch, &error)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

void pgcrypto_lookup(benchmark::State& state) {
  if (!g_env) {
    state.SkipWithError(g_error.c_str());
    return;
  }
  const std::int64_t n = g_env->next.load();
  charter::SeededRandom rnd(static_cast<std::uint64_t>(state.thread_index()) + 1);
  for (auto _ : state) {
    const std::string email =
        email_of(static_cast<std::int64_t>(rnd.next_u64() % static_cast<std::uint64_t>(n)));
    auto tx = g_env->ts->store().read();
    if (!tx.ok()) {
      state.SkipWithError(tx.error().to_string().c_str());
      break;
    }
    auto row = tx->query_one(
        "SELECT subject_id FROM pgc_subjects WHERE email_idx = "
        "public.hmac(CAST(? AS TEXT), CAST(? AS TEXT), 'sha256')",
        {email, kMacKey});
    if (!row.ok() || !*row) {
      state.SkipWithError("pgcrypto lookup failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void teardown(const benchmark::State&) { g_env.reset(); }

// --- The machine's limit: raw SQLite (no Charter code) writing the vault's rows. ---
// Layout 0: the vault's own tables and rows (subject, data key, 6 value rows, 2 blind-index
// rows; random 30-character ids; WAL, synchronous=FULL, secure_delete, 32 MiB cache, as the
// store configures SQLite). Layout 1: the same with the 6 sealed values packed into the data key
// row (the measured alternative: docs/BENCHMARKS.md). Bytes are random stand-ins of the sizes
// the vault writes; no crypto.
void raw_sqlite(benchmark::State& state) {
  const int layout = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  std::string tmpl = (std::filesystem::temp_directory_path() / "charter-vbench-XXXXXX").string();
  const std::string dir = ::mkdtemp(tmpl.data());
  sqlite3* db = nullptr;
  sqlite3_open((dir + "/raw.db").c_str(), &db);
  auto ex = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); };
  ex("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; "
     "PRAGMA cache_size=-32768; PRAGMA foreign_keys=ON");
  ex("CREATE TABLE vault_subjects (subject_id TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, "
     "relationship TEXT NOT NULL, contract_start BIGINT, contract_end BIGINT, collected_at BIGINT, "
     "last_contact_at BIGINT, purposes TEXT NOT NULL, policy_version TEXT NOT NULL, created_at "
     "BIGINT NOT NULL, updated_at BIGINT NOT NULL, erased_at BIGINT);"
     "CREATE TABLE vault_keys (subject_id TEXT NOT NULL, class TEXT NOT NULL, key_version BIGINT "
     "NOT NULL, wrapped BLOB NOT NULL, epoch BIGINT NOT NULL, created_at BIGINT NOT NULL, packed "
     "BLOB, PRIMARY KEY (subject_id, class, key_version));"
     "CREATE INDEX vault_keys_epoch ON vault_keys (epoch);"
     "CREATE TABLE vault_values (subject_id TEXT NOT NULL, field TEXT NOT NULL, class TEXT NOT "
     "NULL, key_version BIGINT NOT NULL, sealed BLOB NOT NULL, source TEXT NOT NULL, collected_at "
     "BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (subject_id, field));"
     "CREATE TABLE vault_blind_indexes (subject_id TEXT NOT NULL, field TEXT NOT NULL, digest BLOB "
     "NOT NULL, PRIMARY KEY (subject_id, field));"
     "CREATE INDEX vault_blind_lookup ON vault_blind_indexes (field, digest);");
  sqlite3_stmt *s1, *s2, *s3, *s4;
  sqlite3_prepare_v2(db,
                     "INSERT INTO vault_subjects VALUES (?, 'active', 'customer', ?, NULL, ?, "
                     "NULL, 'commercial_relationship,prospecting', ?, ?, ?, NULL)",
                     -1, &s1, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO vault_keys VALUES (?, 'contact', 1, ?, 1, ?, ?)", -1, &s2,
                     nullptr);
  sqlite3_prepare_v2(db,
                     "INSERT INTO vault_values VALUES (?, ?, 'contact', 1, ?, 'provided', ?, ?)",
                     -1, &s3, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO vault_blind_indexes VALUES (?, ?, ?)", -1, &s4, nullptr);
  const char* fields[6] = {"last_name",      "first_name", "job_title",
                           "postal_address", "phone",      "email"};
  const int sizes[6] = {51, 45, 63, 85, 53, 61};  // sealed sizes of the benchmark's values
  charter::SeededRandom rnd(7);
  std::vector<std::uint8_t> bytes(1024);
  const std::string version(64, 'a');
  std::int64_t t = 0;
  for (auto _ : state) {
    ex("BEGIN IMMEDIATE");
    for (int i = 0; i < batch; ++i, ++t) {
      rnd.fill(bytes);
      const std::string id = charter::new_id(rnd, "sub");
      sqlite3_bind_text(s1, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
      for (int c : {2, 3, 5, 6}) sqlite3_bind_int64(s1, c, t);
      sqlite3_bind_text(s1, 4, version.data(), 64, SQLITE_STATIC);
      sqlite3_step(s1);
      sqlite3_reset(s1);
      sqlite3_bind_text(s2, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
      sqlite3_bind_blob(s2, 2, bytes.data(), 77, SQLITE_STATIC);
      sqlite3_bind_int64(s2, 3, t);
      if (layout == 1) {
        sqlite3_bind_blob(s2, 4, bytes.data() + 80, 420, SQLITE_STATIC);
      } else {
        sqlite3_bind_null(s2, 4);
      }
      sqlite3_step(s2);
      sqlite3_reset(s2);
      if (layout == 0) {
        for (int f = 0; f < 6; ++f) {
          sqlite3_bind_text(s3, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
          sqlite3_bind_text(s3, 2, fields[f], -1, SQLITE_STATIC);
          sqlite3_bind_blob(s3, 3, bytes.data() + 100 + f * 100, sizes[f], SQLITE_STATIC);
          sqlite3_bind_int64(s3, 4, t);
          sqlite3_bind_int64(s3, 5, t);
          sqlite3_step(s3);
          sqlite3_reset(s3);
        }
      }
      for (int f = 4; f < 6; ++f) {
        sqlite3_bind_text(s4, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
        sqlite3_bind_text(s4, 2, fields[f], -1, SQLITE_STATIC);
        sqlite3_bind_blob(s4, 3, bytes.data() + 900 + f * 16, 16, SQLITE_STATIC);
        sqlite3_step(s4);
        sqlite3_reset(s4);
      }
    }
    if (ex("COMMIT") != SQLITE_OK) state.SkipWithError("commit failed");
  }
  for (auto* s : {s1, s2, s3, s4}) sqlite3_finalize(s);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * batch);
}

void register_all() {
  const bool pg = charter::store::test_pg_url().has_value();
  auto sqlite_setup = [](const benchmark::State&) { make_env(Backend::kSqlite); };
  auto pg_setup = [](const benchmark::State&) { make_env(Backend::kPostgres); };

  benchmark::RegisterBenchmark("raw_sqlite/vault_rows", raw_sqlite)
      ->Args({0, 10000})
      ->Iterations(10)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("raw_sqlite/packed_rows", raw_sqlite)
      ->Args({1, 10000})
      ->Iterations(10)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);

  // Creation: one transaction (one fsync) per batch; 2 threads pipeline sealing and writing.
  for (int threads : {1, 2}) {
    benchmark::RegisterBenchmark("vault/create/sqlite", create)
        ->Arg(10000)
        ->Iterations(10)
        ->Threads(threads)
        ->Setup(sqlite_setup)
        ->Teardown(teardown)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("vault/create/sqlite", create)
      ->Arg(1000)
      ->Iterations(50)
      ->Setup(sqlite_setup)
      ->Teardown(teardown)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("vault/create/sqlite", create)
      ->Arg(1)
      ->Iterations(300)
      ->Setup(sqlite_setup)
      ->Teardown(teardown)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("vault/lookup_email/sqlite_100k", lookup)
      ->Setup([](const benchmark::State&) {
        if (make_env(Backend::kSqlite)) populate(100000);
      })
      ->Teardown(teardown)
      ->ThreadRange(1, 2)
      ->MinTime(2.0)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  if (!pg) {
    std::fprintf(stderr, "CHARTER_TEST_PG_URL is not set: PostgreSQL benchmarks skipped\n");
    return;
  }
  for (int threads : {1, 2, 4}) {
    benchmark::RegisterBenchmark("vault/create/postgres", create)
        ->Arg(1000)
        ->Iterations(threads == 1 ? 20 : 10)
        ->Threads(threads)
        ->Setup(pg_setup)
        ->Teardown(teardown)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("vault/lookup_email/postgres_50k", lookup)
      ->Setup([](const benchmark::State&) {
        if (make_env(Backend::kPostgres)) populate(50000);
      })
      ->Teardown(teardown)
      ->ThreadRange(1, 4)
      ->MinTime(2.0)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  auto pgc_setup = [](const benchmark::State&) { make_pgcrypto_env(); };
  benchmark::RegisterBenchmark("pgcrypto/create/default_s2k", pgcrypto_create, std::string())
      ->Arg(1000)
      ->Iterations(3)
      ->Setup(pgc_setup)
      ->Teardown(teardown)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("pgcrypto/create/s2k_mode_1", pgcrypto_create,
                               std::string("s2k-mode=1, cipher-algo=aes256"))
      ->Arg(1000)
      ->Iterations(10)
      ->Setup(pgc_setup)
      ->Teardown(teardown)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("pgcrypto/lookup_email_50k", pgcrypto_lookup)
      ->Setup([](const benchmark::State&) {
        if (!make_pgcrypto_env()) return;
        std::string error;
        const std::string sql = pgcrypto_insert("s2k-mode=1, cipher-algo=aes256");
        for (std::int64_t b = 0; b < 50000; b += 5000) {
          if (!pgcrypto_create_batch(sql, b, 5000, &error)) {
            g_error = error;
            g_env.reset();
            return;
          }
        }
        g_env->next = 50000;
      })
      ->Teardown(teardown)
      ->ThreadRange(1, 4)
      ->MinTime(2.0)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
