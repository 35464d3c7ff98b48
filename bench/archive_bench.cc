// Data-subject request benchmarks (docs/BENCHMARKS.md, "Data-subject requests"; DESIGN.md P6):
//   - access export of a subject with 10,000 events: gather (vault export: 10,000 events opened,
//     consent history), render (data.json, CSV, HTML report), manifest + Ed25519 signature, zip,
//     seal and store (Archiver::make, target <= 100 ms); and the same without storing;
//   - erasure of such a subject through the vault (Vault::erase: keys destroyed, rows deleted,
//     target <= 10 ms), with the scrub deferred (batch erasures scrub once) and with it.
// SQLite in a temporary folder (durable: synchronous=FULL).
//
//   ./scripts/build.sh release archive_bench && ./build/release/bench/archive_bench
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "archive/archive_store.h"
#include "archive/archiver.h"
#include "consent/ledger.h"
#include "core/clock.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "store/testing.h"
#include "vault/keys.h"
#include "vault/vault.h"

namespace {

namespace vault = charter::vault;
namespace archive = charter::archive;
using charter::Timestamp;

std::shared_ptr<const charter::policy::Policy> policy() {
  static auto p = std::make_shared<const charter::policy::Policy>(
      *charter::policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml"));
  return p;
}

struct Env {
  charter::SystemClock clock;
  charter::SystemRandom random;
  std::unique_ptr<charter::store::TestStore> ts;
  std::string key_dir;
  std::unique_ptr<vault::Vault> vault;
  charter::crypto::KeyRing ring;
  std::unique_ptr<charter::consent::ConsentLedger> ledger;
  std::unique_ptr<archive::ArchiveStore> archives;
  std::unique_ptr<archive::Archiver> archiver;

  Env() {
    ts = std::move(charter::store::TestStore::make(charter::store::Backend::kSqlite)).value();
    key_dir = ts->folder() + "/keys";
    auto master = charter::crypto::MasterKey::generate(1, random);
    std::vector<std::uint8_t> bytes(master->key_bytes().begin(), master->key_bytes().end());
    if (!vault::KeyService::initialize(ts->store(), key_dir, *master, clock, random).ok()) abort();
    auto m2 = charter::crypto::MasterKey::from_bytes(1, bytes);
    auto keys = vault::KeyService::open(ts->store(), key_dir, std::move(m2).value(), clock, random);
    vault = std::move(
                vault::Vault::open(ts->store(), *policy(), std::move(keys).value(), clock, random))
                .value();
    if (!ring.add(std::move(charter::crypto::MasterKey::from_bytes(1, bytes)).value()).ok())
      abort();
    ledger =
        std::move(charter::consent::ConsentLedger::open(ts->store(), policy(), clock, random, ring))
            .value();
    archives = std::move(archive::ArchiveStore::open(ts->store(), ring, clock, random)).value();
    archive::ArchiveSources src;
    src.vault = vault.get();
    src.ledger = ledger.get();
    archiver = std::make_unique<archive::Archiver>(*policy(), src, *archives);
  }

  std::string subject_with_events(int n) {
    vault::NewSubject s;
    s.purposes = {"commercial_relationship", "prospecting"};
    s.relationship = vault::Relationship::kCustomer;
    s.fields = {
        {"last_name", "Dupont"},
        {"first_name", "Jean"},
        {"job_title", "Responsable des achats"},
        {"postal_address", "132 allée Hélène Boucher\n59118 Wambrechies"},
        {"phone", "06 12 34 56 78"},
        {"email", "jean.dupont" + std::to_string(random.next_u64() % 1000000) + "@example.com"}};
    std::string id = *vault->create_subject(s);
    std::vector<vault::NewEvent> evs;
    const Timestamp now = clock.now();
    for (int i = 0; i < n; ++i) {
      evs.push_back({id,
                     "connection_ip",
                     now - std::chrono::minutes(i),
                     "192.0.2." + std::to_string(i % 250 + 1),
                     {}});
    }
    if (!vault->record_events(evs).ok()) abort();
    charter::consent::Evidence e;
    e.channel = "privacy_center";
    (void)ledger->give(id, "prospecting", e);
    (void)ledger->withdraw(id, "prospecting", e);
    return id;
  }
};

Env& env() {
  static Env e;
  return e;
}

void BM_AccessExport10kEvents(benchmark::State& state) {
  static const std::string id = env().subject_with_events(10000);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto link = env().archiver->make({id, "fr", false, "dsr_bench"});
    if (!link.ok()) {
      state.SkipWithError(link.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(link);
  }
  auto d = env().archiver->gather(id);
  archive::ManifestInfo info{"arc_x", "", "fr", false, env().clock.now(), env().clock.now()};
  auto built = env().archiver->build(*d, info);
  bytes = built->zip.size();
  state.counters["zip_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_AccessExport10kEvents)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

void BM_AccessExportGatherOnly10kEvents(benchmark::State& state) {
  static const std::string id = env().subject_with_events(10000);
  for (auto _ : state) benchmark::DoNotOptimize(env().archiver->gather(id));
}
BENCHMARK(BM_AccessExportGatherOnly10kEvents)->Unit(benchmark::kMillisecond)->UseRealTime();

// The parts of the export after gathering: rendering the files, then the zip.
void BM_AccessExportRenderOnly10kEvents(benchmark::State& state) {
  static const std::string id = env().subject_with_events(10000);
  auto d = env().archiver->gather(id);
  archive::ManifestInfo info{"arc_x", "", "fr", false, env().clock.now(), env().clock.now()};
  for (auto _ : state) benchmark::DoNotOptimize(archive::render_files(*d, *policy(), info));
}
BENCHMARK(BM_AccessExportRenderOnly10kEvents)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AccessExportZipOnly10kEvents(benchmark::State& state) {
  static const std::string id = env().subject_with_events(10000);
  auto d = env().archiver->gather(id);
  archive::ManifestInfo info{"arc_x", "", "fr", false, env().clock.now(), env().clock.now()};
  auto files = archive::render_files(*d, *policy(), info);
  for (auto _ : state) benchmark::DoNotOptimize(archive::make_zip(files, info.created_at));
}
BENCHMARK(BM_AccessExportZipOnly10kEvents)->Unit(benchmark::kMillisecond)->UseRealTime();

void erase(benchmark::State& state, bool scrub) {
  for (auto _ : state) {
    state.PauseTiming();
    const std::string id = env().subject_with_events(10000);
    vault::ErasureRequest r;
    r.subject_id = id;
    r.scrub = scrub;
    state.ResumeTiming();
    auto rep = env().vault->erase(r);
    if (!rep.ok()) {
      state.SkipWithError(rep.error().message.c_str());
      break;
    }
  }
}
void BM_Erase10kEventsScrubDeferred(benchmark::State& state) { erase(state, false); }
void BM_Erase10kEventsScrubbed(benchmark::State& state) { erase(state, true); }
BENCHMARK(BM_Erase10kEventsScrubDeferred)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(20);
BENCHMARK(BM_Erase10kEventsScrubbed)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(10);

}  // namespace

BENCHMARK_MAIN();
