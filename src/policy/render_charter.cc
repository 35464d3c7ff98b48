#include "policy/render_charter.h"

#include <kainjow/mustache.hpp>

#include <algorithm>

#include "policy/charter_view.h"
#include "policy/embedded.h"
#include "policy/markdown_escape.h"
#include "policy/phrases.h"
#include "policy/render_html.h"

namespace charter::policy {

std::optional<CharterFormat> parse_charter_format(std::string_view name) {
  if (name == "md") return CharterFormat::kMarkdown;
  if (name == "html") return CharterFormat::kHtml;
  return std::nullopt;
}

const char* to_string(CharterFormat format) {
  return format == CharterFormat::kMarkdown ? "md" : "html";
}

namespace {

Result<std::string> render_markdown(const Policy& policy, const std::string& lang,
                                    const Phrases& phrases) {
  const std::string name = "charter." + lang + ".md.mustache";
  auto text = embedded_template(name);
  if (!text) {
    std::string known;
    constexpr std::string_view kPrefix = "charter.", kSuffix = ".md.mustache";
    for (auto n : embedded_template_names()) {
      if (n.size() > kPrefix.size() + kSuffix.size() && n.substr(0, kPrefix.size()) == kPrefix &&
          n.substr(n.size() - kSuffix.size()) == kSuffix) {
        known += (known.empty() ? "" : ", ") +
                 std::string(n.substr(kPrefix.size(), n.size() - kPrefix.size() - kSuffix.size()));
      }
    }
    return make_error(Errc::kInvalidArgument,
                      "no charter template for language '" + lang + "'; available: " + known);
  }
  kainjow::mustache::mustache tmpl{std::string(*text)};
  if (!tmpl.is_valid()) return make_error(Errc::kInternal, name + ": " + tmpl.error_message());
  tmpl.set_custom_escape([](const std::string& s) { return escape_markdown(s); });
  return tmpl.render(charter_view(policy, phrases));
}

}  // namespace

Result<std::string> render_charter(const Policy& policy, const std::string& lang,
                                   CharterFormat format) {
  if (std::find(policy.languages.begin(), policy.languages.end(), lang) == policy.languages.end()) {
    std::string known;
    for (const auto& l : policy.languages) known += (known.empty() ? "" : ", ") + l;
    return make_error(Errc::kInvalidArgument,
                      "language '" + lang + "' is not a language of the policy; allowed: " + known);
  }
  CHARTER_TRY(Phrases phrases, Phrases::for_language(lang));
  CHARTER_TRY(std::string markdown, render_markdown(policy, lang, phrases));
  if (format == CharterFormat::kMarkdown) return markdown;
  std::string title = phrases.get("title") + " — " + policy.controller.name;
  return html_page(markdown_to_html(markdown), lang, title);
}

}  // namespace charter::policy
