// charter consent give|withdraw|state|history|receipt|expire: the DPO's view of the consent
// ledger (docs/CONSENT.md). Output never includes evidence (IP address, user agent) unless
// --show-evidence is given.
#include <cstdio>
#include <memory>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/key_option.h"
#include "cli/trail_cli.h"
#include "consent/ledger.h"
#include "consent/receipt.h"
#include "core/clock.h"
#include "core/random.h"
#include "policy/loader.h"
#include "policy/version.h"
#include "store/open.h"

namespace charter::cli {
namespace {

struct ConsentOpts {
  StoreOptions store;
  KeyOptions keys;
  std::string subject, purpose, channel, language, ip, user_agent, event, policy_url;
  bool show_evidence = false;
  int limit = 10000;
};

struct LedgerContext {
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<crypto::KeyRing> ring;
  std::unique_ptr<store::Store> store;
  OpenTrail trail;                                 // every change is audited (fail closed)
  std::unique_ptr<consent::ConsentLedger> ledger;  // destroyed first
};

Result<std::unique_ptr<LedgerContext>> open_ledger(const ConsentOpts& o) {
  auto ctx = std::make_unique<LedgerContext>();
  CHARTER_TRY(auto policy, policy::load_policy(o.store.policy));
  CHARTER_TRY(ctx->ring, load_key_ring(o.keys));
  CHARTER_TRY(ctx->store,
              store::open_store(o.store.database.empty() ? o.store.data : o.store.database));
  auto shared = std::make_shared<const policy::Policy>(std::move(policy));
  CHARTER_TRY(ctx->trail, open_cli_trail(o.store, shared.get(), ctx->clock, ctx->random));
  CHARTER_TRY_STATUS(attach_vault_keys(*ctx->trail.trail, *ctx->store, o.store, o.keys.key_file,
                                       ctx->clock, ctx->random));
  consent::LedgerOptions lo;
  lo.audit = ctx->trail.trail.get();
  CHARTER_TRY(ctx->ledger, consent::ConsentLedger::open(*ctx->store, shared, ctx->clock,
                                                        ctx->random, *ctx->ring, lo));
  return ctx;
}

std::string opt_time(const std::optional<Timestamp>& t) { return t ? format_timestamp(*t) : "-"; }

void print_event(consent::ConsentLedger& ledger, const consent::ConsentEvent& e, bool evidence) {
  std::printf("%s\t%s\t%s\t%s\tchannel=%s\tlanguage=%s\tpolicy=%s\texpires=%s\tgpc=%s",
              e.event_id.c_str(), format_timestamp(e.at).c_str(), e.purpose.c_str(),
              consent::to_string(e.kind), e.channel.c_str(), e.language.c_str(),
              policy::short_version(e.policy_version).c_str(), opt_time(e.expires_at).c_str(),
              e.gpc ? "yes" : "no");
  if (evidence) {
    auto ev = ledger.open_evidence(e);
    if (ev.ok()) {
      std::printf("\tip=%s\tuser_agent=%s", ev->ip.value_or("-").c_str(),
                  ev->user_agent.value_or("-").c_str());
    } else {
      std::printf("\tevidence=(cannot open: %s)", error_slug(ev.error().code).data());
    }
  } else {
    std::printf("\tevidence=%s", e.sealed_evidence ? "sealed" : "none");
  }
  std::printf("\n");
}

void add_subject(CLI::App* cmd, ConsentOpts& o) {
  cmd->add_option("--subject", o.subject, "Subject id (sub_...)")->required();
}

void add_record(CLI::App* area, Action& action, std::shared_ptr<ConsentOpts> o,
                consent::EventKind kind) {
  const bool give = kind == consent::EventKind::kGiven;
  CLI::App* cmd = area->add_subcommand(
      give ? "give" : "withdraw",
      give ? "Record that a subject gave consent to a purpose (evidence: channel, notice language)"
           : "Record that a subject withdrew consent to a purpose");
  add_store_options(cmd, o->store);
  add_key_options(cmd, o->keys);
  add_subject(cmd, *o);
  cmd->add_option("--purpose", o->purpose, "Purpose id (a consent purpose of the policy)")
      ->required();
  cmd->add_option("--channel", o->channel, "Policy channel id (e.g. email_dpo)")->required();
  cmd->add_option("--language", o->language, "Language of the notice shown (default: first)");
  cmd->add_option("--ip", o->ip, "IP address of the request (sealed)");
  cmd->add_option("--user-agent", o->user_agent, "User agent of the request (sealed)");
  cmd->callback([&action, o, kind] {
    action = [o, kind] {
      auto ctx = open_ledger(*o);
      if (!ctx) return fail(ctx.error());
      consent::Evidence ev;
      ev.channel = o->channel;
      ev.language = o->language;
      if (!o->ip.empty()) ev.ip = o->ip;
      if (!o->user_agent.empty()) ev.user_agent = o->user_agent;
      auto& ledger = *(*ctx)->ledger;
      auto e = kind == consent::EventKind::kGiven ? ledger.give(o->subject, o->purpose, ev)
                                                  : ledger.withdraw(o->subject, o->purpose, ev);
      if (!e) return fail(e.error());
      print_event(ledger, *e, false);
      return 0;
    };
  });
}

}  // namespace

CLI::App* register_consent_commands(CLI::App& app, Action& action) {
  CLI::App* area = app.add_subcommand("consent", "Consent ledger: record, read, receipts");
  area->require_subcommand(1);
  auto o = std::make_shared<ConsentOpts>();

  add_record(area, action, o, consent::EventKind::kGiven);
  add_record(area, action, o, consent::EventKind::kWithdrawn);

  CLI::App* state = area->add_subcommand("state", "Current consent state of a subject");
  add_store_options(state, o->store);
  add_key_options(state, o->keys);
  add_subject(state, *o);
  state->add_option("--purpose", o->purpose, "Only this purpose");
  state->callback([&action, o] {
    action = [o] {
      auto ctx = open_ledger(*o);
      if (!ctx) return fail(ctx.error());
      auto& ledger = *(*ctx)->ledger;
      std::map<std::string, consent::ConsentState> states;
      if (!o->purpose.empty()) {
        auto s = ledger.state(o->subject, o->purpose);
        if (!s) return fail(s.error());
        states[o->purpose] = *s;
      } else {
        auto all = ledger.states(o->subject);
        if (!all) return fail(all.error());
        states = std::move(*all);
        // Consent purposes with no event yet show as "none".
        for (const auto& p : ledger.policy().purposes)
          if (p.consent && !states.count(p.id)) states[p.id] = {};
      }
      for (const auto& [purpose, s] : states) {
        std::printf("%s\t%s\tsince=%s\texpires=%s\n", purpose.c_str(), consent::to_string(s.status),
                    opt_time(s.at).c_str(), opt_time(s.expires_at).c_str());
      }
      return 0;
    };
  });

  CLI::App* history = area->add_subcommand("history", "Every consent event of a subject");
  add_store_options(history, o->store);
  add_key_options(history, o->keys);
  add_subject(history, *o);
  history->add_option("--purpose", o->purpose, "Only this purpose");
  history->add_flag("--show-evidence", o->show_evidence,
                    "Open and print the sealed IP address and user agent");
  history->callback([&action, o] {
    action = [o] {
      auto ctx = open_ledger(*o);
      if (!ctx) return fail(ctx.error());
      auto& ledger = *(*ctx)->ledger;
      auto events = ledger.history(o->subject, o->purpose);
      if (!events) return fail(events.error());
      for (const auto& e : *events) print_event(ledger, e, o->show_evidence);
      return 0;
    };
  });

  CLI::App* receipt =
      area->add_subcommand("receipt", "Kantara Consent Receipt v1.1 (JSON) for one consent event");
  add_store_options(receipt, o->store);
  add_key_options(receipt, o->keys);
  add_subject(receipt, *o);
  receipt->add_option("--event", o->event, "Event id (cev_...)")->required();
  receipt->add_option("--language", o->language, "Language of the texts (default: the event's)");
  receipt->add_option("--policy-url", o->policy_url,
                      "URL of the published charter (default: <controller website>/charter)");
  receipt->callback([&action, o] {
    action = [o] {
      auto ctx = open_ledger(*o);
      if (!ctx) return fail(ctx.error());
      auto& ledger = *(*ctx)->ledger;
      auto e = ledger.event(o->subject, o->event);
      if (!e) return fail(e.error());
      auto r = consent::make_receipt(ledger.policy(), *e, {o->policy_url, o->language});
      if (!r) return fail(r.error());
      std::printf("%s\n", r->dump(2).c_str());
      return 0;
    };
  });

  CLI::App* expire =
      area->add_subcommand("expire", "Write `expired` events for consents whose expiry has passed");
  add_store_options(expire, o->store);
  add_key_options(expire, o->keys);
  expire->add_option("--limit", o->limit, "At most this many per run")->capture_default_str();
  expire->callback([&action, o] {
    action = [o] {
      auto ctx = open_ledger(*o);
      if (!ctx) return fail(ctx.error());
      auto n = (*ctx)->ledger->record_expiries(o->limit);
      if (!n) return fail(n.error());
      std::printf("%d consent(s) expired\n", *n);
      return 0;
    };
  });
  return area;
}

}  // namespace charter::cli
