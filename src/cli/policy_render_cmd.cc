// charter policy render FILE --lang fr|en --format md|html
// charter policy ropa FILE --format csv|json|jsonld [--lang fr|en]
//
// Both print the document on stdout. Exit 0 on success; 2 on bad usage (unknown --lang or
// --format value, rejected by CLI11 with the allowed values), on an invalid policy (every loader
// issue is printed, one per line, as by `charter policy check`) or when the policy does not
// declare the language; 1 if stdout cannot be written.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/areas.h"
#include "cli/common.h"
#include "policy/loader.h"
#include "policy/phrases.h"
#include "policy/render_charter.h"
#include "policy/ropa.h"

namespace charter::cli {

namespace {

struct RenderOptions {
  std::string file = kDefaultPolicy;
  std::string lang = "fr";
  std::string format;
};

// Loads the policy, renders it with `render`, writes the result to stdout.
template <typename Render>
int load_render_print(const std::string& file, Render render) {
  auto policy = policy::load_policy(file);
  if (!policy.ok()) return fail(policy.error());
  Result<std::string> text = render(*policy);
  if (!text.ok()) return fail(text.error());
  if (std::fwrite(text->data(), 1, text->size(), stdout) != text->size() ||
      std::fflush(stdout) != 0) {
    std::fprintf(stderr, "charter: cannot write the output\n");
    return 1;
  }
  return 0;
}

void add_common(CLI::App* cmd, RenderOptions& o) {
  cmd->add_option("file", o.file, "Policy file")->capture_default_str();
  cmd->add_option("--lang", o.lang, "Language of the document")
      ->check(CLI::IsMember(policy::Phrases::languages()))
      ->capture_default_str();
}

}  // namespace

void register_policy_render_commands(CLI::App& policy_area, Action& action) {
  auto charter = std::make_shared<RenderOptions>();
  charter->format = "md";
  CLI::App* render = policy_area.add_subcommand(
      "render", "Render the charter document from a policy file, on stdout");
  add_common(render, *charter);
  render->add_option("--format", charter->format, "md (Markdown) or html (a complete page)")
      ->check(CLI::IsMember({"md", "html"}))
      ->capture_default_str();
  render->callback([&action, charter] {
    action = [charter] {
      auto format = policy::parse_charter_format(charter->format).value();  // checked by CLI11
      return load_render_print(charter->file, [&](const policy::Policy& p) {
        return policy::render_charter(p, charter->lang, format);
      });
    };
  });

  auto ropa = std::make_shared<RenderOptions>();
  ropa->format = "csv";
  CLI::App* register_cmd = policy_area.add_subcommand(
      "ropa", "Render the record of processing activities (GDPR art. 30), on stdout");
  add_common(register_cmd, *ropa);
  register_cmd
      ->add_option("--format", ropa->format,
                   "csv (CNIL register columns, labels in --lang), json, or jsonld (W3C DPV)")
      ->check(CLI::IsMember({"csv", "json", "jsonld"}))
      ->capture_default_str();
  register_cmd->callback([&action, ropa] {
    action = [ropa] {
      auto format = policy::parse_ropa_format(ropa->format).value();  // checked by CLI11
      return load_render_print(ropa->file, [&](const policy::Policy& p) {
        return policy::render_ropa(p, format, ropa->lang);
      });
    };
  });
}

}  // namespace charter::cli
