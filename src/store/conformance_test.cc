// The conformance suite: every test runs against SQLite (temporary folder) and PostgreSQL
// (private schema in CHARTER_TEST_PG_URL). Both backends must behave the same.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "store/fault.h"
#include "store/migrate.h"
#include "store/open.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::store {
namespace {

class Conformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { open(); }

  void open(StoreOptions options = {}) {
    auto made = TestStore::make(GetParam(), std::move(options));
    if (!made.ok()) {
      if (GetParam() == Backend::kPostgres && !pg_required() &&
          made.error().message == "CHARTER_TEST_PG_URL is not set") {
        GTEST_SKIP() << "PostgreSQL tests skipped: CHARTER_TEST_PG_URL is not set "
                        "(scripts/test.sh starts a server; CHARTER_REQUIRE_PG=1 makes this fail)";
      }
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
  }

  Store& store() { return ts_->store(); }
  Dialect dialect() { return store().dialect(); }

  void exec_ddl(const std::string& sql) {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec_script(dialect().expand(sql)));
    ASSERT_OK(tx.commit());
  }

  std::int64_t count(const std::string& table) {
    auto tx = store().read();
    if (!tx.ok()) {
      ADD_FAILURE() << tx.error().to_string();
      return -1;
    }
    auto row = tx->query_one("SELECT COUNT(*) FROM " + table);
    if (!row.ok() || !*row) {
      ADD_FAILURE() << (row.ok() ? "no row" : row.error().to_string());
      return -1;
    }
    return *(**row)[0].as_int();
  }

  std::unique_ptr<TestStore> ts_;
};

INSTANTIATE_TEST_SUITE_P(Backends, Conformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return std::string(backend_name(info.param)); });

Bytes random_bytes(std::size_t n, std::uint64_t seed) {
  SeededRandom r(seed);
  Bytes b(n);
  r.fill(b);
  return b;
}

TEST_P(Conformance, EveryValueTypeRoundTrips) {
  exec_ddl(
      "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, s TEXT, "
      "b {blob})");
  Bytes all_bytes(256);
  for (int i = 0; i < 256; ++i) all_bytes[i] = static_cast<std::uint8_t>(i);
  const Bytes large = random_bytes(4 << 20, 7);
  const std::string utf8 = "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC \"'\\";
  struct Case {
    Value i, r, s, b;
  };
  const std::vector<Case> cases = {
      {std::numeric_limits<std::int64_t>::min(), 0.1, utf8, Bytes{}},
      {std::numeric_limits<std::int64_t>::max(), -1e300, "", all_bytes},
      {0, 1.0 / 3.0, std::string(100000, 'x'), large},
      {Value(), Value(), Value(), Value()},
      {-1, std::numeric_limits<double>::denorm_min(), "a\nb", Bytes{0}},
  };
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    for (std::size_t k = 0; k < cases.size(); ++k) {
      const Case& c = cases[k];
      ASSERT_OK_AND_ASSIGN(std::int64_t n,
                           tx.exec("INSERT INTO vals (id, i, r, s, b) VALUES (?, ?, ?, ?, ?)",
                                   {static_cast<std::int64_t>(k), c.i, c.r, c.s, c.b}));
      EXPECT_EQ(n, 1);
    }
    ASSERT_OK(tx.commit());
  }
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  ASSERT_OK_AND_ASSIGN(Rows rows, tx.query("SELECT id, i, r, s, b FROM vals ORDER BY id"));
  std::size_t k = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, rows.next());
    if (!more) break;
    ASSERT_LT(k, cases.size());
    EXPECT_EQ(rows.columns(), 5);
    EXPECT_EQ(rows.column_name(3), "s");
    EXPECT_EQ(*rows.get_int(0), static_cast<std::int64_t>(k));
    EXPECT_EQ(rows.value(1), cases[k].i) << "row " << k;
    EXPECT_EQ(rows.value(2), cases[k].r) << "row " << k;
    EXPECT_EQ(rows.value(3), cases[k].s) << "row " << k;
    EXPECT_EQ(rows.value(4), cases[k].b) << "row " << k;
    EXPECT_EQ(rows.type(4), cases[k].b.type()) << "row " << k;
    ++k;
  }
  EXPECT_EQ(k, cases.size());
}

