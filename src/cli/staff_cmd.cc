// charter staff add|train|sign|suspend|list|password|service-add|service-list|token-issue|
// token-revoke (docs/STAFF.md). Names and e-mail addresses are printed only by `list --names`;
// an API token is printed once, by token-issue.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/key_option.h"
#include "cli/trail_cli.h"
#include "core/clock.h"
#include "core/random.h"
#include "policy/duration.h"
#include "policy/loader.h"
#include "staff/registry.h"
#include "staff/services.h"
#include "store/open.h"

namespace charter::cli {
namespace {

struct StaffOpts {
  StoreOptions store;
  KeyOptions keys;
  std::string id, name, email, date, service, token_id, valid = "P90D";
  std::vector<std::string> roles, purposes;
  bool reinstate = false, names = false;
};

struct StaffContext {
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<crypto::KeyRing> ring;
  std::unique_ptr<store::Store> store;
  std::shared_ptr<const policy::Policy> policy;
  OpenTrail trail;  // every change is audited (fail closed); destroyed after the registries
  std::unique_ptr<staff::StaffRegistry> staff;
  std::unique_ptr<staff::ServiceRegistry> services;
};

// Services need no key; members do.
Result<std::unique_ptr<StaffContext>> open_staff(const StaffOpts& o, bool members) {
  auto ctx = std::make_unique<StaffContext>();
  CHARTER_TRY(auto policy, policy::load_policy(o.store.policy));
  ctx->policy = std::make_shared<const policy::Policy>(std::move(policy));
  if (members) {
    CHARTER_TRY(ctx->ring, load_key_ring(o.keys));
  }
  CHARTER_TRY(ctx->store,
              store::open_store(o.store.database.empty() ? o.store.data : o.store.database));
  CHARTER_TRY(ctx->trail, open_cli_trail(o.store, ctx->policy.get(), ctx->clock, ctx->random));
  if (members) {
    staff::RegistryOptions ro;
    ro.audit = ctx->trail.trail.get();
    CHARTER_TRY(ctx->staff, staff::StaffRegistry::open(*ctx->store, ctx->policy, ctx->clock,
                                                       ctx->random, *ctx->ring, ro));
  }
  CHARTER_TRY(ctx->services, staff::ServiceRegistry::open(*ctx->store, ctx->policy, ctx->clock,
                                                          ctx->random, ctx->trail.trail.get()));
  return ctx;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string opt_date(const std::optional<Date>& d) { return d ? format_date(*d) : "-"; }

void print_member(staff::StaffRegistry& reg, const staff::Member& m, Timestamp now) {
  auto until = reg.training_valid_until(m);
  std::printf(
      "%s\troles=%s\ttrained=%s\ttraining_valid=%s\tvalid_until=%s\tsigned=%s\t%s\t"
      "password=%s",
      m.id.c_str(), join(m.roles).c_str(), opt_date(m.trained_on).c_str(),
      reg.training_valid(m, now) ? "yes" : "no", until ? format_date(date_of(*until)).c_str() : "-",
      opt_date(m.confidentiality_signed).c_str(), m.suspended ? "suspended" : "active",
      m.has_password ? "set" : "none");
}

Result<Date> date_or_today(const std::string& text, const Clock& clock) {
  if (text.empty()) return date_of(clock.now());
  auto d = parse_date(text);
  if (!d) return make_error(Errc::kInvalidArgument, "--date: " + d.error().message);
  return *d;
}

// A member command: parses, opens the registry, runs `body`.
void member_command(CLI::App* cmd, Action& action, std::shared_ptr<StaffOpts> o,
                    std::function<int(StaffContext&)> body) {
  add_store_options(cmd, o->store);
  add_key_options(cmd, o->keys);
  cmd->callback([&action, o, body] {
    action = [o, body] {
      auto ctx = open_staff(*o, true);
      if (!ctx) return fail(ctx.error());
      return body(**ctx);
    };
  });
}

void service_command(CLI::App* cmd, Action& action, std::shared_ptr<StaffOpts> o,
                     std::function<int(StaffContext&)> body) {
  add_store_options(cmd, o->store);
  cmd->callback([&action, o, body] {
    action = [o, body] {
      auto ctx = open_staff(*o, false);
      if (!ctx) return fail(ctx.error());
      return body(**ctx);
    };
  });
}

}  // namespace

CLI::App* register_staff_commands(CLI::App& app, Action& action) {
  CLI::App* area = app.add_subcommand("staff", "Staff registry and service identities");
  area->require_subcommand(1);
  auto o = std::make_shared<StaffOpts>();

  CLI::App* add = area->add_subcommand("add", "Register a staff member; prints the new id");
  add->add_option("--name", o->name, "Display name")->required();
  add->add_option("--email", o->email, "E-mail address (console login)")->required();
  add->add_option("--role", o->roles, "Role (a policy staff role); repeat for several")->required();
  member_command(add, action, o, [o](StaffContext& c) {
    auto m = c.staff->add({o->name, o->email, o->roles});
    if (!m) return fail(m.error());
    std::printf("%s\n", m->id.c_str());
    return 0;
  });

  CLI::App* train = area->add_subcommand("train", "Record a training date (default today)");
  train->add_option("--id", o->id, "Staff id (stf_...)")->required();
  train->add_option("--date", o->date, "YYYY-MM-DD");
  member_command(train, action, o, [o](StaffContext& c) {
    auto d = date_or_today(o->date, c.clock);
    if (!d) return fail(d.error());
    auto m = c.staff->record_training(o->id, *d);
    if (!m) return fail(m.error());
    print_member(*c.staff, *m, c.clock.now());
    std::printf("\n");
    return 0;
  });

  CLI::App* sign = area->add_subcommand(
      "sign", "Record the signature of the confidentiality commitment (default today)");
  sign->add_option("--id", o->id, "Staff id (stf_...)")->required();
  sign->add_option("--date", o->date, "YYYY-MM-DD");
  member_command(sign, action, o, [o](StaffContext& c) {
    auto d = date_or_today(o->date, c.clock);
    if (!d) return fail(d.error());
    auto m = c.staff->record_confidentiality(o->id, *d);
    if (!m) return fail(m.error());
    print_member(*c.staff, *m, c.clock.now());
    std::printf("\n");
    return 0;
  });

  CLI::App* suspend = area->add_subcommand("suspend", "Suspend a staff member (or --reinstate)");
  suspend->add_option("--id", o->id, "Staff id (stf_...)")->required();
  suspend->add_flag("--reinstate", o->reinstate, "Lift the suspension instead");
  member_command(suspend, action, o, [o](StaffContext& c) {
    auto m = o->reinstate ? c.staff->reinstate(o->id) : c.staff->suspend(o->id);
    if (!m) return fail(m.error());
    print_member(*c.staff, *m, c.clock.now());
    std::printf("\n");
    return 0;
  });

  CLI::App* list = area->add_subcommand("list", "List staff members and whether they may act");
  list->add_flag("--names", o->names, "Also print display names and e-mail addresses");
  member_command(list, action, o, [o](StaffContext& c) {
    auto all = c.staff->list();
    if (!all) return fail(all.error());
    for (const auto& m : *all) {
      print_member(*c.staff, m, c.clock.now());
      if (o->names) {
        auto d = c.staff->details(m.id);
        if (!d) return fail(d.error());
        std::printf("\tname=%s\temail=%s", d->display_name.c_str(), d->email.c_str());
      }
      std::printf("\n");
    }
    return 0;
  });

  CLI::App* password = area->add_subcommand(
      "password", "Set a member's console password, read from the first line of stdin");
  password->add_option("--id", o->id, "Staff id (stf_...)")->required();
  member_command(password, action, o, [o](StaffContext& c) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto st = c.staff->set_password(o->id, line);
    std::fill(line.begin(), line.end(), '\0');
    if (!st.ok()) return fail(st.error());
    std::printf("password set\n");
    return 0;
  });

