// Key management: initialisation, master key checks and sources, epoch rotation (and its
// resumption), master rotation, several processes on one store.
#include "vault/keys.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

#include "crypto/key_source.h"
#include "vault/test_env.h"

namespace charter::vault {
namespace {

using testing::VaultTest;

class Keys : public VaultTest {
 protected:
  bool exists(const std::string& name) { return std::filesystem::exists(key_dir_ + "/" + name); }
  crypto::MasterKey master(std::uint32_t version) {
    return crypto::MasterKey::from_bytes(version, master_bytes_).value();
  }
  std::map<std::string, std::string> email_of(Vault& v, const std::vector<std::string>& ids) {
    std::map<std::string, std::string> out;
    for (const auto& id : ids) {
      ReadRequest r;
      r.subject_id = id;
      r.fields = {"email"};
      auto data = v.read(r);
      EXPECT_TRUE(data.ok()) << data.error().to_string();
      if (data.ok() && !data->values.empty()) out[id] = data->values[0].value;
    }
    return out;
  }
  std::vector<std::string> some_subjects(int n) {
    std::vector<NewSubject> batch;
    for (int i = 0; i < n; ++i) batch.push_back(customer("k" + std::to_string(i) + "@example.com"));
    return vault().create_subjects(batch).value();
  }
};

TEST_P(Keys, InitialisedOnceWithPrivateFiles) {
  EXPECT_TRUE(exists("epoch-1.m1.key"));
  struct stat st {};
  ASSERT_EQ(::stat((key_dir_ + "/epoch-1.m1.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(key_dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_ERRC(KeyService::initialize(store(), key_dir_, master(1), clock_, random_),
              Errc::kAlreadyExists);
  EXPECT_EQ(*KeyService::initialized(store()), true);
  EXPECT_EQ(*KeyService::master_version(store()), 1u);
  // The epoch-1 file is never in the database: only its id.
  EXPECT_EQ(count("vault_epochs"), 1);
}

TEST_P(Keys, InitialisationGoesThroughTheFunnel) {
  auto fresh = store::TestStore::make(GetParam());
  ASSERT_TRUE(fresh.ok());
  testing::TempDir dir;
  testing::RecordingSink sink;
  VaultOptions options;
  options.sink = &sink;
  sink.set_fail(true);  // the audit cannot be written: nothing is initialised
  EXPECT_ERRC(Vault::initialize_keys((*fresh)->store(), testing::oxemis(), dir.path() + "/keys",
                                     master(1), clock_, random_, options),
              Errc::kUnavailable);
  EXPECT_FALSE(*KeyService::initialized((*fresh)->store()));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/keys/epoch-1.m1.key"));
  sink.set_fail(false);
  ASSERT_OK(Vault::initialize_keys((*fresh)->store(), testing::oxemis(), dir.path() + "/keys",
                                   master(1), clock_, random_, options));
  auto changes = sink.changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kKeysInitialized);
  EXPECT_EQ(changes[0].policy_version, testing::oxemis().version);
}

TEST_P(Keys, RefusesTheWrongMasterKeyAndMissingFiles) {
  auto other = crypto::MasterKey::generate(1, random_).value();
  auto r = KeyService::open(store(), key_dir_, std::move(other), clock_, random_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("is not master key version 1 of this store"), std::string::npos);
  auto v2 = KeyService::open(store(), key_dir_, master(2), clock_, random_);
  EXPECT_EQ(v2.error().code, Errc::kFailedPrecondition);

  testing::TempDir empty;
  auto missing = KeyService::open(store(), empty.path(), master(1), clock_, random_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::kNotFound);

  auto fresh = store::TestStore::make(GetParam());
  ASSERT_TRUE(fresh.ok());
  auto none = KeyService::open((*fresh)->store(), key_dir_, master(1), clock_, random_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::kFailedPrecondition);
  EXPECT_NE(none.error().message.find("charter keys init"), std::string::npos);
  // A key folder that already holds another vault's epoch 1 is refused.
  EXPECT_ERRC(KeyService::initialize((*fresh)->store(), key_dir_, master(1), clock_, random_),
              Errc::kAlreadyExists);
}

TEST(MasterKeySource, OrderFileThenEnvironmentThenDefault) {
  testing::TempDir dir;
  SystemRandom random;
  const std::string explicit_file = dir.path() + "/explicit.key";
  const std::string default_file = dir.path() + "/master.key";
  auto a = crypto::create_key_file(explicit_file, 1, random).value();
  auto b = crypto::create_key_file(default_file, 1, random).value();
  MasterKeySource src;
  src.env_var = "CHARTER_TEST_VAULT_MASTER";
  src.default_file = default_file;
  ::unsetenv(src.env_var.c_str());
  EXPECT_EQ(load_master_key(src, 1)->id(), b.id());
  EXPECT_EQ(src.describe(), "key file " + default_file);
  auto c = crypto::MasterKey::generate(1, random).value();
  ::setenv(src.env_var.c_str(), std::string(64, 'a').c_str(), 1);
  auto from_env = load_master_key(src, 1);
  ASSERT_TRUE(from_env.ok());
  EXPECT_NE(from_env->id(), b.id());
  EXPECT_EQ(src.describe(), "environment variable CHARTER_TEST_VAULT_MASTER");
  src.key_file = explicit_file;
  EXPECT_EQ(load_master_key(src, 1)->id(), a.id());
  ::unsetenv(src.env_var.c_str());
  (void)c;
  src.key_file = dir.path() + "/absent.key";
  EXPECT_EQ(load_master_key(src, 1).error().code, Errc::kNotFound);
}

TEST_P(Keys, RotationRewrapsEverythingAndDestroysTheOldEpoch) {
  auto ids = some_subjects(25);
  ASSERT_OK(vault().record_event({ids[0], "order", clock_.now(), "{}", {}}));
  auto before = email_of(vault(), ids);
  ASSERT_OK_AND_ASSIGN(auto report, vault().rotate_keys(7));
  EXPECT_EQ(report.epoch, 2u);
  EXPECT_EQ(report.destroyed_epochs, std::vector<std::uint32_t>{1});
  EXPECT_EQ(report.keys_rewrapped, 26);  // 25 contact keys + 1 transactions key
  EXPECT_EQ(report.system_keys_rewrapped, 1);
  EXPECT_EQ(report.batches, 5);  // 4 batches of <= 7 data keys, 1 of system keys
  EXPECT_FALSE(exists("epoch-1.m1.key"));
  EXPECT_TRUE(exists("epoch-2.m1.key"));
  EXPECT_EQ(vault().keys().ring()->ring.versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_keys WHERE epoch <> 2"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_epochs WHERE destroyed_at IS NOT NULL"), 1);
  EXPECT_EQ(email_of(vault(), ids), before);
  // Reopened from the files, it still opens everything; blind indexes unchanged.
  open_vault();
  EXPECT_EQ(email_of(vault(), ids), before);
  ASSERT_OK_AND_ASSIGN(auto found, vault().find("email", "k3@example.com"));
  EXPECT_EQ(found, std::vector<std::string>{ids[3]});
  ASSERT_OK_AND_ASSIGN(report, vault().rotate_keys());
  EXPECT_EQ(report.epoch, 3u);
  EXPECT_EQ(email_of(vault(), ids), before);
}

// A rotation interrupted after the rewrap (here: its last transaction fails) is finished by the
// next call, which starts no new epoch.
TEST_P(Keys, InterruptedRotationIsResumed) {
  auto ids = some_subjects(10);
  auto before = email_of(vault(), ids);
  struct FailOnDestroy final : ChangeSink {
    Status record(store::Transaction&, const Change& c) override {
      if (c.kind == ChangeKind::kEpochDestroyed) return make_error(Errc::kUnavailable, "down");
      return ok_status();
    }
  } failing;
  {
    auto keys = KeyService::open(store(), key_dir_, master(1), clock_, random_).value();
    VaultOptions o;
    o.sink = &failing;
    auto v = Vault::open(store(), testing::oxemis(), std::move(keys), clock_, random_, o).value();
    EXPECT_ERRC(v->rotate_keys(), Errc::kUnavailable);
  }
  EXPECT_TRUE(exists("epoch-1.m1.key"));
  EXPECT_TRUE(exists("epoch-2.m1.key"));
  open_vault();
  EXPECT_EQ(vault().keys().ring()->ring.versions(), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(email_of(vault(), ids), before);
  ASSERT_OK_AND_ASSIGN(auto report, vault().rotate_keys());
  EXPECT_EQ(report.epoch, 2u);
  EXPECT_EQ(report.destroyed_epochs, std::vector<std::uint32_t>{1});
  EXPECT_EQ(report.keys_rewrapped, 0);  // done by the interrupted run
  EXPECT_FALSE(exists("epoch-1.m1.key"));
  EXPECT_EQ(email_of(vault(), ids), before);
}

TEST_P(Keys, MasterRotationRewrapsTheEpochFiles) {
  auto ids = some_subjects(5);
  auto before = email_of(vault(), ids);
  auto next = crypto::MasterKey::generate(2, random_).value();
  crypto::Bytes next_bytes(next.key_bytes().begin(), next.key_bytes().end());
  EXPECT_ERRC(vault().rotate_master(crypto::MasterKey::generate(3, random_).value()),
              Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto report, vault().rotate_master(std::move(next)));
  EXPECT_EQ(report.from_version, 1u);
  EXPECT_EQ(report.to_version, 2u);
  EXPECT_EQ(report.epoch_files, 1);
  EXPECT_FALSE(exists("epoch-1.m1.key"));
  EXPECT_TRUE(exists("epoch-1.m2.key"));
  EXPECT_EQ(email_of(vault(), ids), before);
  // The old master key no longer opens the vault; the new one does.
  vault_.reset();
  EXPECT_ERRC(KeyService::open(store(), key_dir_, master(1), clock_, random_),
              Errc::kFailedPrecondition);
  master_bytes_ = next_bytes;
  master_version_ = 2;
  open_vault();
  EXPECT_EQ(email_of(vault(), ids), before);
  // Epoch rotation under the new master.
  ASSERT_OK(vault().rotate_keys());
  EXPECT_TRUE(exists("epoch-2.m2.key"));
  EXPECT_EQ(email_of(vault(), ids), before);
}

// Two processes share the store and the key folder: a rotation by one is picked up by the other
// (new keys wrapped under the new epoch; reads under the destroyed one retried).
TEST_P(Keys, AnotherProcessFollowsTheRotation) {
  auto ids = some_subjects(5);
  auto other_keys = KeyService::open(store(), key_dir_, master(1), clock_, random_).value();
  auto other =
      Vault::open(store(), testing::oxemis(), std::move(other_keys), clock_, random_).value();
  auto before = email_of(*other, ids);
  ASSERT_OK(vault().rotate_keys());
  // `other` still has epoch 1 current in memory; its next write finds epoch 2 in the store.
  ASSERT_OK_AND_ASSIGN(auto id, other->create_subject(customer("late@example.com")));
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_keys WHERE epoch <> 2"), 0);
  EXPECT_EQ(other->keys().ring()->ring.versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(email_of(*other, ids), before);
  EXPECT_EQ(email_of(vault(), {id})[id], "late@example.com");
  // A reader that never writes reloads when it meets a key under an epoch it lacks.
  ASSERT_OK(vault().rotate_keys());
  EXPECT_EQ(email_of(*other, ids), before);
  EXPECT_EQ(other->keys().ring()->current, 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, Keys,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::backend_label);

}  // namespace
}  // namespace charter::vault