TEST_P(Conformance, TypedAccessorsRefuseOtherTypesWithoutValues) {
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  ASSERT_OK_AND_ASSIGN(Rows rows, tx.query("SELECT 'secret-value', 42, NULL"));
  EXPECT_ERRC(rows.get_int(0), Errc::kInternal);  // before next()
  ASSERT_OK_AND_ASSIGN(bool more, rows.next());
  ASSERT_TRUE(more);
  auto bad = rows.get_int(0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kInternal);
  EXPECT_EQ(bad.error().message.find("secret"), std::string::npos);
  EXPECT_EQ(*rows.get_int(1), 42);
  EXPECT_TRUE(rows.is_null(2));
  EXPECT_ERRC(rows.get_text(2), Errc::kInternal);
  EXPECT_ERRC(rows.get_text(7), Errc::kInternal);
}

TEST_P(Conformance, CommitAndRollback) {
  exec_ddl("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)");
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO kv (k, v) VALUES (?, ?)", {"kept", 1}));
    ASSERT_OK(tx.commit());
    EXPECT_ERRC(tx.exec("SELECT 1"), Errc::kFailedPrecondition);
    EXPECT_ERRC(tx.commit(), Errc::kFailedPrecondition);
  }
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO kv (k, v) VALUES (?, ?)", {"rolled-back", 2}));
    tx.rollback();
    tx.rollback();  // idempotent
  }
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO kv (k, v) VALUES (?, ?)", {"dropped", 3}));
    // destroyed without commit
  }
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT COUNT(*), MIN(k) FROM kv"));
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)[0], Value(1));
  EXPECT_EQ((*row)[1], Value("kept"));
  ASSERT_OK_AND_ASSIGN(auto none, tx.query_one("SELECT v FROM kv WHERE k = ?", {"absent"}));
  EXPECT_FALSE(none);
}

TEST_P(Conformance, ExecCountsChangedRows) {
  exec_ddl("CREATE TABLE n (id BIGINT PRIMARY KEY, v BIGINT)");
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
  std::vector<Param> params;
  for (int i = 0; i < 10; ++i) {
    params.emplace_back(i);
    params.emplace_back(i % 2);
  }
  ASSERT_OK_AND_ASSIGN(std::int64_t inserted,
                       tx.exec_many("INSERT INTO n (id, v) VALUES (?, ?)", params, 2));
  EXPECT_EQ(inserted, 10);
  ASSERT_OK_AND_ASSIGN(std::int64_t updated, tx.exec("UPDATE n SET v = 5 WHERE v = ?", {1}));
  EXPECT_EQ(updated, 5);
  ASSERT_OK_AND_ASSIGN(std::int64_t deleted, tx.exec("DELETE FROM n WHERE id >= ?", {8}));
  EXPECT_EQ(deleted, 2);
  ASSERT_OK_AND_ASSIGN(std::int64_t none, tx.exec("DELETE FROM n WHERE id < 0"));
  EXPECT_EQ(none, 0);
  ASSERT_OK(tx.commit());
  EXPECT_EQ(count("n"), 8);
}

TEST_P(Conformance, FailedStatementLeavesNothing) {
  exec_ddl("CREATE TABLE u (email TEXT PRIMARY KEY, n BIGINT)");
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO u (email, n) VALUES (?, ?)", {"a@example.org", 1}));
    EXPECT_ERRC(tx.exec("INSERT INTO nonexistent_table VALUES (1)"), Errc::kInternal);
    EXPECT_FALSE(tx.usable());
    EXPECT_ERRC(tx.exec("INSERT INTO u (email, n) VALUES (?, ?)", {"b@example.org", 2}),
                Errc::kFailedPrecondition);
    EXPECT_ERRC(tx.commit(), Errc::kFailedPrecondition);
  }
  EXPECT_EQ(count("u"), 0);
  // A failure in the middle of a batch: none of the batch, nor what came before, is kept.
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO u (email, n) VALUES (?, ?)", {"first@example.org", 0}));
    std::vector<std::string> emails;
    for (int i = 0; i < 1000; ++i) emails.push_back("user" + std::to_string(i) + "@example.org");
    emails[600] = emails[10];  // duplicate key inside the batch
    std::vector<Param> params;
    for (int i = 0; i < 1000; ++i) {
      params.emplace_back(emails[i]);
      params.emplace_back(i);
    }
    EXPECT_ERRC(tx.exec_many("INSERT INTO u (email, n) VALUES (?, ?)", params, 2),
                Errc::kAlreadyExists);
    EXPECT_ERRC(tx.commit(), Errc::kFailedPrecondition);
  }
  EXPECT_EQ(count("u"), 0);
}