  CLI::App* svc_add = area->add_subcommand(
      "service-add", "Register a service identity bound to purposes; prints its id");
  svc_add->add_option("--name", o->name, "Service name (a-z, 0-9, '-', '_')")->required();
  svc_add->add_option("--purpose", o->purposes, "Purpose it may invoke; repeat for several")
      ->required();
  service_command(svc_add, action, o, [o](StaffContext& c) {
    auto s = c.services->add(o->name, o->purposes);
    if (!s) return fail(s.error());
    std::printf("%s\n", s->id.c_str());
    return 0;
  });

  CLI::App* svc_list = area->add_subcommand("service-list", "List service identities");
  service_command(svc_list, action, o, [](StaffContext& c) {
    auto all = c.services->list();
    if (!all) return fail(all.error());
    for (const auto& s : *all) {
      std::printf("%s\t%s\tpurposes=%s\t%s\n", s.id.c_str(), s.name.c_str(),
                  join(s.purposes).c_str(), s.suspended ? "suspended" : "active");
    }
    return 0;
  });

  CLI::App* issue = area->add_subcommand(
      "token-issue", "Issue an API token for a service; the token is printed once, never again");
  issue->add_option("--service", o->service, "Service id (svc_...) or name")->required();
  issue->add_option("--valid", o->valid, "Validity, ISO duration (at most P2Y)")
      ->capture_default_str();
  service_command(issue, action, o, [o](StaffContext& c) {
    auto validity = policy::parse_duration(o->valid);
    if (!validity) {
      return fail(
          make_error(Errc::kInvalidArgument, "--valid: expected an ISO duration like P90D"));
    }
    std::string id = o->service;
    if (id.rfind("svc_", 0) != 0) {
      auto s = c.services->find_by_name(id);
      if (!s) return fail(s.error());
      id = s->id;
    }
    auto t = c.services->issue_token(id, *validity);
    if (!t) return fail(t.error());
    std::printf("token=%s\ntoken_id=%s\nexpires=%s\n", t->token.c_str(), t->info.id.c_str(),
                format_timestamp(t->info.expires_at).c_str());
    std::fprintf(stderr, "charter: store this token now; it is not shown again\n");
    return 0;
  });

  CLI::App* revoke = area->add_subcommand("token-revoke", "Revoke an API token");
  revoke->add_option("--token-id", o->token_id, "Token id (tok_...)")->required();
  service_command(revoke, action, o, [o](StaffContext& c) {
    auto st = c.services->revoke_token(o->token_id);
    if (!st.ok()) return fail(st.error());
    std::printf("revoked %s\n", o->token_id.c_str());
    return 0;
  });
  return area;
}

}  // namespace charter::cli
