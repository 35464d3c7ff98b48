// Fuzz target: a message file of the DPO's maildir (rights/maildir.h), bytes anybody can send by
// e-mail. Each input goes through what `intake_maildir` does with a file: `parse_message` (RFC
// 5322 headers with folded lines, then the body), `from_address` on the From: value, and, when
// there is an address, `RequestQueue::create` of the unclassified request on a throw-away SQLite
// store (made once per process). Properties: parsing never throws; the address is a part of the
// From: value, without blanks; the queue either records the request or refuses it with
// kInvalidArgument (the intake then leaves the file in new/ and goes on) -- any other error
// would stop the intake of every later message, so one e-mail could block the mailbox.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "rights/maildir.h"
#include "rights/queue.h"
#include "store/testing.h"

namespace {

using namespace charter;

struct World {
  ManualClock clock{Timestamp{} + std::chrono::hours(24 * 365 * 55)};
  SeededRandom random{11};
  crypto::KeyRing ring;
  std::unique_ptr<policy::Policy> policy;
  std::unique_ptr<store::TestStore> ts;
  std::unique_ptr<rights::RequestQueue> queue;
  std::uint64_t count = 0;
};

World* world() {
  static World* w = [] {
    auto* w = new World;
    SeededRandom key_random(12);
    auto key = crypto::MasterKey::generate(1, key_random);
    if (!key.ok() || !w->ring.add(std::move(key).value()).ok()) std::abort();
    auto policy = policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
    if (!policy.ok()) std::abort();
    w->policy = std::make_unique<policy::Policy>(std::move(policy).value());
    auto ts = store::TestStore::make(store::Backend::kSqlite);
    if (!ts.ok()) std::abort();
    w->ts = std::move(ts).value();
    auto queue =
        rights::RequestQueue::open(w->ts->store(), *w->policy, w->ring, w->clock, w->random);
    if (!queue.ok()) {
      std::fprintf(stderr, "queue: %s\n", queue.error().to_string().c_str());
      std::abort();
    }
    w->queue = std::move(queue).value();
    std::atexit([] {  // the queue, then the store (its temporary folder is removed)
      world()->queue.reset();
      world()->ts.reset();
    });
    return w;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const rights::MailMessage m = rights::parse_message(raw);
  const std::string email = rights::from_address(m.from);
  if (email.empty()) return 0;
  if (m.from.find(email) == std::string::npos ||
      email.find_first_of(" \t\r\n") != std::string::npos) {
    std::fprintf(stderr, "from_address is not a blank-free part of the From: value\n");
    std::abort();
  }
  World* w = world();
  rights::NewRequest n;
  n.type = rights::RightType::kUnclassified;
  n.channel = "email_dpo";
  n.language = "fr";
  n.email = email;
  n.text = ("Subject: " + m.subject + "\n\n" + m.body).substr(0, 10000);
  n.mail_key = "fuzz" + std::to_string(++w->count);
  auto made =
      w->queue->create(n, rights::Actor{rights::Actor::Kind::kSystem, "maildir"}, "maildir_intake");
  if (!made.ok() && made.error().code != Errc::kInvalidArgument) {
    std::fprintf(stderr, "queue refused a parsed message with %s\n",
                 made.error().to_string().c_str());
    std::abort();
  }
  return 0;
}