TEST_P(Conformance, ConstraintErrorsMapToCodesWithoutValues) {
  exec_ddl(
      "CREATE TABLE owners (id TEXT PRIMARY KEY);"
      "CREATE TABLE items (subject_id TEXT NOT NULL REFERENCES owners (id), "
      " email TEXT NOT NULL, qty BIGINT CHECK (qty >= 0), PRIMARY KEY (subject_id, email));"
      "CREATE UNIQUE INDEX items_email ON items (email)");
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO owners (id) VALUES (?)", {"sub_1"}));
    ASSERT_OK(tx.exec("INSERT INTO items (subject_id, email, qty) VALUES (?, ?, ?)",
                      {"sub_1", "jeanne.secret@example.org", 1}));
    ASSERT_OK(tx.commit());
  }
  auto attempt = [&](std::string_view sql, std::initializer_list<Param> params) -> Error {
    auto tx = store().write();
    if (!tx.ok()) return tx.error();
    auto r = tx->exec(sql, params);
    if (r.ok()) return make_error(Errc::kInternal, "unexpectedly succeeded");
    return r.error();
  };
  Error dup = attempt("INSERT INTO items (subject_id, email, qty) VALUES (?, ?, ?)",
                      {"sub_1", "jeanne.secret@example.org", 2});
  EXPECT_EQ(dup.code, Errc::kAlreadyExists) << dup.to_string();
  EXPECT_EQ(dup.message.find("jeanne"), std::string::npos) << dup.message;
  EXPECT_NE(dup.message.find("items"), std::string::npos) << dup.message;

  Error fk = attempt("INSERT INTO items (subject_id, email, qty) VALUES (?, ?, ?)",
                     {"sub_missing", "x.secret@example.org", 1});
  EXPECT_EQ(fk.code, Errc::kFailedPrecondition) << fk.to_string();
  EXPECT_EQ(fk.message.find("secret"), std::string::npos) << fk.message;

  Error nn =
      attempt("INSERT INTO items (subject_id, email, qty) VALUES (?, ?, ?)", {"sub_1", Param(), 1});
  EXPECT_EQ(nn.code, Errc::kInvalidArgument) << nn.to_string();

  Error check = attempt("INSERT INTO items (subject_id, email, qty) VALUES (?, ?, ?)",
                        {"sub_1", "y.secret@example.org", -5});
  EXPECT_EQ(check.code, Errc::kInvalidArgument) << check.to_string();
  EXPECT_EQ(check.message.find("secret"), std::string::npos) << check.message;

  Error params = attempt("INSERT INTO owners (id) VALUES (?)", {"a", "b"});
  EXPECT_EQ(params.code, Errc::kInternal) << params.to_string();
  EXPECT_EQ(count("items"), 1);
}

TEST_P(Conformance, ReadTransactionsRefuseWrites) {
  exec_ddl("CREATE TABLE r (id BIGINT PRIMARY KEY)");
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  EXPECT_EQ(tx.mode(), TxMode::kRead);
  EXPECT_ERRC(tx.exec("INSERT INTO r (id) VALUES (1)"), Errc::kFailedPrecondition);
  EXPECT_ERRC(tx.lock("x"), Errc::kFailedPrecondition);
  tx.rollback();
  EXPECT_EQ(count("r"), 0);
}

