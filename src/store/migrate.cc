#include "store/migrate.h"

#include <string>

namespace charter::store {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " version BIGINT NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL,"
    " PRIMARY KEY (component, version))";

constexpr std::string_view kLockName = "charter.migrate";

Status check_list(std::string_view component, std::span<const Migration> migrations) {
  if (!is_identifier(component)) {
    return make_error(Errc::kInvalidArgument, "migrate: component must be an identifier");
  }
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const Migration& m = migrations[i];
    std::string where =
        "migrate: " + std::string(component) + " migration #" + std::to_string(i + 1);
    if (m.version != static_cast<int>(i) + 1) {
      return make_error(Errc::kInvalidArgument, where + ": versions must be 1, 2, 3, ... in order");
    }
    if (m.name.empty() || m.sql.empty()) {
      return make_error(Errc::kInvalidArgument, where + ": needs a name and SQL");
    }
  }
  return ok_status();
}

// Creates the bookkeeping table and returns the component's version, inside `tx`.
Result<int> current_version(Transaction& tx, std::string_view component) {
  CHARTER_TRY(auto row, tx.query_one("SELECT MAX(version) FROM schema_migrations "
                                     "WHERE component = ?",
                                     {component}));
  if (!row || (*row)[0].is_null()) return 0;
  CHARTER_TRY(std::int64_t v, (*row)[0].as_int(0));
  return static_cast<int>(v);
}

Error refuse_newer(std::string_view component, int found, int known) {
  return make_error(Errc::kUnsupported, "schema of " + std::string(component) + " is version " +
                                            std::to_string(found) + ", this binary knows up to " +
                                            std::to_string(known) + "; upgrade charter");
}

Result<Transaction> begin_migration(Store& store) {
  CHARTER_TRY(Transaction tx, store.write());
  CHARTER_TRY_STATUS(tx.lock(kLockName));
  CHARTER_TRY_STATUS(tx.exec_script(kCreateTable));
  return tx;
}

}  // namespace

Result<int> migrate(Store& store, std::string_view component, std::span<const Migration> migrations,
                    const Clock& clock) {
  CHARTER_TRY_STATUS(check_list(component, migrations));
  const int known = static_cast<int>(migrations.size());
  int applied = 0;
  while (true) {
    CHARTER_TRY(Transaction tx, begin_migration(store));
    CHARTER_TRY(int version, current_version(tx, component));
    if (version > known) return refuse_newer(component, version, known);
    if (version == known) {
      CHARTER_TRY_STATUS(tx.commit());  // keeps schema_migrations if it was just created
      return applied;
    }
    const Migration& m = migrations[version];
    std::string_view sql = tx.dialect().backend() == Backend::kPostgres && !m.postgres_sql.empty()
                               ? m.postgres_sql
                               : m.sql;
    Status st = tx.exec_script(tx.dialect().expand(sql));
    if (!st.ok()) {
      Error e = std::move(st).error();
      e.message = "migrate: " + std::string(component) + " v" + std::to_string(m.version) + " (" +
                  std::string(m.name) + "): " + e.message;
      return e;
    }
    CHARTER_TRY(std::int64_t ignored,
                tx.exec("INSERT INTO schema_migrations (component, version, name, applied_at) "
                        "VALUES (?, ?, ?, ?)",
                        {component, m.version, m.name, to_unix_micros(clock.now())}));
    (void)ignored;
    CHARTER_TRY_STATUS(tx.commit());
    ++applied;
  }
}

Result<int> schema_version(Store& store, std::string_view component) {
  CHARTER_TRY(Transaction tx, begin_migration(store));
  CHARTER_TRY(int version, current_version(tx, component));
  CHARTER_TRY_STATUS(tx.commit());
  return version;
}

}  // namespace charter::store
