// Fresh stores for the tests of any layer (store, vault, audit, ...): a temporary SQLite data
// folder, or a private schema in the PostgreSQL database named by CHARTER_TEST_PG_URL (set by
// scripts/test.sh), so tests running in parallel processes never see each other's tables.
//
// Contract: make_test_store returns kUnavailable when PostgreSQL is asked for and
// CHARTER_TEST_PG_URL is unset (tests then GTEST_SKIP, or fail when pg_required()). Destroying
// a TestStore closes the store and deletes its folder or drops its schema. reopen() closes and
// opens the same data again (durability tests). Not thread safe; one per test.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace charter::store {

// CHARTER_TEST_PG_URL, if set and non-empty.
std::optional<std::string> test_pg_url();
// True when CHARTER_REQUIRE_PG=1: a missing PostgreSQL must fail tests, not skip them.
bool pg_required();

class TestStore {
 public:
  static Result<std::unique_ptr<TestStore>> make(Backend backend, StoreOptions options = {});
  ~TestStore();

  Store& store() { return *store_; }
  Store* operator->() { return store_.get(); }
  // The folder (SQLite) or URL with search_path set (PostgreSQL) that open_store takes.
  const std::string& target() const { return target_; }
  // SQLite: the data folder; empty for PostgreSQL.
  const std::string& folder() const { return folder_; }
  // Closes the store (all its transactions must have ended) and opens it again.
  Status reopen();
  // Closes the store; store() must not be used until reopen().
  void close() { store_.reset(); }

 private:
  TestStore() = default;

  std::unique_ptr<Store> store_;
  StoreOptions options_;
  std::string target_;
  std::string folder_;
  std::string base_url_;  // PostgreSQL: the URL without search_path, to drop the schema
  std::string schema_;
};

}  // namespace charter::store
