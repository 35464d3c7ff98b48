// Fixtures for src/consent tests only: a fresh store per test on both backends, the Oxemis
// policy with one extra consent purpose that expires (cookie consent, 13 months), a key ring and
// a ledger on a manual clock.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "consent/ledger.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::consent::testing {

inline std::string source_dir() {
  const char* env = std::getenv("CHARTER_SOURCE_DIR");
  return env && *env ? env : CHARTER_SOURCE_DIR;
}

// The Oxemis policy plus `audience_cookies`: consent based, expiry P13M (CNIL cookie guidance).
inline std::string test_policy_yaml() {
  std::ifstream in(source_dir() + "/policies/oxemis.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string yaml = ss.str();
  const std::string marker = "\npurposes:";
  auto at = yaml.find(marker);
  if (at == std::string::npos) return yaml;
  at = yaml.find('\n', at + 1);
  const std::string extra = R"(
  - id: audience_cookies
    dpv: dpv:WebAnalytics
    label: {fr: Mesure d'audience par cookies, en: Audience measurement with cookies}
    description:
      fr: Mesurer la fréquentation de nos sites au moyen de cookies.
      en: Measuring visits to our websites with cookies.
    basis: consent
    subjects: [customer, prospect]
    categories: [cookies]
    recipients: [engineering]
    consent:
      withdrawal_channels: [privacy_center, email_dpo]
      notice:
        fr: J'accepte les cookies de mesure d'audience.
        en: I accept audience measurement cookies.
      expiry: P13M
    retention:
      - categories: [cookies]
        duration: P13M
        after: [event_time]
        on_expiry: delete
        note:
          fr: Treize mois au plus.
          en: Thirteen months at most.
)";
  yaml.insert(at + 1, extra.substr(1));
  return yaml;
}

inline std::shared_ptr<const policy::Policy> test_policy() {
  static std::shared_ptr<const policy::Policy> cached = [] {
    auto p = policy::load_policy_text(test_policy_yaml(), "oxemis+cookies.yaml");
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

class ConsentFixture : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto key = crypto::MasterKey::generate(1, key_random_);
    ASSERT_TRUE(key.ok());
    ASSERT_OK(ring_.add(std::move(key).value()));
    ASSERT_NE(test_policy(), nullptr);
    make_store();
    if (!ts_) return;
    open_ledger();
  }

  void make_store(store::StoreOptions options = {}) {
    auto made = store::TestStore::make(GetParam(), std::move(options));
    if (!made.ok()) {
      if (GetParam() == store::Backend::kPostgres && !store::pg_required() &&
          made.error().message == "CHARTER_TEST_PG_URL is not set") {
        GTEST_SKIP() << "PostgreSQL tests skipped: CHARTER_TEST_PG_URL is not set";
      }
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
  }

  void open_ledger(LedgerOptions options = {}) {
    ledger_.reset();
    auto l = ConsentLedger::open(ts_->store(), test_policy(), clock_, random_, ring_,
                                 std::move(options));
    ASSERT_TRUE(l.ok()) << l.error().to_string();
    ledger_ = std::move(l).value();
  }

  // Opens the ledger with an observer that records every change (read under changes_mu_).
  void open_ledger_recording_changes() {
    LedgerOptions options;
    options.on_change = [this](const Change& c) {
      std::lock_guard lock(changes_mu_);
      changes_.push_back(c);
    };
    open_ledger(std::move(options));
  }

  void reopen() {
    ledger_.reset();
    ASSERT_OK(ts_->reopen());
    open_ledger();
  }

  std::string subject() { return new_id(id_random_, "sub"); }
  std::string staff() { return new_id(id_random_, "stf"); }

  Evidence via(std::string channel, std::string language = "") {
    Evidence e;
    e.channel = std::move(channel);
    e.language = std::move(language);
    return e;
  }

  std::int64_t count(const std::string& table) {
    auto tx = ts_->store().read();
    if (!tx.ok()) return -1;
    auto row = tx->query_one("SELECT COUNT(*) FROM " + table);
    if (!row.ok() || !*row) return -1;
    return *(**row)[0].as_int();
  }

  ManualClock clock_{at("2025-03-01T10:00:00Z")};
  SeededRandom random_{7};
  SeededRandom key_random_{8};
  SeededRandom id_random_{9};
  crypto::KeyRing ring_;
  std::unique_ptr<store::TestStore> ts_;
  std::mutex changes_mu_;
  std::vector<Change> changes_;  // open_ledger_recording_changes(); outlives the ledger
  std::unique_ptr<ConsentLedger> ledger_;
};

inline std::string backend_test_name(const ::testing::TestParamInfo<store::Backend>& info) {
  return std::string(store::backend_name(info.param));
}

#define CHARTER_CONSENT_BACKENDS(Suite)                                                           \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                       \
                           ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres), \
                           ::charter::consent::testing::backend_test_name)

}  // namespace charter::consent::testing
