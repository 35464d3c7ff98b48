#include "cli/app.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

#include "cli/areas.h"
#include "cli/common.h"

namespace charter::cli {

int run(int argc, char** argv) {
  CLI::App app{"Charter: the privacy charter, enforced.", "charter"};
  app.set_version_flag("--version", "charter 0.1.0");
  app.require_subcommand(1);
  app.fallthrough(false);

  // Each area adds its subcommands and sets `action` to the chosen command's body.
  std::function<int()> action;
  register_areas(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // CLI11 returns 0 for --help/--version, non-zero for usage errors: usage errors exit 2.
    return code == 0 ? 0 : 2;
  }
  if (!action) {
    std::fprintf(stderr, "charter: no command given; see --help\n");
    return 2;
  }
  return action();
}

}  // namespace charter::cli
