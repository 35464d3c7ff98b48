#include "policy/markdown_escape.h"

#include <cctype>

namespace charter::policy {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_markdown_special(char c) {
  switch (c) {
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '<':
    case '>':
    case '#':
    case '|':
    case '~':
    case '&':
    case '!':
      return true;
    default:
      return false;
  }
}

bool is_safe_url_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':
    case ':':
    case '/':
    case '?':
    case '#':
    case '@':
    case '!':
    case '$':
    case '&':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case '%':
      return true;
    default:
      return false;
  }
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string escape_markdown(std::string_view text) {
  // Collapse white space first, so the line-start rules below apply to the real first character.
  std::string flat;
  flat.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (is_space(c)) {
      pending_space = !flat.empty();
      continue;
    }
    if (pending_space) flat += ' ';
    pending_space = false;
    flat += c;
  }

  std::string out;
  out.reserve(flat.size() + 8);
  std::size_t digits = 0;
  while (digits < flat.size() && std::isdigit(static_cast<unsigned char>(flat[digits]))) ++digits;
  for (std::size_t i = 0; i < flat.size(); ++i) {
    char c = flat[i];
    bool leading_marker = i == 0 && (c == '-' || c == '+' || c == '=');
    bool list_number = digits > 0 && i == digits && (c == '.' || c == ')');
    if (is_markdown_special(c) || leading_marker || list_number) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_link(std::string_view text, std::string_view url) {
  bool scheme_ok =
      starts_with(url, "https://") || starts_with(url, "http://") || starts_with(url, "mailto:");
  bool chars_ok = !url.empty();
  for (char c : url) chars_ok = chars_ok && is_safe_url_char(c);
  if (!scheme_ok || !chars_ok) return escape_markdown(text);
  return "[" + escape_markdown(text) + "](" + std::string(url) + ")";
}

}  // namespace charter::policy
