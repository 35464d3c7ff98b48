// Rotation under load: reader threads read continuously (and a writer keeps creating subjects and
// events) while the keys are rotated three times; no read may fail, and afterwards only the new
// epoch exists and everything opens.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "vault/test_env.h"

namespace charter::vault {
namespace {

using testing::VaultTest;

class RotationUnderLoad : public VaultTest {};

TEST_P(RotationUnderLoad, NoFailedRead) {
  constexpr int kSubjects = 200;
  std::vector<NewSubject> batch;
  for (int i = 0; i < kSubjects; ++i) {
    batch.push_back(customer("load" + std::to_string(i) + "@example.com"));
  }
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> ids, vault().create_subjects(batch));

  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> reads{0}, failures{0}, writes{0}, write_failures{0};
  std::mutex err_mu;
  std::string first_error;
  auto note = [&](const std::string& e) {
    std::lock_guard lock(err_mu);
    if (first_error.empty()) first_error = e;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      std::size_t i = static_cast<std::size_t>(t) * 37;
      while (!stop.load()) {
        i = (i + 11) % ids.size();
        ReadRequest r;
        r.subject_id = ids[i];
        r.events = true;
        auto data = vault().read(r);
        if (!data.ok()) {
          ++failures;
          note(data.error().to_string());
        } else if (data->values.size() != 6 ||
                   data->values.back().value != "load" + std::to_string(i) + "@example.com") {
          ++failures;
          note("wrong data for subject " + std::to_string(i));
        }
        auto found = vault().find("email", "load" + std::to_string(i) + "@example.com");
        if (!found.ok() || found->size() != 1) {
          ++failures;
          note(found.ok() ? "lookup found " + std::to_string(found->size())
                          : found.error().to_string());
        }
        ++reads;
      }
    });
  }
  threads.emplace_back([&] {
    int n = 0;
    while (!stop.load()) {
      auto id = vault().create_subject(customer("new" + std::to_string(n++) + "@example.com"));
      auto ev = id.ok() ? vault().record_event(
                              {ids[n % ids.size()], "connection_ip", clock_.now(), "192.0.2.1", {}})
                        : Result<std::string>(id.error());
      if (!id.ok() || !ev.ok()) {
        ++write_failures;
        note(id.ok() ? ev.error().to_string() : id.error().to_string());
      }
      ++writes;
    }
  });
  // Let the load start, then rotate three times with small batches (many transactions).
  while (reads.load() < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<RotationReport> reports;
  for (int r = 0; r < 3; ++r) {
    auto rep = vault().rotate_keys(16);
    ASSERT_TRUE(rep.ok()) << rep.error().to_string();
    reports.push_back(*rep);
  }
  const auto reads_during = reads.load();
  stop = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(failures.load(), 0) << first_error;
  EXPECT_EQ(write_failures.load(), 0) << first_error;
  EXPECT_GT(reads_during, 20);
  EXPECT_GT(writes.load(), 0);
  EXPECT_EQ(reports.back().epoch, 4u);
  for (const auto& rep : reports) {
    EXPECT_GE(rep.keys_rewrapped, kSubjects);
    EXPECT_EQ(rep.destroyed_epochs.size(), 1u);
  }
  // The old epoch keys are gone: from memory, from the key folder, from the store's live set.
  EXPECT_EQ(vault().keys().ring()->ring.versions(), std::vector<std::uint32_t>{4});
  for (std::uint32_t e : {1u, 2u, 3u}) {
    EXPECT_FALSE(std::filesystem::exists(key_dir_ + "/" + epoch_file_name(e, 1)));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_keys WHERE epoch <> 4"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_system_keys WHERE epoch <> 4"), 0);
  // Everything still opens, also from a fresh process.
  open_vault();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ReadRequest r;
    r.subject_id = ids[i];
    r.events = true;
    auto data = vault().read(r);
    ASSERT_TRUE(data.ok()) << data.error().to_string();
    EXPECT_EQ(data->values.back().value, "load" + std::to_string(i) + "@example.com");
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store().read());
  ASSERT_OK_AND_ASSIGN(auto rows, tx.query("SELECT subject_id FROM vault_subjects"));
  std::vector<std::string> all;
  while (*rows.next()) all.emplace_back(*rows.get_text(0));
  tx.rollback();
  for (const auto& id : all) {
    ReadRequest r;
    r.subject_id = id;
    r.events = true;
    auto data = vault().read(r);
    ASSERT_TRUE(data.ok()) << data.error().to_string();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RotationUnderLoad,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::backend_label);

}  // namespace
}  // namespace charter::vault
