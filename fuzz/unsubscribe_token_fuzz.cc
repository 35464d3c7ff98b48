// Fuzz target: one-click unsubscribe tokens (RFC 8058; consent/unsubscribe.h), the only token a
// stranger can send without logging in. A consent ledger on a throw-away SQLite store (made once
// per process) receives each input as a token. Properties: a token that is not one this target
// made is refused with kUnauthenticated (no crash, no other error code for garbage). The keys and
// the clock are fixed, so tokens are reproducible: with CHARTER_FUZZ_PRINT_SEED=1 the target
// prints a real token for the subject it gives consent to (how fuzz/corpus/unsubscribe_token/
// was made); mutations of it reach the payload opening and the ledger.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string_view>

#include "consent/ledger.h"
#include "consent/unsubscribe.h"
#include "core/clock.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "crypto/master_key.h"
#include "no_echo.h"
#include "policy/loader.h"
#include "store/testing.h"

namespace {

using namespace charter;

struct World {
  ManualClock clock{Timestamp{} + std::chrono::hours(24 * 365 * 55)};
  SeededRandom random{5};
  crypto::KeyRing ring;
  std::unique_ptr<store::TestStore> ts;
  std::unique_ptr<consent::ConsentLedger> ledger;
  std::unique_ptr<consent::OneClickUnsubscribe> unsubscribe;
};

World* world() {
  static World* w = [] {
    auto* w = new World;
    SeededRandom key_random(8);
    auto key = crypto::MasterKey::generate(1, key_random);
    if (!key.ok() || !w->ring.add(std::move(key).value()).ok()) std::abort();
    auto policy = policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
    if (!policy.ok()) std::abort();
    auto shared = std::make_shared<const policy::Policy>(std::move(policy).value());
    auto ts = store::TestStore::make(store::Backend::kSqlite);
    if (!ts.ok()) std::abort();
    w->ts = std::move(ts).value();
    auto ledger =
        consent::ConsentLedger::open(w->ts->store(), shared, w->clock, w->random, w->ring);
    if (!ledger.ok()) std::abort();
    w->ledger = std::move(ledger).value();
    consent::UnsubscribeOptions options;
    options.base_url = "https://privacy.example.com/unsubscribe";
    auto u = consent::OneClickUnsubscribe::make(*w->ledger, options);
    if (!u.ok()) std::abort();
    w->unsubscribe = std::make_unique<consent::OneClickUnsubscribe>(std::move(u).value());
    const std::string subject = "sub_0000000000000000000000000a";
    consent::Evidence via;
    via.channel = "privacy_center";
    if (auto given = w->ledger->give(subject, "prospecting", via); !given.ok()) {
      std::fprintf(stderr, "seed consent refused: %s\n", given.error().to_string().c_str());
      std::abort();
    }
    if (const char* e = std::getenv("CHARTER_FUZZ_PRINT_SEED"); e && *e == '1') {
      auto link = w->unsubscribe->link(subject, "prospecting");
      if (!link.ok()) std::abort();
      std::printf("%s\n", link->url.substr(link->url.find("token=") + 6).c_str());
    }
    std::atexit([] {  // the ledger, then the store (its temporary folder is removed)
      world()->unsubscribe.reset();
      world()->ledger.reset();
      world()->ts.reset();
    });
    return w;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  auto r = world()->unsubscribe->unsubscribe(token);
  if (!r.ok() && r.error().code != charter::Errc::kUnauthenticated &&
      r.error().code != charter::Errc::kNotFound &&
      r.error().code != charter::Errc::kAlreadyExists &&
      r.error().code != charter::Errc::kFailedPrecondition) {
    std::abort();
  }
  // A message never echoes the token (no_echo.h).
  if (!r.ok()) charter::fuzzing::check_no_echo(r.error().message);
  return 0;
}
