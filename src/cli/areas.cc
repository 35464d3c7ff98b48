#include "cli/areas.h"

namespace charter::cli {

void register_areas(CLI::App& app, Action& action) {
  CLI::App* policy = register_policy_commands(app, action);
  register_policy_render_commands(*policy, action);
  register_dsr_commands(app, action);
  register_audit_commands(app, action);
  register_keys_commands(app, action);
  register_subject_commands(app, action);
  register_consent_commands(app, action);
  register_staff_commands(app, action);
  register_drp_commands(app, action);
  register_sweep_commands(app, action);
  register_serve_command(app, action);
  register_backup_commands(app, action);
}

}  // namespace charter::cli