TEST_P(Conformance, ReadersSeeASnapshotWhileAWriterCommits) {
  exec_ddl("CREATE TABLE s (id BIGINT PRIMARY KEY)");
  ASSERT_OK_AND_ASSIGN(Transaction reader, store().read());
  ASSERT_OK_AND_ASSIGN(auto before, reader.query_one("SELECT COUNT(*) FROM s"));
  EXPECT_EQ((*before)[0], Value(0));
  {
    ASSERT_OK_AND_ASSIGN(Transaction writer, store().write());
    ASSERT_OK(writer.exec("INSERT INTO s (id) VALUES (1)"));
    ASSERT_OK(writer.commit());
  }
  ASSERT_OK_AND_ASSIGN(auto still, reader.query_one("SELECT COUNT(*) FROM s"));
  EXPECT_EQ((*still)[0], Value(0));
  reader.rollback();
  EXPECT_EQ(count("s"), 1);
}

TEST_P(Conformance, ConcurrentWritersLoseNoUpdate) {
  exec_ddl(
      "CREATE TABLE counters (id TEXT PRIMARY KEY, n BIGINT NOT NULL);"
      "INSERT INTO counters (id, n) VALUES ('atomic', 0), ('locked', 0)");
  constexpr int kThreads = 4;
  constexpr int kRounds = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        auto tx = store().write();
        if (!tx.ok()) {
          ++failures;
          continue;
        }
        // One atomic statement.
        bool ok = tx->exec("UPDATE counters SET n = n + 1 WHERE id = ?", {"atomic"}).ok();
        // Read-modify-write under the named lock.
        ok = ok && tx->lock("counter").ok();
        auto row = tx->query_one("SELECT n FROM counters WHERE id = ?", {"locked"});
        ok = ok && row.ok() && *row;
        if (ok) {
          std::int64_t n = *(**row)[0].as_int();
          ok = tx->exec("UPDATE counters SET n = ? WHERE id = ?", {n + 1, "locked"}).ok();
        }
        ok = ok && tx->commit().ok();
        if (!ok) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  ASSERT_OK_AND_ASSIGN(Rows rows, tx.query("SELECT id, n FROM counters ORDER BY id"));
  int seen = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, rows.next());
    if (!more) break;
    EXPECT_EQ(*rows.get_int(1), kThreads * kRounds) << *rows.get_text(0);
    ++seen;
  }
  EXPECT_EQ(seen, 2);
}

TEST_P(Conformance, StreamsOneHundredThousandRows) {
  exec_ddl("CREATE TABLE big (id BIGINT PRIMARY KEY, payload {blob} NOT NULL)");
  constexpr int kRows = 100000;
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    const Bytes payload = random_bytes(64, 1);
    std::vector<Param> params;
    params.reserve(2 * 10000);
    for (int start = 0; start < kRows; start += 10000) {
      params.clear();
      for (int i = start; i < start + 10000; ++i) {
        params.emplace_back(i);
        params.emplace_back(payload);
      }
      ASSERT_OK(tx.exec_many("INSERT INTO big (id, payload) VALUES (?, ?)", params, 2));
    }
    ASSERT_OK(tx.commit());
  }
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  ASSERT_OK_AND_ASSIGN(Rows rows, tx.query("SELECT id, payload FROM big ORDER BY id"));
  // While the rows are open, the transaction runs nothing else (both backends alike).
  EXPECT_ERRC(tx.exec("SELECT 1"), Errc::kFailedPrecondition);
  std::int64_t expected = 0;
  std::size_t bytes = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, rows.next());
    if (!more) break;
    ASSERT_EQ(*rows.get_int(0), expected);
    bytes += rows.get_blob(1)->size();
    ++expected;
  }
  EXPECT_EQ(expected, kRows);
  EXPECT_EQ(bytes, 64u * kRows);
  // At the end the transaction is free again.
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT COUNT(*) FROM big"));
  EXPECT_EQ((*row)[0], Value(kRows));
  // Stopping early (destroying the Rows) also frees it.
  {
    ASSERT_OK_AND_ASSIGN(Rows partial, tx.query("SELECT id FROM big WHERE id < ?", {5000}));
    ASSERT_OK_AND_ASSIGN(bool more, partial.next());
    EXPECT_TRUE(more);
  }
  ASSERT_OK(tx.exec("SELECT 1"));
  // Rows left open when the transaction ends report that.
  ASSERT_OK_AND_ASSIGN(Rows dangling, tx.query("SELECT id FROM big"));
  ASSERT_OK(tx.commit());
  EXPECT_ERRC(dangling.next(), Errc::kFailedPrecondition);
}

