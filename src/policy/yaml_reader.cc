#include "policy/yaml_reader.h"

#include <set>

#include "policy/duration.h"

namespace charter::policy {

std::string join_key(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::string index_key(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

Location location_of(const YAML::Node& node) {
  auto m = node.Mark();
  if (m.line < 0) return {};
  return Location{m.line + 1, m.column + 1};
}

namespace {

std::string list_words(std::initializer_list<std::string_view> a,
                       std::initializer_list<std::string_view> b = {}) {
  std::string out;
  for (auto l : {a, b})
    for (auto w : l) {
      if (!out.empty()) out += ", ";
      out += w;
    }
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "\"" + node.Scalar() + "\"";
    default:
      return "an undefined value";
  }
}

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

bool Reader::map(const YAML::Node& node, const std::string& path,
                 std::initializer_list<std::string_view> required,
                 std::initializer_list<std::string_view> optional) {
  log_.remember(path, location_of(node));
  if (!node.IsMap()) {
    log_.add(path, location_of(node),
             "found " + describe(node) + ", expected a mapping with keys " +
                 list_words(required, optional));
    return false;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
    std::string key_path = join_key(path, key);
    log_.remember(key_path, location_of(it->first));
    bool known = false;
    for (auto l : {required, optional})
      for (auto k : l)
        if (k == key) known = true;
    if (!known) {
      log_.add(key_path, location_of(it->first),
               "unknown key \"" + key + "\"; allowed keys here: " + list_words(required, optional));
    } else if (!seen.insert(key).second) {
      log_.add(key_path, location_of(it->first), "duplicate key \"" + key + "\"");
    }
  }
  for (auto k : required) {
    if (!node[std::string(k)]) {
      log_.add(join_key(path, k), location_of(node),
               "missing required key \"" + std::string(k) + "\"");
    }
  }
  return true;
}

bool Reader::seq(const YAML::Node& node, const std::string& path, bool required) {
  if (!node) {
    if (required) log_.add_at(path, "missing list");
    return false;
  }
  log_.remember(path, location_of(node));
  if (!node.IsSequence()) {
    log_.add(path, location_of(node), "found " + describe(node) + ", expected a list");
    return false;
  }
  return true;
}

bool Reader::scalar(const YAML::Node& node, const std::string& path, std::string_view what) {
  if (!node) return false;  // missing: already reported by map()
  log_.remember(path, location_of(node));
  if (!node.IsScalar() || node.Scalar().empty()) {
    log_.add(path, location_of(node),
             "found " + describe(node) + ", expected " + std::string(what));
    return false;
  }
  return true;
}

std::string Reader::string(const YAML::Node& node, const std::string& path) {
  return scalar(node, path, "a text") ? node.Scalar() : std::string();
}

std::string Reader::id(const YAML::Node& node, const std::string& path) {
  constexpr std::string_view kWhat =
      "an id (lower-case letters, digits and _, starting with a letter)";
  if (!scalar(node, path, kWhat)) return {};
  if (!is_id(node.Scalar())) {
    log_.add(path, location_of(node),
             "found " + describe(node) + ", expected " + std::string(kWhat));
    return {};
  }
  return node.Scalar();
}

std::string Reader::email(const YAML::Node& node, const std::string& path) {
  if (!scalar(node, path, "an e-mail address")) return {};
  const std::string& s = node.Scalar();
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos ||
      s.find('.', at) == std::string::npos || s.back() == '.' ||
      s.find_first_of(" \t<>\"") != std::string::npos) {
    log_.add(path, location_of(node), "found " + describe(node) + ", expected an e-mail address");
    return {};
  }
  return s;
}

std::string Reader::url(const YAML::Node& node, const std::string& path) {
  if (!scalar(node, path, "an https:// URL")) return {};
  const std::string& s = node.Scalar();
  if (s.rfind("https://", 0) != 0 || s.size() < 12 ||
      s.find_first_of(" \t<>\"") != std::string::npos) {
    log_.add(path, location_of(node), "found " + describe(node) + ", expected an https:// URL");
    return {};
  }
  return s;
}

std::string Reader::country(const YAML::Node& node, const std::string& path) {
  constexpr std::string_view kWhat = "a country code (ISO 3166-1 alpha-2, e.g. FR)";
  if (!scalar(node, path, kWhat)) return {};
  const std::string& s = node.Scalar();
  if (s.size() != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
    log_.add(path, location_of(node),
             "found " + describe(node) + ", expected " + std::string(kWhat));
    return {};
  }
  return s;
}

std::string Reader::dpv_iri(const YAML::Node& node, const std::string& path) {
  constexpr std::string_view kWhat = "a DPV term as dpv:Term or pd:Term";
  if (!scalar(node, path, kWhat)) return {};
  const std::string& s = node.Scalar();
  auto colon = s.find(':');
  std::string prefix = colon == std::string::npos ? "" : s.substr(0, colon);
  bool ok = (prefix == "dpv" || prefix == "pd") && colon + 1 < s.size();
  for (std::size_t i = colon + 1; ok && i < s.size(); ++i) {
    char c = s[i];
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
  if (!ok) {
    log_.add(path, location_of(node),
             "found " + describe(node) + ", expected " + std::string(kWhat));
    return {};
  }
  return s;
}

bool Reader::boolean(const YAML::Node& node, const std::string& path, bool fallback) {
  if (!node) return fallback;
  if (!scalar(node, path, "true or false")) return fallback;
  const std::string& s = node.Scalar();
  if (s == "true") return true;
  if (s == "false") return false;
  log_.add(path, location_of(node), "found " + describe(node) + ", expected true or false");
  return fallback;
}

int Reader::integer(const YAML::Node& node, const std::string& path, int fallback) {
  if (!scalar(node, path, "a whole number")) return fallback;
  const std::string& s = node.Scalar();
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || v > 100000) {
      log_.add(path, location_of(node), "found " + describe(node) + ", expected a whole number");
      return fallback;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<Duration> Reader::duration(const YAML::Node& node, const std::string& path) {
  constexpr std::string_view kWhat =
      "an ISO 8601 duration in years, months, days (e.g. P3Y, P13M, P0D)";
  if (!scalar(node, path, kWhat)) return std::nullopt;
  auto d = parse_duration(node.Scalar());
  if (!d)
    log_.add(path, location_of(node),
             "found " + describe(node) + ", expected " + std::string(kWhat));
  return d;
}

std::optional<std::size_t> Reader::choice(const YAML::Node& node, const std::string& path,
                                          const std::vector<std::string_view>& allowed) {
  std::string words;
  for (auto a : allowed) words += (words.empty() ? "" : ", ") + std::string(a);
  if (!scalar(node, path, "one of " + words)) return std::nullopt;
  for (std::size_t i = 0; i < allowed.size(); ++i)
    if (allowed[i] == node.Scalar()) return i;
  log_.add(path, location_of(node), "found " + describe(node) + ", expected one of " + words);
  return std::nullopt;
}

std::vector<std::string> Reader::id_list(const YAML::Node& node, const std::string& path) {
  std::vector<std::string> out;
  if (!node) return out;
  if (!seq(node, path)) return out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string key = index_key(path, i);
    std::string v = id(node[i], key);
    if (v.empty()) continue;
    if (!seen.insert(v).second) {
      log_.add(key, location_of(node[i]), "\"" + v + "\" is listed twice");
      continue;
    }
    out.push_back(v);
  }
  return out;
}

Text Reader::text(const YAML::Node& node, const std::string& path) {
  Text t;
  if (!node) return t;
  log_.remember(path, location_of(node));
  std::string langs;
  for (auto& l : languages_) langs += (langs.empty() ? "" : ", ") + l;
  if (!node.IsMap()) {
    log_.add(path, location_of(node),
             "found " + describe(node) + ", expected a text in each language (" + langs + ")");
    return t;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string lang = it->first.IsScalar() ? it->first.Scalar() : "?";
    std::string key = join_key(path, lang);
    bool known = false;
    for (auto& l : languages_) known = known || l == lang;
    if (!known) {
      log_.add(key, location_of(it->first),
               "\"" + lang + "\" is not a language of this policy; languages: " + langs);
      continue;
    }
    std::string value = string(it->second, key);
    if (!value.empty()) t.by_lang[lang] = value;
  }
  for (auto& l : languages_) {
    if (!node[l]) log_.add(path, location_of(node), "missing translation \"" + l + "\"");
  }
  return t;
}

}  // namespace charter::policy
