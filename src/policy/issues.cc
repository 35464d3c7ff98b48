#include "policy/issues.h"

namespace charter::policy {

std::string Issue::to_string() const {
  std::string out = file;
  if (where.line > 0) out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

void IssueLog::add(const std::string& key, Location where, std::string message) {
  issues_.push_back(Issue{file_, where, key, std::move(message)});
}

void IssueLog::add_at(const std::string& key, std::string message) {
  add(key, where(key), std::move(message));
}

bool IssueLog::has_issue_under(const std::string& key) const {
  for (auto& i : issues_) {
    if (i.key == key || (i.key.size() > key.size() && i.key.compare(0, key.size(), key) == 0 &&
                         (i.key[key.size()] == '.' || i.key[key.size()] == '['))) {
      return true;
    }
  }
  return false;
}

Location IssueLog::where(const std::string& key) const {
  std::string k = key;
  while (true) {
    auto it = places_.find(k);
    if (it != places_.end()) return it->second;
    auto cut = k.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) break;
    k.resize(cut);
  }
  auto root = places_.find("");
  return root == places_.end() ? Location{1, 1} : root->second;
}

}  // namespace charter::policy