TEST_P(Conformance, InjectedFaultsStoreNothing) {
  auto faults = std::make_shared<FaultInjector>();
  StoreOptions options;
  options.faults = faults;
  open(options);
  exec_ddl("CREATE TABLE audit (seq BIGINT PRIMARY KEY, entry {blob})");
  const Bytes entry = random_bytes(32, 2);

  faults->fail(FaultPoint::kCommit, Errc::kUnavailable);
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO audit (seq, entry) VALUES (?, ?)", {1, entry}));
    EXPECT_ERRC(tx.commit(), Errc::kUnavailable);
    EXPECT_FALSE(tx.usable());
  }
  EXPECT_EQ(faults->fired(FaultPoint::kCommit), 1);
  EXPECT_EQ(count("audit"), 0);

  faults->fail(FaultPoint::kStatement, Errc::kUnavailable, 1, /*skip=*/1);
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO audit (seq, entry) VALUES (?, ?)", {1, entry}));
    EXPECT_ERRC(tx.exec("INSERT INTO audit (seq, entry) VALUES (?, ?)", {2, entry}),
                Errc::kUnavailable);
    EXPECT_ERRC(tx.commit(), Errc::kFailedPrecondition);
  }
  EXPECT_EQ(count("audit"), 0);

  faults->fail(FaultPoint::kBeginWrite, Errc::kUnavailable);
  EXPECT_ERRC(store().write(), Errc::kUnavailable);
  // Disarmed after firing: the next write goes through.
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO audit (seq, entry) VALUES (?, ?)", {1, entry}));
    ASSERT_OK(tx.commit());
  }
  EXPECT_EQ(count("audit"), 1);
}

TEST_P(Conformance, CommittedDataSurvivesReopen) {
  exec_ddl("CREATE TABLE d (id TEXT PRIMARY KEY, b {blob})");
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO d (id, b) VALUES (?, ?)", {"kept", Bytes{1, 2, 3}}));
    ASSERT_OK(tx.commit());
  }
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO d (id, b) VALUES (?, ?)", {"uncommitted", Bytes{4}}));
    // The store closes while this transaction is still open... after it ends.
  }
  ASSERT_OK(ts_->reopen());
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT id, b FROM d"));
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)[0], Value("kept"));
  EXPECT_EQ((*row)[1], Value(Bytes{1, 2, 3}));
  EXPECT_EQ(count("d"), 1);
}

TEST_P(Conformance, NotificationsArriveOnlyAfterCommit) {
  ASSERT_OK_AND_ASSIGN(auto listener, store().listen("subject_changed"));
  ASSERT_OK_AND_ASSIGN(auto other, store().listen("other_channel"));
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.notify("subject_changed", "rolled-back"));
  }
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
  ASSERT_OK(tx.notify("subject_changed", "sub_123 erased"));
  ASSERT_OK_AND_ASSIGN(auto early, listener->wait(std::chrono::milliseconds(50)));
  EXPECT_FALSE(early);
  ASSERT_OK(tx.commit());
  ASSERT_OK_AND_ASSIGN(auto note, listener->wait(std::chrono::seconds(5)));
  ASSERT_TRUE(note);
  EXPECT_EQ(note->channel, "subject_changed");
  EXPECT_EQ(note->payload, "sub_123 erased");
  ASSERT_OK_AND_ASSIGN(auto none, listener->wait(std::chrono::milliseconds(50)));
  EXPECT_FALSE(none);
  ASSERT_OK_AND_ASSIGN(auto elsewhere, other->wait(std::chrono::milliseconds(10)));
  EXPECT_FALSE(elsewhere);

  ASSERT_OK_AND_ASSIGN(Transaction bad, store().write());
  EXPECT_ERRC(bad.notify("no spaces", "x"), Errc::kInvalidArgument);
  EXPECT_ERRC(bad.notify("ok", std::string(8000, 'x')), Errc::kPayloadTooLarge);
  EXPECT_ERRC(store().listen("bad-name"), Errc::kInvalidArgument);
}

