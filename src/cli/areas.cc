#include "cli/areas.h"

namespace charter::cli {

void register_areas(CLI::App& app, Action& action) {
  (void)app;
  (void)action;
}

}  // namespace charter::cli
