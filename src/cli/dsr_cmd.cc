// charter dsr deadline --received YYYY-MM-DD [--policy FILE]
#include <cstdio>

#include "cli/areas.h"
#include "cli/common.h"
#include "policy/loader.h"
#include "rights/deadline.h"

namespace charter::cli {

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
  return area;
}

}  // namespace charter::cli
