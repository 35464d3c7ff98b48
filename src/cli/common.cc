#include "cli/common.h"

#include <unistd.h>

#include <cstdio>

namespace charter::cli {

void add_store_options(CLI::App* cmd, StoreOptions& opts) {
  cmd->add_option("--data", opts.data, "Data folder of the embedded SQLite store")
      ->capture_default_str();
  cmd->add_option("--database", opts.database,
                  "PostgreSQL connection URL (postgresql://...) instead of --data");
  add_policy_option(cmd, opts.policy);
}

void add_policy_option(CLI::App* cmd, std::string& policy) {
  cmd->add_option("--policy", policy, "Policy file")->capture_default_str();
}

int fail(const Error& error) {
  std::fprintf(stderr, "charter: %s\n", error.to_string().c_str());
  return exit_code(error.code);
}

Progress::Progress(std::string label, std::uint64_t total)
    : label_(std::move(label)), total_(total), tty_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  if (tty_ && last_percent_ >= 0) std::fputc('\n', stderr);
}

void Progress::update(std::uint64_t done) {
  if (!tty_ || total_ == 0) return;
  int percent = static_cast<int>(done * 100 / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  std::fprintf(stderr, "\r%s: %d%% (%llu/%llu)", label_.c_str(), percent,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_));
  std::fflush(stderr);
}

}  // namespace charter::cli
