#include "http/language.h"

#include <algorithm>
#include <cctype>

namespace charter::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// q-value: "q=0.8" -> 800; -1 when malformed.
int parse_q(std::string_view p) {
  p = trim(p);
  if (p.size() < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') return -1;
  p.remove_prefix(2);
  if (p[0] == '1') {
    for (char c : p.substr(1)) {
      if (c != '.' && c != '0') return -1;
    }
    return 1000;
  }
  if (p[0] != '0') return -1;
  int q = 0, digits = 0;
  if (p.size() > 1) {
    if (p[1] != '.') return -1;
    for (char c : p.substr(2)) {
      if (c < '0' || c > '9' || ++digits > 3) return -1;
      q = q * 10 + (c - '0');
    }
  }
  while (digits++ < 3) q *= 10;
  return q;
}

}  // namespace

std::string negotiate_language(std::optional<std::string_view> header,
                               const std::vector<std::string>& available,
                               const std::string& fallback) {
  if (!header) return fallback;
  struct Choice {
    int q;
    std::size_t order;
    std::string lang;
  };
  std::vector<Choice> choices;
  std::string_view rest = *header;
  std::size_t order = 0;
  while (!rest.empty() && order < 64) {
    std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    std::size_t semi = item.find(';');
    std::string_view range = trim(item.substr(0, semi));
    int q = semi == std::string_view::npos ? 1000 : parse_q(item.substr(semi + 1));
    if (q <= 0) continue;
    std::string primary(range.substr(0, range.find('-')));
    std::transform(primary.begin(), primary.end(), primary.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (primary == "*") {
      choices.push_back({q, order++, fallback});
    } else if (std::find(available.begin(), available.end(), primary) != available.end()) {
      choices.push_back({q, order++, primary});
    }
  }
  if (choices.empty()) return fallback;
  std::stable_sort(choices.begin(), choices.end(),
                   [](const Choice& a, const Choice& b) { return a.q > b.q; });
  return choices.front().lang;
}

}  // namespace charter::http
