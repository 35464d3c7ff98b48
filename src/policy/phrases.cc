#include "policy/phrases.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "policy/embedded.h"

namespace charter::policy {

namespace {

const nlohmann::json& phrasebook() {
  static const nlohmann::json book = [] {
    auto text = embedded_template("phrases.json");
    if (!text) throw std::logic_error("templates/phrases.json is not embedded");
    return nlohmann::json::parse(*text);  // a malformed embedded file is a build bug: throws
  }();
  return book;
}

}  // namespace

std::string fill(std::string_view pattern, const PhraseArgs& args) {
  std::string out;
  out.reserve(pattern.size() + 64);
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      auto close = pattern.find('}', i + 1);
      if (close != std::string_view::npos) {
        std::string_view name = pattern.substr(i + 1, close - i - 1);
        bool replaced = false;
        for (const auto& [key, value] : args) {
          if (key == name) {
            out += value;
            replaced = true;
            break;
          }
        }
        if (replaced) {
          i = close + 1;
          continue;
        }
      }
    }
    out += pattern[i++];
  }
  return out;
}

Result<Phrases> Phrases::for_language(const std::string& lang) {
  const auto& book = phrasebook();
  auto it = book.find(lang);
  if (it == book.end()) {
    std::string known;
    for (const auto& l : languages()) known += (known.empty() ? "" : ", ") + l;
    return make_error(Errc::kInvalidArgument,
                      "no phrasebook for language '" + lang + "'; available: " + known);
  }
  return Phrases(lang, &*it);
}

std::vector<std::string> Phrases::languages() {
  std::vector<std::string> out;
  for (const auto& [key, value] : phrasebook().items()) out.push_back(key);
  return out;  // nlohmann::json objects iterate in sorted key order
}

const nlohmann::json& Phrases::node(std::string_view path) const {
  const nlohmann::json* at = root_;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string key(path.substr(start, end - start));
    if (!at->is_object() || !at->contains(key)) {
      throw std::logic_error("phrasebook " + lang_ + " lacks " + std::string(path));
    }
    at = &(*at)[key];
    start = end + 1;
  }
  return *at;
}

const std::string& Phrases::get(std::string_view path) const {
  const auto& n = node(path);
  if (!n.is_string()) {
    throw std::logic_error("phrasebook " + lang_ + ": " + std::string(path) + " is not a string");
  }
  return n.get_ref<const std::string&>();
}

std::vector<std::string> Phrases::list(std::string_view path) const {
  const auto& n = node(path);
  if (!n.is_array()) {
    throw std::logic_error("phrasebook " + lang_ + ": " + std::string(path) + " is not a list");
  }
  return n.get<std::vector<std::string>>();
}

std::string Phrases::format(std::string_view path, const PhraseArgs& args) const {
  return fill(get(path), args);
}

std::string Phrases::join(const std::vector<std::string>& items, const std::string& last) const {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? last : get("list/sep");
    out += items[i];
  }
  return out;
}

std::string Phrases::join_list(const std::vector<std::string>& items) const {
  return join(items, get("list/sep"));
}

std::string Phrases::join_and(const std::vector<std::string>& items) const {
  return join(items, get("list/and"));
}

std::string Phrases::join_or(const std::vector<std::string>& items) const {
  return join(items, get("list/or"));
}

std::string Phrases::duration(const Duration& d) const {
  if (d.is_zero()) return get("duration/zero");
  std::vector<std::string> parts;
  auto add = [&](int n, const char* one, const char* many) {
    if (n == 0) return;
    parts.push_back(fill(get(n == 1 ? one : many), {{"n", std::to_string(n)}}));
  };
  add(d.years, "duration/year", "duration/years");
  add(d.months, "duration/month", "duration/months");
  add(d.days, "duration/day", "duration/days");
  return join(parts, get("duration/join"));
}

std::string Phrases::country(const std::string& iso2) const {
  const auto& countries = node("countries");
  auto it = countries.find(iso2);
  return it == countries.end() ? iso2 : it->get<std::string>();
}

std::string Phrases::language_name(const std::string& code) const {
  const auto& names = node("language_names");
  auto it = names.find(code);
  return it == names.end() ? code : it->get<std::string>();
}

std::string Phrases::article(const std::string& reference) const {
  static constexpr std::string_view kGdpr = "GDPR";
  if (reference.compare(0, kGdpr.size(), kGdpr) == 0) {
    return get("gdpr_abbreviation") + reference.substr(kGdpr.size());
  }
  return reference;
}

}  // namespace charter::policy
