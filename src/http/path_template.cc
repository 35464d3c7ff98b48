#include "http/path_template.h"

namespace charter::http {

namespace {

bool is_name(std::string_view s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool is_literal_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
}

}  // namespace

std::string PathTemplate::shape() const {
  if (segments.empty()) return "/";
  std::string out;
  for (const auto& s : segments) out += s.param ? "/{}" : "/" + s.text;
  return out;
}

std::vector<std::string> PathTemplate::param_names() const {
  std::vector<std::string> out;
  for (const auto& s : segments) {
    if (s.param) out.push_back(s.text);
  }
  return out;
}

bool PathTemplate::match(std::span<const std::string> path, Params& params) const {
  if (path.size() != segments.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (segments[i].param) {
      if (path[i].empty()) return false;
    } else if (segments[i].text != path[i]) {
      return false;
    }
  }
  params.clear();
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (segments[i].param) params.emplace_back(segments[i].text, path[i]);
  }
  return true;
}

Result<PathTemplate> parse_template(std::string_view text) {
  if (text.empty() || text[0] != '/') {
    return make_error(Errc::kInvalidArgument, "a path template must start with '/'");
  }
  PathTemplate t;
  if (text == "/") return t;
  std::string_view rest = text.substr(1);
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty()) {
      return make_error(Errc::kInvalidArgument, "empty segment in path template");
    }
    if (seg.front() == '{') {
      if (seg.back() != '}' || !is_name(seg.substr(1, seg.size() - 2))) {
        return make_error(Errc::kInvalidArgument,
                          "a path parameter is a whole segment {name}, name [a-z][a-z0-9_]*");
      }
      std::string name(seg.substr(1, seg.size() - 2));
      for (const auto& s : t.segments) {
        if (s.param && s.text == name) {
          return make_error(Errc::kInvalidArgument, "path parameter {" + name + "} repeated");
        }
      }
      t.segments.push_back({true, std::move(name)});
    } else {
      for (char c : seg) {
        if (!is_literal_char(c)) {
          return make_error(Errc::kInvalidArgument, "invalid character in path template");
        }
      }
      t.segments.push_back({false, std::string(seg)});
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return t;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path == "/") return out;
  if (path[0] == '/') path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return out;
}

}  // namespace charter::http
