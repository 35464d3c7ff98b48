// Making policy texts inert inside Markdown.
//
// Contract:
// - escape_markdown(text): the text as literal inline Markdown. Every run of white space
//   (including line breaks) becomes one space and the ends are trimmed, so a text stays on its
//   line; each character that can start Markdown syntax (\ ` * _ [ ] < > # | ~ & !) gets a
//   backslash, as does a leading - + = or the "." / ")" after leading digits. Hence a policy text
//   can open no link, image, raw HTML, emphasis, code span, table cell, heading or list.
// - markdown_link(text, url): "[text](url)" when url is an http(s) or mailto URL made only of
//   unreserved/reserved URL characters (no space, quote, parenthesis, angle bracket or backslash),
//   else the escaped text alone, so a hostile URL never becomes a link.
// Pure; thread safe.
#pragma once

#include <string>
#include <string_view>

namespace charter::policy {

std::string escape_markdown(std::string_view text);
std::string markdown_link(std::string_view text, std::string_view url);

}  // namespace charter::policy
