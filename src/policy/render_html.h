// Markdown to HTML with cmark-gfm, and the HTML page around it.
//
// Contract:
// - markdown_to_html(md): CommonMark plus the GFM table extension, rendered with
//   CMARK_OPT_DEFAULT (no CMARK_OPT_UNSAFE): raw HTML in the input is replaced by a comment and
//   links/images with javascript:, vbscript:, file: or data: URLs get an empty destination, so
//   nothing in the Markdown can inject markup or script.
// - html_page(body, lang, title): a complete HTML5 document (templates/page.html.mustache) with
//   `lang`, UTF-8 charset, `title` (HTML-escaped), a restrictive Content-Security-Policy (no
//   script at all) and a small readable stylesheet; `body` is inserted as is. kInternal if the
//   embedded page template is missing or malformed (a build bug).
// Pure; thread safe (cmark's extension registry is initialised once).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace charter::policy {

std::string markdown_to_html(std::string_view markdown);
Result<std::string> html_page(std::string_view body, const std::string& lang,
                              const std::string& title);

}  // namespace charter::policy
