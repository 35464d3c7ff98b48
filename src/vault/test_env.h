// Test helpers for src/vault tests only (header only; include from *_test.cc files).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "store/test_macros.h"
#include "store/testing.h"
#include "vault/keys.h"
#include "vault/vault.h"

namespace charter::vault::testing {

inline const policy::Policy& oxemis() {
  static const policy::Policy p =
      *policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  return p;
}

inline Timestamp at(const char* s) { return *parse_timestamp(s); }

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "charter-vault-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Records every change (thread safe); can be told to fail.
class RecordingSink final : public ChangeSink {
 public:
  Status record(store::Transaction&, const Change& change) override {
    std::lock_guard lock(mu_);
    if (fail_) return make_error(Errc::kUnavailable, "audit unavailable (test)");
    changes_.push_back(change);
    return ok_status();
  }
  std::vector<Change> changes() {
    std::lock_guard lock(mu_);
    return changes_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    changes_.clear();
  }
  void set_fail(bool f) {
    std::lock_guard lock(mu_);
    fail_ = f;
  }

 private:
  std::mutex mu_;
  std::vector<Change> changes_;
  bool fail_ = false;
};

inline std::string backend_label(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

// A fresh store, key folder, master key and vault per test, on the parameter's backend.
class VaultTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto made = store::TestStore::make(GetParam());
    if (!made.ok()) {
      if (GetParam() == store::Backend::kPostgres && !store::pg_required() &&
          made.error().message == "CHARTER_TEST_PG_URL is not set") {
        GTEST_SKIP() << "PostgreSQL tests skipped: CHARTER_TEST_PG_URL is not set";
      }
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
    key_dir_ = keys_tmp_.path() + "/keys";
    auto master = crypto::MasterKey::generate(1, random_);
    ASSERT_TRUE(master.ok());
    master_bytes_.assign(master->key_bytes().begin(), master->key_bytes().end());
    ASSERT_OK(KeyService::initialize(store(), key_dir_, *master, clock_, random_));
    open_vault();
  }

  void open_vault() {
    vault_.reset();
    auto master = crypto::MasterKey::from_bytes(master_version_, master_bytes_);
    ASSERT_TRUE(master.ok());
    auto keys = KeyService::open(store(), key_dir_, std::move(master).value(), clock_, random_);
    ASSERT_TRUE(keys.ok()) << keys.error().to_string();
    VaultOptions options;
    options.sink = &sink_;
    auto v = Vault::open(store(), oxemis(), std::move(keys).value(), clock_, random_, options);
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    vault_ = std::move(v).value();
  }

  store::Store& store() { return ts_->store(); }
  Vault& vault() { return *vault_; }
  bool is_pg() const { return GetParam() == store::Backend::kPostgres; }

  std::int64_t count(const std::string& sql_or_table) {
    std::string sql = sql_or_table.find(' ') == std::string::npos
                          ? "SELECT COUNT(*) FROM " + sql_or_table
                          : sql_or_table;
    auto tx = store().read();
    if (!tx.ok()) {
      ADD_FAILURE() << tx.error().to_string();
      return -1;
    }
    auto row = tx->query_one(sql);
    if (!row.ok() || !*row) {
      ADD_FAILURE() << (row.ok() ? "no row" : row.error().to_string());
      return -1;
    }
    return (**row)[0].as_int().value_or(-1);
  }

  // A customer with the six contact fields.
  NewSubject customer(const std::string& email = "jean.dupont@example.fr",
                      const std::string& phone = "06 12 34 56 78") {
    NewSubject s;
    s.purposes = {"commercial_relationship", "prospecting"};
    s.relationship = Relationship::kCustomer;
    s.contract_start = clock_.now();
    s.fields = {{"last_name", "Dupont"}, {"first_name", "Jean"},
                {"job_title", "Gérant"}, {"postal_address", "1 rue de la Paix\n75002 Paris"},
                {"phone", phone},        {"email", email}};
    return s;
  }

  ManualClock clock_{at("2026-03-02T10:00:00Z")};
  SystemRandom random_;
  TempDir keys_tmp_;
  std::string key_dir_;
  crypto::Bytes master_bytes_;
  std::uint32_t master_version_ = 1;
  RecordingSink sink_;
  std::unique_ptr<store::TestStore> ts_;
  std::unique_ptr<Vault> vault_;
};

}  // namespace charter::vault::testing
