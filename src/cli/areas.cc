#include "cli/areas.h"

namespace charter::cli {

void register_areas(CLI::App& app, Action& action) {
  CLI::App* policy = register_policy_commands(app, action);
  (void)policy;
  register_dsr_commands(app, action);
  register_serve_command(app, action);
}

}  // namespace charter::cli
