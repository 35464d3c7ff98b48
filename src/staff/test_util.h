// Fixtures for src/staff tests only: a fresh store per test on both backends, the Oxemis policy,
// a key ring, a staff registry (minimum Argon2id limits) and a service registry on a manual
// clock.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/id.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "staff/registry.h"
#include "staff/services.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::staff::testing {

inline std::shared_ptr<const policy::Policy> oxemis() {
  static std::shared_ptr<const policy::Policy> cached = [] {
    const char* env = std::getenv("CHARTER_SOURCE_DIR");
    std::string dir = env && *env ? env : CHARTER_SOURCE_DIR;
    auto p = policy::load_policy(dir + "/policies/oxemis.yaml");
    if (!p.ok()) {
      ADD_FAILURE() << p.error().to_string();
      return std::shared_ptr<const policy::Policy>();
    }
    return std::make_shared<const policy::Policy>(std::move(p).value());
  }();
  return cached;
}

inline Timestamp at(const char* text) {
  auto t = parse_timestamp(text);
  if (!t.ok()) throw std::runtime_error("bad time in test");
  return *t;
}

inline Date day(const char* text) {
  auto d = parse_date(text);
  if (!d.ok()) throw std::runtime_error("bad date in test");
  return *d;
}

class StaffFixture : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto key = crypto::MasterKey::generate(1, key_random_);
    ASSERT_TRUE(key.ok());
    ASSERT_OK(ring_.add(std::move(key).value()));
    ASSERT_NE(oxemis(), nullptr);
    auto made = store::TestStore::make(GetParam());
    if (!made.ok()) {
      if (GetParam() == store::Backend::kPostgres && !store::pg_required() &&
          made.error().message == "CHARTER_TEST_PG_URL is not set") {
        GTEST_SKIP() << "PostgreSQL tests skipped: CHARTER_TEST_PG_URL is not set";
      }
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
    open();
  }

  void open() {
    staff_.reset();
    services_.reset();
    RegistryOptions options;
    options.password_limits = crypto::Argon2Limits::minimum();
    auto r = StaffRegistry::open(ts_->store(), oxemis(), clock_, random_, ring_, options);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    staff_ = std::move(r).value();
    auto s = ServiceRegistry::open(ts_->store(), oxemis(), clock_, random_);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    services_ = std::move(s).value();
  }

  std::int64_t count(const std::string& table) {
    auto tx = ts_->store().read();
    if (!tx.ok()) return -1;
    auto row = tx->query_one("SELECT COUNT(*) FROM " + table);
    if (!row.ok() || !*row) return -1;
    return *(**row)[0].as_int();
  }

  ManualClock clock_{at("2025-03-01T10:00:00Z")};
  SeededRandom random_{17};
  SeededRandom key_random_{18};
  crypto::KeyRing ring_;
  std::unique_ptr<store::TestStore> ts_;
  std::unique_ptr<StaffRegistry> staff_;
  std::unique_ptr<ServiceRegistry> services_;
};

#define CHARTER_STAFF_BACKENDS(Suite)                                                         \
  INSTANTIATE_TEST_SUITE_P(                                                                   \
      Backends, Suite, ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres), \
      [](const auto& info) { return std::string(store::backend_name(info.param)); })

}  // namespace charter::staff::testing
