// charter policy check FILE
#include <cstdio>

#include "cli/areas.h"
#include "cli/common.h"
#include "policy/loader.h"
#include "policy/version.h"

namespace charter::cli {

CLI::App* register_policy_commands(CLI::App& app, Action& action) {
  CLI::App* area = app.add_subcommand("policy", "Check and render the policy file");
  area->require_subcommand(1);

  auto file = std::make_shared<std::string>(kDefaultPolicy);
  CLI::App* check = area->add_subcommand("check", "Validate a policy file; report every problem");
  check->add_option("file", *file, "Policy file")->capture_default_str();
  check->callback([&action, file] {
    action = [file] {
      auto out = policy::check_policy_file(*file);
      if (!out.policy) {
        for (auto& issue : out.issues) std::fprintf(stderr, "%s\n", issue.to_string().c_str());
        std::fprintf(stderr, "charter: %zu problem(s); the policy is not valid\n",
                     out.issues.size());
        return 2;
      }
      const policy::Policy& p = *out.policy;
      std::string langs;
      for (auto& l : p.languages) langs += (langs.empty() ? "" : ",") + l;
      std::printf(
          "%s: valid, version %s: %zu purposes, %zu legal bases, %zu categories, %zu fields, "
          "%zu rights, %zu recipients, languages %s\n",
          file->c_str(), policy::short_version(p.version).c_str(), p.purposes.size(),
          p.legal_bases.size(), p.categories.size(), p.fields.size(), p.rights.list.size(),
          p.recipients.size(), langs.c_str());
      return 0;
    };
  });
  return area;
}

}  // namespace charter::cli