TEST_P(Conformance, MaintenanceCallsSucceed) {
  exec_ddl("CREATE TABLE m (id BIGINT PRIMARY KEY, b {blob})");
  {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
    ASSERT_OK(tx.exec("INSERT INTO m (id, b) VALUES (1, ?)", {random_bytes(5000, 3)}));
    ASSERT_OK(tx.exec("DELETE FROM m WHERE id = 1"));
    ASSERT_OK(tx.commit());
  }
  EXPECT_OK(store().checkpoint());
  const std::string_view tables[] = {"m"};
  EXPECT_OK(store().scrub(tables));
  EXPECT_OK(store().vacuum("m"));
  EXPECT_ERRC(store().vacuum("m; DROP TABLE m"), Errc::kInvalidArgument);
  const std::string_view bad[] = {"m m"};
  EXPECT_ERRC(store().scrub(bad), Errc::kInvalidArgument);
  EXPECT_EQ(count("m"), 0);
}

// ---- Migrations ----

const Migration kVaultV1[] = {
    {1, "subjects", "CREATE TABLE subjects (subject_id TEXT PRIMARY KEY, created_at BIGINT)"},
    {2, "fields",
     "CREATE TABLE fields (subject_id TEXT NOT NULL, field TEXT NOT NULL, value {blob},"
     " PRIMARY KEY (subject_id, field));"
     "CREATE TABLE events (id {autoid}, subject_id TEXT NOT NULL, at BIGINT NOT NULL)"},
};

