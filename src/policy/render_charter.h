// The charter document, rendered from the policy: what the company publishes (C1-C18).
//
// Contract: render_charter(policy, lang, format) renders templates/charter.<lang>.md.mustache
// (embedded, see docs/RENDERING.md) with the policy's facts in `lang`:
//   kMarkdown  the Markdown text; every policy text is escaped (markdown_escape.h), so it can
//              open no link, raw HTML or other Markdown construct;
//   kHtml      that Markdown converted by cmark-gfm in safe mode (render_html.h) and wrapped in
//              a complete HTML5 page (lang, charset, title, CSS, a CSP that forbids scripts).
// The output depends only on the policy and the embedded templates (no date, no path), so it is
// reproducible byte for byte.
// Errors: kInvalidArgument when `lang` is not a language of the policy, or Charter has no
// template or phrasebook for it (the message lists what is available); kInternal when an
// embedded template is malformed (a build bug). Pure; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "policy/model.h"

namespace charter::policy {

enum class CharterFormat { kMarkdown, kHtml };

// "md" / "html" <-> CharterFormat.
std::optional<CharterFormat> parse_charter_format(std::string_view name);
const char* to_string(CharterFormat format);

Result<std::string> render_charter(const Policy& policy, const std::string& lang,
                                   CharterFormat format);

}  // namespace charter::policy
