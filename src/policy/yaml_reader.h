// Checked reading of YAML nodes into plain values, reporting every problem to an IssueLog
// with its line, column and key path, and carrying on so that one pass finds every error.
//
// Contract: no function throws on bad input; each returns a default value (empty string,
// empty list, nullopt) after logging an issue. Key paths look like "purposes[2].basis".
// Not thread safe (one Reader per load).
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/issues.h"
#include "policy/model.h"

namespace charter::policy {

std::string join_key(const std::string& path, std::string_view key);
std::string index_key(const std::string& path, std::size_t i);
Location location_of(const YAML::Node& node);

class Reader {
 public:
  Reader(IssueLog& log, std::vector<std::string> languages)
      : log_(log), languages_(std::move(languages)) {}

  // True if `node` is a mapping. Logs unknown keys (naming the allowed ones), duplicate keys and
  // missing required keys. Remembers the place of every key.
  bool map(const YAML::Node& node, const std::string& path,
           std::initializer_list<std::string_view> required,
           std::initializer_list<std::string_view> optional = {});
  // True if `node` is a sequence (logs otherwise). A missing node is an empty list if !required.
  bool seq(const YAML::Node& node, const std::string& path, bool required = true);

  // Scalars. `what` describes what is allowed, for the message.
  std::string string(const YAML::Node& node, const std::string& path);
  std::string id(const YAML::Node& node, const std::string& path);  // [a-z][a-z0-9_]*
  std::string email(const YAML::Node& node, const std::string& path);
  std::string url(const YAML::Node& node, const std::string& path);      // https://...
  std::string country(const YAML::Node& node, const std::string& path);  // ISO alpha-2
  std::string dpv_iri(const YAML::Node& node, const std::string& path);  // dpv:X or pd:X
  bool boolean(const YAML::Node& node, const std::string& path, bool fallback);
  int integer(const YAML::Node& node, const std::string& path, int fallback);
  std::optional<Duration> duration(const YAML::Node& node, const std::string& path);
  // One of `allowed` (returns its index), or nullopt after logging.
  std::optional<std::size_t> choice(const YAML::Node& node, const std::string& path,
                                    const std::vector<std::string_view>& allowed);
  std::vector<std::string> id_list(const YAML::Node& node, const std::string& path);
  // A {lang: text} map with exactly the policy's languages.
  Text text(const YAML::Node& node, const std::string& path);

  IssueLog& log() { return log_; }

 private:
  bool scalar(const YAML::Node& node, const std::string& path, std::string_view what);

  IssueLog& log_;
  std::vector<std::string> languages_;
};

}  // namespace charter::policy
