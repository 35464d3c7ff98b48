// Options and helpers shared by every CLI area.
//
// StoreOptions: commands that use a store take --data DIR (embedded SQLite, default ./data) or
// --database postgresql://..., and --policy FILE (default policies/oxemis.yaml).
// fail(): prints an Error to stderr as "charter: <slug>: <message>" and returns its exit code.
// Progress: a progress line on a terminal (stderr is a TTY), silent otherwise.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "core/error.h"

namespace charter::cli {

inline constexpr const char* kDefaultPolicy = "policies/oxemis.yaml";
inline constexpr const char* kDefaultData = "./data";

struct StoreOptions {
  std::string data = kDefaultData;
  std::string database;  // postgresql://... ; empty = embedded SQLite in `data`
  std::string policy = kDefaultPolicy;
};

void add_store_options(CLI::App* cmd, StoreOptions& opts);
void add_policy_option(CLI::App* cmd, std::string& policy);

int fail(const Error& error);

class Progress {
 public:
  Progress(std::string label, std::uint64_t total);
  ~Progress();
  void update(std::uint64_t done);

 private:
  std::string label_;
  std::uint64_t total_;
  bool tty_;
  int last_percent_ = -1;
};

}  // namespace charter::cli
