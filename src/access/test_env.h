// Test helpers for src/access tests only (header only): a store on the parameter's backend, a
// vault and a consent ledger on one manual clock, the decision index wired to both as their
// after-commit observer, the access service, and a recording DecisionLog that can be told to
// fail.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "access/actor.h"
#include "access/bulk.h"
#include "access/decision_index.h"
#include "access/decision_log.h"
#include "access/service.h"
#include "access/subject_facts.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "consent/test_util.h"
#include "crypto/master_key.h"
#include "store/test_macros.h"
#include "store/testing.h"
#include "vault/test_env.h"

namespace charter::access::testing {

inline Timestamp at(const char* s) { return *parse_timestamp(s); }

// Records every decision; fails (kUnavailable) when told to.
class RecordingLog final : public DecisionLog {
 public:
  struct Single {
    std::string actor, subject, purpose;
    Decision decision;
    std::string request_id;
  };
  struct Bulk {
    std::string actor, purpose;
    std::uint64_t asked = 0, allowed = 0;
    std::string request_id;
  };
  Status record(const Actor& actor, std::string_view subject_id, const AccessRequest& request,
                const Decision& decision, std::string_view request_id) override {
    std::lock_guard lock(mu_);
    if (fail_) return make_error(Errc::kUnavailable, "audit log unavailable (test)");
    singles_.push_back(
        {actor.id, std::string(subject_id), request.purpose, decision, std::string(request_id)});
    return ok_status();
  }
  Status record_bulk(const Actor& actor, std::string_view purpose, std::uint64_t asked,
                     std::uint64_t allowed, std::string_view request_id) override {
    std::lock_guard lock(mu_);
    if (fail_) return make_error(Errc::kUnavailable, "audit log unavailable (test)");
    bulks_.push_back({actor.id, std::string(purpose), asked, allowed, std::string(request_id)});
    return ok_status();
  }
  void set_fail(bool f) {
    std::lock_guard lock(mu_);
    fail_ = f;
  }
  std::vector<Single> singles() {
    std::lock_guard lock(mu_);
    return singles_;
  }
  std::vector<Bulk> bulks() {
    std::lock_guard lock(mu_);
    return bulks_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    singles_.clear();
    bulks_.clear();
  }

 private:
  std::mutex mu_;
  bool fail_ = false;
  std::vector<Single> singles_;
  std::vector<Bulk> bulks_;
};

class AccessFixture : public ::testing::TestWithParam<store::Backend> {
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
    policy_ = consent::testing::test_policy();
    ASSERT_NE(policy_, nullptr);
    key_dir_ = keys_tmp_.path() + "/keys";
    auto master = crypto::MasterKey::generate(1, random_);
    ASSERT_TRUE(master.ok());
    master_bytes_.assign(master->key_bytes().begin(), master->key_bytes().end());
    ASSERT_OK(vault::KeyService::initialize(store(), key_dir_, *master, clock_, random_));
    auto ring_key = crypto::MasterKey::generate(1, random_);
    ASSERT_TRUE(ring_key.ok());
    ASSERT_OK(ring_.add(std::move(ring_key).value()));
    open_all(/*with_index=*/true);
  }

  // Opens vault, ledger, (index) and service. `with_index`: the index observes and is loaded.
  void open_all(bool with_index, bool load_index = true) {
    service_.reset();
    source_.reset();
    ledger_.reset();
    vault_.reset();
    index_.reset();
    if (with_index) index_ = std::make_unique<DecisionIndex>(*policy_);
    auto master = crypto::MasterKey::from_bytes(1, master_bytes_);
    ASSERT_TRUE(master.ok());
    auto keys =
        vault::KeyService::open(store(), key_dir_, std::move(master).value(), clock_, random_);
    ASSERT_TRUE(keys.ok()) << keys.error().to_string();
    vault::VaultOptions vo;
    if (index_) vo.on_commit = index_->vault_observer();
    auto v = vault::Vault::open(store(), *policy_, std::move(keys).value(), clock_, random_, vo);
    ASSERT_TRUE(v.ok()) << v.error().to_string();
    vault_ = std::move(v).value();
    consent::LedgerOptions lo;
    if (index_) lo.on_change = index_->consent_observer();
    auto l = consent::ConsentLedger::open(store(), policy_, clock_, random_, ring_, lo);
    ASSERT_TRUE(l.ok()) << l.error().to_string();
    ledger_ = std::move(l).value();
    objections_ = std::make_unique<consent::Objections>(*ledger_);
    restrictions_ = std::make_unique<consent::Restrictions>(*ledger_);
    source_ = std::make_unique<FactSource>(*vault_, *ledger_);
    service_ = std::make_unique<AccessService>(*source_, log_, clock_);
    if (index_ && load_index) {
      auto stats = index_->load(*source_);
      ASSERT_TRUE(stats.ok()) << stats.error().to_string();
      stats_ = *stats;
    }
  }

  store::Store& store() { return ts_->store(); }

  // A prospect (prospecting only) or customer with an e-mail address.
  std::string create(const std::string& email, vault::Relationship rel,
                     std::optional<Timestamp> contract_end = std::nullopt) {
    vault::NewSubject s;
    s.relationship = rel;
    if (rel == vault::Relationship::kProspect) {
      s.purposes = {"prospecting"};
      s.fields = {{"email", email}};
    } else {
      s.purposes = {"commercial_relationship", "prospecting"};
      s.contract_start = clock_.now() - std::chrono::hours(24 * 30);
      s.contract_end = contract_end;
      s.fields = {
          {"last_name", "Martin"}, {"postal_address", "1 rue de la Paix"}, {"email", email}};
    }
    auto id = vault_->create_subject(s);
    EXPECT_TRUE(id.ok()) << id.error().to_string();
    return id.ok() ? *id : "";
  }

  consent::Evidence via(const char* channel) {
    consent::Evidence e;
    e.channel = channel;
    return e;
  }

  staff::Identity sales(std::optional<Date> trained = std::nullopt) {
    staff::Identity who;
    who.kind = staff::Identity::Kind::kStaff;
    who.id = "stf_sales";
    who.roles = {"sales"};
    who.trained_on = trained ? trained : date_of(clock_.now());
    who.confidentiality_signed = date_of(clock_.now() - std::chrono::hours(24 * 400));
    return who;
  }
  staff::Identity mailer() {
    staff::Identity who;
    who.kind = staff::Identity::Kind::kService;
    who.id = "svc_mailer";
    who.purposes = {"prospecting"};
    return who;
  }

  ManualClock clock_{at("2026-03-02T10:00:00Z")};
  SystemRandom random_;
  vault::testing::TempDir keys_tmp_;
  std::string key_dir_;
  crypto::Bytes master_bytes_;
  crypto::KeyRing ring_;
  std::shared_ptr<const policy::Policy> policy_;
  std::unique_ptr<store::TestStore> ts_;
  RecordingLog log_;
  std::unique_ptr<DecisionIndex> index_;
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<consent::ConsentLedger> ledger_;
  std::unique_ptr<consent::Objections> objections_;
  std::unique_ptr<consent::Restrictions> restrictions_;
  std::unique_ptr<FactSource> source_;
  std::unique_ptr<AccessService> service_;
  IndexStats stats_;
};

inline std::string backend_label(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

#define CHARTER_ACCESS_BACKENDS(Suite)                                                            \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                       \
                           ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres), \
                           ::charter::access::testing::backend_label)

}  // namespace charter::access::testing
