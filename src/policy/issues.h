// Problems found in a policy file, each with its place.
//
// Contract: an Issue names the file, the 1-based line and column, the key path
// (e.g. "purposes[2].retention[0].duration") and a message that says what was found and what
// is allowed. Issues never carry personal data (a policy holds none).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace charter::policy {

struct Location {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based, in bytes (as yaml-cpp and compilers count)
};

struct Issue {
  std::string file;
  Location where;
  std::string key;
  std::string message;

  // "file:line:column: key: message"
  std::string to_string() const;
};

// Collects issues and remembers where each key path was found, so checks made on the typed
// model can point back into the file.
class IssueLog {
 public:
  explicit IssueLog(std::string file) : file_(std::move(file)) {}

  void add(const std::string& key, Location where, std::string message);
  // Reports at the recorded location of `key` (or of its nearest recorded parent).
  void add_at(const std::string& key, std::string message);
  void remember(const std::string& key, Location where) { places_[key] = where; }
  Location where(const std::string& key) const;

  const std::vector<Issue>& issues() const { return issues_; }
  // True if an issue was logged for `key` or a key below it (to avoid cascading reports).
  bool has_issue_under(const std::string& key) const;
  bool empty() const { return issues_.empty(); }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<Issue> issues_;
  std::map<std::string, Location> places_;
};

}  // namespace charter::policy
