// One registration function per CLI area. Each adds `charter <area> <verb>` subcommands to the
// app and, when one is chosen, sets `action` to a callable that runs it and returns the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace charter::cli {

using Action = std::function<int()>;

// Registers every area below (areas.cc).
void register_areas(CLI::App& app, Action& action);

// `charter policy ...`: returns the area so other files can add verbs to it.
CLI::App* register_policy_commands(CLI::App& app, Action& action);
// `charter audit ...`.
CLI::App* register_audit_commands(CLI::App& app, Action& action);
// `charter dsr ...`.
CLI::App* register_dsr_commands(CLI::App& app, Action& action);
// `charter keys ...` (keys_cmd.cc) and `charter subject ...` (subject_cmd.cc).
CLI::App* register_keys_commands(CLI::App& app, Action& action);
CLI::App* register_subject_commands(CLI::App& app, Action& action);
// `charter sweep ...` and `charter hold ...` (sweep_cmd.cc).
CLI::App* register_sweep_commands(CLI::App& app, Action& action);
// `charter serve` (serve_cmd.cc).
void register_serve_command(CLI::App& app, Action& action);

// `charter policy render` and `charter policy ropa` (policy_render_cmd.cc), added to the area
// that register_policy_commands() returns.
void register_policy_render_commands(CLI::App& policy_area, Action& action);
// `charter consent ...` (consent_cmd.cc).
CLI::App* register_consent_commands(CLI::App& app, Action& action);
// `charter backup` and `charter restore` (backup_cmd.cc).
void register_backup_commands(CLI::App& app, Action& action);
// `charter staff ...` (staff_cmd.cc).
CLI::App* register_staff_commands(CLI::App& app, Action& action);
// `charter drp ...` (drp_cmd.cc).
CLI::App* register_drp_commands(CLI::App& app, Action& action);

}  // namespace charter::cli
