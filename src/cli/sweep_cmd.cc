// charter sweep [--dry-run] [--full] | charter sweep report [ID] | charter hold place|release|list
// — the retention engine from the command line (docs/RETENTION.md). Output names subjects by
// their opaque ids only; reports hold counts, never values.
#include <cstdio>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/retention_cli.h"

namespace charter::cli {
namespace {

struct SweepOpts {
  VaultOptions vault;
  bool dry_run = false, full = false, json = false;
  std::string id;
  std::size_t limit = 20;
};

struct HoldOpts {
  VaultOptions vault;
  std::string target, by, reason;
  bool all = false;
};

int run_sweep(const SweepOpts& o) {
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  auto ctx = open_retention(**v, o.vault);
  if (!ctx) return fail(ctx.error());
  retention::SweepOptions so;
  so.dry_run = o.dry_run;
  so.full = o.full;
  auto r = (*ctx)->engine->sweep(so);
  if (!r) return fail(r.error());
  std::printf("%s", o.json ? (r->to_json() + "\n").c_str() : r->to_text().c_str());
  return 0;
}

int run_report(const SweepOpts& o) {
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  auto ctx = open_retention(**v, o.vault, /*quiet=*/true);
  if (!ctx) return fail(ctx.error());
  if (!o.id.empty()) {
    auto r = (*ctx)->engine->report(o.id);
    if (!r) return fail(r.error());
    std::printf("%s", o.json ? (r->to_json() + "\n").c_str() : r->to_text().c_str());
    return 0;
  }
  auto list = (*ctx)->engine->reports(o.limit);
  if (!list) return fail(list.error());
  if (list->empty()) std::printf("no sweep yet\n");
  for (const auto& r : *list) {
    if (o.json) {
      std::printf("%s\n", r.to_json().c_str());
      continue;
    }
    std::printf("%s  %s%s  examined=%lld acted=%lld erased=%lld%s\n", r.sweep_id.c_str(),
                format_timestamp(r.as_of).c_str(), r.dry_run ? "  [dry run]" : "",
                static_cast<long long>(r.examined), static_cast<long long>(r.acted),
                static_cast<long long>(r.erased), r.full_scan ? "  full scan" : "");
  }
  return 0;
}

void print_hold(const retention::LegalHold& h) {
  std::printf("%s  %s  placed %s by %s: %s\n", h.hold_id.c_str(), h.subject_id.c_str(),
              format_timestamp(h.placed_at).c_str(), h.placed_by.c_str(), h.reason.c_str());
  if (h.released_at) {
    std::printf("    released %s by %s: %s\n", format_timestamp(*h.released_at).c_str(),
                h.released_by.c_str(), h.release_reason.c_str());
  }
}

int run_hold(const HoldOpts& o, int verb) {
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  auto ctx = open_retention(**v, o.vault, /*quiet=*/true);
  if (!ctx) return fail(ctx.error());
  auto& engine = *(*ctx)->engine;
  if (verb == 2) {
    auto list = engine.holds().list(o.target, !o.all);
    if (!list) return fail(list.error());
    if (list->empty()) std::printf("no %slegal hold\n", o.all ? "" : "active ");
    for (const auto& h : *list) print_hold(h);
    return 0;
  }
  auto h = verb == 0 ? engine.place_hold(o.target, o.by, o.reason)
                     : engine.release_hold(o.target, o.by, o.reason);
  if (!h) return fail(h.error());
  print_hold(*h);
  return 0;
}

}  // namespace

CLI::App* register_sweep_commands(CLI::App& app, Action& action) {
  auto o = std::make_shared<SweepOpts>();
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Retention sweep: delete or anonymise what no purpose holds any more, keep what a legal "
      "exception or hold keeps, and store a report (resumes an interrupted sweep)");
  sweep->require_subcommand(0, 1);
  add_vault_options(sweep, o->vault);
  sweep->add_flag("--dry-run", o->dry_run, "Show what the sweep would do; change nothing");
  sweep->add_flag("--full", o->full,
                  "Examine every subject, not only those due (rebuilds the index)");
  sweep->add_flag("--json", o->json, "Print the report as JSON");
  CLI::App* report = sweep->add_subcommand("report", "Show a sweep's report, or list the latest");
  report->add_option("id", o->id, "Sweep id (swp_...); none: list the latest sweeps");
  report->add_option("--limit", o->limit, "How many to list")->capture_default_str();
  report->add_flag("--json", o->json, "JSON");
  add_vault_options(report, o->vault);
  report->callback([&action, o] { action = [o] { return run_report(*o); }; });
  sweep->callback([&action, o, sweep] {
    if (sweep->got_subcommand("report")) return;
    action = [o] { return run_sweep(*o); };
  });

  auto h = std::make_shared<HoldOpts>();
  CLI::App* hold = app.add_subcommand(
      "hold", "Legal holds (disputes): data held is neither swept nor erased until released");
  hold->require_subcommand(1);
  CLI::App* place = hold->add_subcommand("place", "Place a legal hold on a subject");
  place->add_option("subject", h->target, "Subject id (sub_...)")->required();
  place->add_option("--by", h->by, "The DPO's staff id (stf_...)")->required();
  place
      ->add_option("--reason", h->reason,
                   "The dispute (1-500 characters, no personal data: it is kept in clear)")
      ->required();
  add_vault_options(place, h->vault);
  place->callback([&action, h] { action = [h] { return run_hold(*h, 0); }; });
  CLI::App* release = hold->add_subcommand("release", "Release a legal hold");
  release->add_option("hold", h->target, "Hold id (hld_...)")->required();
  release->add_option("--by", h->by, "The DPO's staff id (stf_...)")->required();
  release->add_option("--reason", h->reason, "Why it is released (no personal data)")->required();
  add_vault_options(release, h->vault);
  release->callback([&action, h] { action = [h] { return run_hold(*h, 1); }; });
  CLI::App* list = hold->add_subcommand("list", "List legal holds (active ones by default)");
  list->add_option("--subject", h->target, "Only this subject");
  list->add_flag("--all", h->all, "Released holds too");
  add_vault_options(list, h->vault);
  list->callback([&action, h] { action = [h] { return run_hold(*h, 2); }; });
  return sweep;
}

}  // namespace charter::cli
