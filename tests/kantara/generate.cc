// kantara_receipts OUT_DIR: writes sample consent receipts for validate.mjs.
//
// Builds a consent ledger on a temporary SQLite store with the Oxemis policy, on a manual clock,
// and records what a ledger sees: consent given in French and English, through the privacy
// center and the API, withdrawn by the DPO, by a one-click unsubscribe link and by the GPC
// signal, and (with a cookie purpose that expires after 13 months, added to the policy here)
// expired. Each event's receipt goes to OUT_DIR/<n>-<kind>-<language>.json and is checked with
// check_receipt() first. Exit 0 on success, 1 with a message otherwise.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "consent/gpc.h"
#include "consent/ledger.h"
#include "consent/receipt.h"
#include "consent/unsubscribe.h"
#include "core/id.h"
#include "crypto/master_key.h"
#include "policy/loader.h"
#include "store/open.h"

namespace {

using namespace charter;

int die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "kantara_receipts: %s: %s\n", what.c_str(), e.to_string().c_str());
  return 1;
}

std::string policy_with_cookie_purpose() {
  std::ifstream in(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string yaml = ss.str();
  auto at = yaml.find("\npurposes:");
  at = yaml.find('\n', at + 1);
  yaml.insert(at + 1, R"(  - id: audience_cookies
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
)");
  return yaml;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kantara_receipts OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::remove_all(out);
  std::filesystem::create_directories(out);
  const auto data = out / "store";

  auto loaded = policy::load_policy_text(policy_with_cookie_purpose(), "oxemis+cookies.yaml");
  if (!loaded) return die("policy", loaded.error());
  auto policy = std::make_shared<const policy::Policy>(std::move(loaded).value());
  auto store = store::open_store(data.string());
  if (!store) return die("store", store.error());
  ManualClock clock(*parse_timestamp("2025-01-15T09:30:00Z"));
  SeededRandom random(2025);
  crypto::KeyRing ring;
  auto key = crypto::MasterKey::generate(1, random);
  if (!key) return die("key", key.error());
  if (auto st = ring.add(std::move(key).value()); !st.ok()) return die("ring", st.error());
  auto ledger = consent::ConsentLedger::open(**store, policy, clock, random, ring);
  if (!ledger) return die("ledger", ledger.error());
  auto& l = **ledger;
  consent::UnsubscribeOptions uo;
  uo.base_url = "https://privacy.oxemis.com/unsubscribe";
  auto unsub = consent::OneClickUnsubscribe::make(l, uo);
  if (!unsub) return die("unsubscribe", unsub.error());

  const std::string a = new_id(random, "sub"), b = new_id(random, "sub"), c = new_id(random, "sub");
  auto ev = [](std::string channel, std::string lang) {
    consent::Evidence e;
    e.channel = std::move(channel);
    e.language = std::move(lang);
    e.ip = "192.0.2.10";
    e.user_agent = "Mozilla/5.0";
    return e;
  };
  std::vector<Status> steps;
  auto step = [&](Result<consent::ConsentEvent> r) {
    steps.push_back(r.ok() ? ok_status() : Status(r.error()));
  };
  step(l.give(a, "prospecting", ev("privacy_center", "fr")));
  step(l.give(b, "prospecting", ev("api", "en")));
  step(l.give(c, "audience_cookies", ev("privacy_center", "en")));
  step(l.give(a, "audience_cookies", ev("privacy_center", "fr")));
  clock.advance(std::chrono::hours(24 * 40));
  step(l.withdraw(b, "prospecting", ev("email_dpo", "en")));
  auto link = unsub->link(a, "prospecting");
  if (!link) return die("link", link.error());
  step(unsub->unsubscribe(link->url.substr(link->url.find("token=") + 6)));
  step(l.give(b, "prospecting", ev("privacy_center", "fr")));
  if (auto g = consent::apply_gpc(l, b); !g) return die("gpc", g.error());
  clock.advance(std::chrono::hours(24 * 400));
  if (auto n = l.record_expiries(); !n) return die("expiry", n.error());
  for (const auto& s : steps)
    if (!s.ok()) return die("record", s.error());

  int written = 0;
  for (const auto& subject : {a, b, c}) {
    auto events = l.history(subject);
    if (!events) return die("history", events.error());
    for (const auto& e : *events) {
      auto receipt = consent::make_receipt(*policy, e);
      if (!receipt) return die("receipt", receipt.error());
      if (auto st = consent::check_receipt(*receipt); !st.ok()) return die("check", st.error());
      auto name =
          std::to_string(++written) + "-" + consent::to_string(e.kind) + "-" + e.language + ".json";
      std::ofstream(out / name) << receipt->dump(2) << "\n";
    }
  }
  ledger->reset();
  store->reset();
  std::filesystem::remove_all(data);
  std::printf("kantara_receipts: %d receipts in %s\n", written, out.c_str());
  return 0;
}
