#include "http/target.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace charter::http {

namespace {
Error bad(const char* why) { return make_error(Errc::kInvalidArgument, why); }
}  // namespace

bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(n) >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += static_cast<std::size_t>(n) + 1;
  }
  return true;
}

Result<Target> parse_target(std::string_view text) {
  if (text.empty() || text[0] != '/') return bad("the request target must be an absolute path");
  auto parsed = boost::urls::parse_origin_form(text);
  if (!parsed) return bad("the request target is malformed");
  boost::urls::url_view u = *parsed;
  Target t;
  for (auto seg : u.encoded_segments()) {
    std::string decoded = seg.decode();
    if (decoded == "." || decoded == "..") return bad("dot segments are not allowed in paths");
    if (decoded.find('/') != std::string::npos || decoded.find('\0') != std::string::npos) {
      return bad("an encoded '/' or NUL is not allowed in a path segment");
    }
    if (!is_utf8(decoded)) return bad("the path is not UTF-8");
    t.path += '/';
    t.path += decoded;
    t.segments.push_back(std::move(decoded));
  }
  if (t.path.empty()) t.path = "/";
  if (u.has_query()) {
    for (auto p : u.params()) {
      if (!is_utf8(p.key) || !is_utf8(p.value)) return bad("a query parameter is not UTF-8");
      t.query.emplace_back(std::move(p.key), std::move(p.value));
    }
  }
  return t;
}

}  // namespace charter::http
