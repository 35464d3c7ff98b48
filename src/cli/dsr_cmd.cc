// charter dsr deadline --received YYYY-MM-DD [--policy FILE]
// charter dsr intake --maildir DIR   (the DPO's mailbox: each new message a received request)
// charter dsr list [--open] [--state S]
#include <cstdio>
#include <memory>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/key_option.h"
#include "cli/trail_cli.h"
#include "core/clock.h"
#include "core/random.h"
#include "policy/loader.h"
#include "rights/deadline.h"
#include "rights/maildir.h"
#include "rights/queue.h"
#include "rights/trail_hook.h"
#include "store/open.h"

namespace charter::cli {
namespace {

struct QueueOpts {
  StoreOptions store;
  KeyOptions keys;
  std::string maildir;
  std::string state;
  bool open_only = false;
};

// Everything the queue needs, owned together (destroyed in reverse order).
struct QueueContext {
  SystemClock clock;
  SystemRandom random;
  policy::Policy policy;
  std::unique_ptr<crypto::KeyRing> ring;
  std::unique_ptr<store::Store> store;
  OpenTrail trail;
  std::unique_ptr<rights::RequestQueue> queue;  // destroyed first
};

Result<std::unique_ptr<QueueContext>> open_queue(const QueueOpts& o) {
  auto ctx = std::make_unique<QueueContext>();
  CHARTER_TRY(ctx->policy, policy::load_policy(o.store.policy));
  CHARTER_TRY(ctx->ring, load_key_ring(o.keys));
  CHARTER_TRY(ctx->store,
              store::open_store(o.store.database.empty() ? o.store.data : o.store.database));
  CHARTER_TRY(ctx->trail, open_cli_trail(o.store, &ctx->policy, ctx->clock, ctx->random));
  CHARTER_TRY_STATUS(attach_vault_keys(*ctx->trail.trail, *ctx->store, o.store, o.keys.key_file,
                                       ctx->clock, ctx->random));
  CHARTER_TRY(ctx->queue,
              rights::RequestQueue::open(*ctx->store, ctx->policy, *ctx->ring, ctx->clock,
                                         ctx->random, rights::trail_audit_hook(*ctx->trail.trail)));
  return ctx;
}

}  // namespace

CLI::App* register_dsr_commands(CLI::App& app, Action& action) {
  CLI::App* area = app.add_subcommand("dsr", "Data-subject requests");
  area->require_subcommand(1);

  struct Opts {
    std::string received;
    std::string policy = kDefaultPolicy;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* deadline = area->add_subcommand(
      "deadline",
      "Print the due date and the latest extended due date of a request (ISO, one "
      "per line), by the rule of Regulation 1182/71 (docs/DEADLINES.md)");
  deadline->add_option("--received", opts->received, "Date the request was received, YYYY-MM-DD")
      ->required();
  add_policy_option(deadline, opts->policy);
  deadline->callback([&action, opts] {
    action = [opts] {
      auto received = parse_date(opts->received);
      if (!received) {
        return fail(make_error(Errc::kInvalidArgument, "--received: " + received.error().message));
      }
      auto pol = policy::load_policy(opts->policy);
      if (!pol) return fail(pol.error());
      auto d = rights::deadlines_for(*received, pol->rights);
      std::printf("%s\n%s\n", format_date(d.due).c_str(), format_date(d.extended).c_str());
      return 0;
    };
  });

  auto q = std::make_shared<QueueOpts>();
  CLI::App* intake = area->add_subcommand(
      "intake",
      "Turn each new message of the DPO's maildir into a received request to classify; the "
      "message moves from new/ to cur/ once recorded (idempotent on rerun; docs/RIGHTS.md)");
  intake->add_option("--maildir", q->maildir, "Maildir folder (with new/ and cur/)")->required();
  add_store_options(intake, q->store);
  add_key_options(intake, q->keys);
  intake->callback([&action, q] {
    action = [q] {
      auto ctx = open_queue(*q);
      if (!ctx) return fail(ctx.error());
      auto report = rights::intake_maildir(*(*ctx)->queue, q->maildir);
      if (!report) return fail(report.error());
      for (const auto& id : report->recorded) std::printf("recorded\t%s\n", id.c_str());
      for (const auto& s : report->skipped) std::fprintf(stderr, "left in new/: %s\n", s.c_str());
      std::printf("%zu recorded, %d recorded earlier and moved now, %zu left in new/\n",
                  report->recorded.size(), report->already, report->skipped.size());
      return report->skipped.empty() ? 0 : 1;
    };
  });

  CLI::App* list = area->add_subcommand(
      "list",
      "The queue: id, right, state, received, due date and deadline status (tab-separated)");
  list->add_flag("--open", q->open_only, "Only requests not yet answered");
  list->add_option("--state", q->state, "Only requests in this state");
  add_store_options(list, q->store);
  add_key_options(list, q->keys);
  list->callback([&action, q] {
    action = [q] {
      std::optional<rights::State> state;
      if (!q->state.empty()) {
        state = rights::parse_state(q->state);
        if (!state) {
          return fail(make_error(Errc::kInvalidArgument,
                                 "--state: received, awaiting_verification, in_progress, "
                                 "extended, fulfilled, partially_fulfilled or refused"));
        }
      }
      auto ctx = open_queue(*q);
      if (!ctx) return fail(ctx.error());
      auto all = (*ctx)->queue->list(state, q->open_only);
      if (!all) return fail(all.error());
      const Date today = date_of((*ctx)->clock.now());
      for (const auto& r : *all) {
        const Date due = r.extended_due ? *r.extended_due : r.due;
        const char* status = rights::is_final(r.state)
                                 ? "answered"
                                 : rights::to_string(rights::deadline_status(due, today));
        std::printf("%s\t%s\t%s\t%s\t%s\t%s\n", r.id.c_str(), rights::to_string(r.type),
                    rights::to_string(r.state), format_date(r.received).c_str(),
                    format_date(due).c_str(), status);
      }
      return 0;
    };
  });
  return area;
}

}  // namespace charter::cli