TEST_P(Conformance, MigrationsApplyOnceAndAreIdempotent) {
  ManualClock clock(from_unix_micros(1'700'000'000'000'000));
  ASSERT_OK_AND_ASSIGN(int v0, schema_version(store(), "vault"));
  EXPECT_EQ(v0, 0);
  ASSERT_OK_AND_ASSIGN(int applied, migrate(store(), "vault", kVaultV1, clock));
  EXPECT_EQ(applied, 2);
  ASSERT_OK_AND_ASSIGN(int again, migrate(store(), "vault", kVaultV1, clock));
  EXPECT_EQ(again, 0);
  ASSERT_OK(ts_->reopen());
  ASSERT_OK_AND_ASSIGN(int after_reopen, migrate(store(), "vault", kVaultV1, clock));
  EXPECT_EQ(after_reopen, 0);
  ASSERT_OK_AND_ASSIGN(int v, schema_version(store(), "vault"));
  EXPECT_EQ(v, 2);
  // Components are independent.
  ASSERT_OK_AND_ASSIGN(int audit_v, schema_version(store(), "audit"));
  EXPECT_EQ(audit_v, 0);

  // The recorded rows; {autoid} assigns ids.
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().write());
  ASSERT_OK_AND_ASSIGN(auto rec, tx.query_one("SELECT COUNT(*), MIN(applied_at), MAX(name) "
                                              "FROM schema_migrations WHERE component = ?",
                                              {"vault"}));
  EXPECT_EQ((*rec)[0], Value(2));
  EXPECT_EQ((*rec)[1], Value(1'700'000'000'000'000));
  EXPECT_EQ((*rec)[2], Value("subjects"));
  ASSERT_OK(tx.exec("INSERT INTO events (subject_id, at) VALUES (?, ?)", {"s", 1}));
  ASSERT_OK(tx.exec("INSERT INTO events (subject_id, at) VALUES (?, ?)", {"s", 2}));
  ASSERT_OK_AND_ASSIGN(auto ids, tx.query_one("SELECT MIN(id), MAX(id) FROM events"));
  EXPECT_EQ(*(*ids)[1].as_int() - *(*ids)[0].as_int(), 1);
  ASSERT_OK(tx.commit());
}

TEST_P(Conformance, NewerSchemaIsRefused) {
  ManualClock clock(from_unix_micros(0));
  ASSERT_OK(migrate(store(), "vault", kVaultV1, clock));
  const Migration v3 = {3, "future", "CREATE TABLE future (id BIGINT)"};
  std::vector<Migration> newer(std::begin(kVaultV1), std::end(kVaultV1));
  newer.push_back(v3);
  ASSERT_OK_AND_ASSIGN(int applied, migrate(store(), "vault", newer, clock));
  EXPECT_EQ(applied, 1);
  auto refused = migrate(store(), "vault", kVaultV1, clock);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kUnsupported);
  EXPECT_EQ(refused.error().message,
            "schema of vault is version 3, this binary knows up to 2; upgrade charter");
}

TEST_P(Conformance, FailingMigrationIsRolledBack) {
  ManualClock clock(from_unix_micros(0));
  const Migration broken[] = {
      {1, "ok", "CREATE TABLE good (id BIGINT PRIMARY KEY)"},
      {2, "broken", "CREATE TABLE half (id BIGINT); INSERT INTO nowhere VALUES (1)"},
  };
  auto r = migrate(store(), "consent", broken, clock);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("consent v2 (broken)"), std::string::npos) << r.error().message;
  ASSERT_OK_AND_ASSIGN(int v, schema_version(store(), "consent"));
  EXPECT_EQ(v, 1);
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  EXPECT_OK(tx.query_one("SELECT COUNT(*) FROM good"));
  tx.rollback();
  ASSERT_OK_AND_ASSIGN(Transaction tx2, store().read());
  EXPECT_FALSE(tx2.query_one("SELECT COUNT(*) FROM half").ok());
}

TEST_P(Conformance, MigrationListsAreChecked) {
  ManualClock clock(from_unix_micros(0));
  const Migration gap[] = {{1, "a", "SELECT 1"}, {3, "c", "SELECT 1"}};
  EXPECT_ERRC(migrate(store(), "x", gap, clock), Errc::kInvalidArgument);
  const Migration unnamed[] = {{1, "", "SELECT 1"}};
  EXPECT_ERRC(migrate(store(), "x", unnamed, clock), Errc::kInvalidArgument);
  const Migration ok[] = {{1, "a", "SELECT 1"}};
  EXPECT_ERRC(migrate(store(), "bad name", ok, clock), Errc::kInvalidArgument);
}

TEST_P(Conformance, DialectSpecificMigrationSql) {
  ManualClock clock(from_unix_micros(0));
  const Migration m[] = {{1, "per dialect",
                          "CREATE TABLE which (name TEXT); "
                          "INSERT INTO which VALUES ('sqlite')",
                          "CREATE TABLE which (name TEXT); INSERT INTO which VALUES ('postgres')"}};
  ASSERT_OK(migrate(store(), "dialect", m, clock));
  ASSERT_OK_AND_ASSIGN(Transaction tx, store().read());
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT name FROM which"));
  EXPECT_EQ((*row)[0], Value(GetParam() == Backend::kSqlite ? "sqlite" : "postgres"));
}

TEST_P(Conformance, ConcurrentStartsApplyEachMigrationOnce) {
  ManualClock clock(from_unix_micros(0));
  // Several "servers" (stores on the same data) start at once.
  constexpr int kServers = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kServers; ++i) {
    ASSERT_OK_AND_ASSIGN(auto s, open_store(ts_->target()));
    stores.push_back(std::move(s));
  }
  std::vector<int> applied(kServers, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] {
      auto r = migrate(*stores[i], "vault", kVaultV1, clock);
      applied[i] = r.ok() ? *r : -100;
    });
  }
  for (auto& t : threads) t.join();
  int total = 0;
  for (int a : applied) {
    EXPECT_GE(a, 0);
    total += a;
  }
  EXPECT_EQ(total, 2);
  stores.clear();
  ASSERT_OK_AND_ASSIGN(int v, schema_version(store(), "vault"));
  EXPECT_EQ(v, 2);
}

}  // namespace
}  // namespace charter::store
