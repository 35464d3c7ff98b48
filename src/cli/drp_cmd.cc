// charter drp trust-agent AGENT_ID PUBLIC_KEY_BASE64 [--name N]   trust an Authorized Agent
// charter drp distrust-agent AGENT_ID                              remove it (its tokens stop)
// charter drp agents                                               list the trusted agents
// charter drp business-id [ID]                                     print or set the business-id
// (docs/DRP.md). Each takes --data DIR or --database URL. Changes are audited (actor cli).
#include <cstdio>
#include <memory>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/trail_cli.h"
#include "cli/vault_cli.h"
#include "core/clock.h"
#include "core/random.h"
#include "crypto/encoding.h"
#include "drp/agents.h"
#include "policy/loader.h"
#include "store/open.h"

namespace charter::cli {
namespace {

struct DrpOpts {
  StoreOptions store;
  std::string agent, key, name, business;
};

struct DrpContext {
  SystemClock clock;
  SystemRandom random;
  policy::Policy policy;
  std::unique_ptr<store::Store> store;
  OpenTrail trail;
  std::unique_ptr<drp::AgentRegistry> agents;  // destroyed first
};

Result<std::unique_ptr<DrpContext>> open_drp(const DrpOpts& o, bool audited) {
  auto ctx = std::make_unique<DrpContext>();
  CHARTER_TRY(ctx->policy, policy::load_policy(o.store.policy));
  CHARTER_TRY(ctx->store, store::open_store(store_target(o.store)));
  if (audited) {
    CHARTER_TRY(ctx->trail, open_cli_trail(o.store, &ctx->policy, ctx->clock, ctx->random));
  }
  CHARTER_TRY(ctx->agents, drp::AgentRegistry::open(*ctx->store, ctx->clock, ctx->random));
  return ctx;
}

// Audited before the change (fail closed); the entry carries the action only (no key).
Status audit(DrpContext& ctx, const char* action) {
  audit::AuditEvent e;
  e.actor = kCliActor;
  e.action = action;
  e.reason = "cli";
  return ctx.trail.trail->append_all({std::move(e)});
}

}  // namespace

CLI::App* register_drp_commands(CLI::App& app, Action& action) {
  CLI::App* area = app.add_subcommand("drp", "Data Rights Protocol: trusted agents (docs/DRP.md)");
  area->require_subcommand(1);
  auto o = std::make_shared<DrpOpts>();

  CLI::App* trust = area->add_subcommand(
      "trust-agent",
      "Trust an Authorized Agent: its id and its Ed25519 verify key (base64, as in the DRP "
      "service directory). Trusting again replaces the key");
  trust->add_option("AGENT_ID", o->agent, "Agent id, 1-48 of [A-Za-z0-9_.-]")->required();
  trust->add_option("PUBLIC_KEY_BASE64", o->key, "Ed25519 verify key, 32 bytes in base64")
      ->required();
  trust->add_option("--name", o->name, "A label for the agent");
  add_store_options(trust, o->store);
  trust->callback([&action, o] {
    action = [o] {
      // Checked before anything is opened: a bad key is a usage error, named.
      if (!drp::valid_agent_id(o->agent)) {
        return fail(make_error(Errc::kInvalidArgument,
                               "AGENT_ID: 1 to 48 characters of A-Z, a-z, 0-9, '_', '.', '-'"));
      }
      if (auto k = drp::parse_verify_key(o->key); !k) {
        return fail(make_error(Errc::kInvalidArgument, "PUBLIC_KEY_BASE64: " + k.error().message));
      }
      auto ctx = open_drp(*o, true);
      if (!ctx) return fail(ctx.error());
      if (Status st = audit(**ctx, "drp.agent_trust"); !st.ok()) return fail(st.error());
      auto a = (*ctx)->agents->trust(o->agent, o->key, o->name);
      if (!a) return fail(a.error());
      std::printf("trusted\t%s\t%s\n", a->id.c_str(),
                  crypto::to_base64(crypto::ByteView(a->verify_key)).c_str());
      return 0;
    };
  });

  CLI::App* distrust =
      area->add_subcommand("distrust-agent", "Stop trusting an agent; its bearer tokens stop");
  distrust->add_option("AGENT_ID", o->agent, "Agent id")->required();
  add_store_options(distrust, o->store);
  distrust->callback([&action, o] {
    action = [o] {
      auto ctx = open_drp(*o, true);
      if (!ctx) return fail(ctx.error());
      if (Status st = audit(**ctx, "drp.agent_distrust"); !st.ok()) {
        return fail(st.error());
      }
      if (Status st = (*ctx)->agents->distrust(o->agent); !st.ok()) return fail(st.error());
      std::printf("distrusted\t%s\n", o->agent.c_str());
      return 0;
    };
  });

  CLI::App* list = area->add_subcommand(
      "agents", "The trusted agents: id, verify key (base64), trusted since, name (tab-separated)");
  add_store_options(list, o->store);
  list->callback([&action, o] {
    action = [o] {
      auto ctx = open_drp(*o, false);
      if (!ctx) return fail(ctx.error());
      auto all = (*ctx)->agents->list();
      if (!all) return fail(all.error());
      for (const auto& a : *all) {
        std::printf("%s\t%s\t%s\t%s\n", a.id.c_str(),
                    crypto::to_base64(crypto::ByteView(a.verify_key)).c_str(),
                    format_timestamp(a.trusted_at).c_str(), a.name.c_str());
      }
      return 0;
    };
  });

  CLI::App* business = area->add_subcommand(
      "business-id",
      "Print the business-id agents must sign (default: the policy controller's name in "
      "capitals), or set it");
  business->add_option("ID", o->business, "The new business-id");
  add_store_options(business, o->store);
  business->callback([&action, o] {
    action = [o] {
      auto ctx = open_drp(*o, !o->business.empty());
      if (!ctx) return fail(ctx.error());
      if (!o->business.empty()) {
        if (!drp::valid_business_id(o->business)) {
          return fail(make_error(Errc::kInvalidArgument,
                                 "ID: 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'"));
        }
        if (Status st = audit(**ctx, "drp.business_id"); !st.ok()) return fail(st.error());
        if (Status st = (*ctx)->agents->set_business_id(o->business); !st.ok()) {
          return fail(st.error());
        }
      }
      auto set = (*ctx)->agents->business_id();
      if (!set) return fail(set.error());
      std::printf("%s\n", set->value_or(drp::default_business_id((*ctx)->policy)).c_str());
      return 0;
    };
  });
  return area;
}

}  // namespace charter::cli
