// Fuzz target: the parsers of src/http that read untrusted bytes before any route runs: the
// request target (parse_target), form bodies (parse_form), the Cookie header (find_cookie), the
// Authorization header (extract_credentials) and JSON bodies within limits (parse_json_body).
// The first input byte picks the parser; the rest is its input. Properties checked beyond "no
// crash, no sanitizer report": a parsed target decodes to valid UTF-8 and has no "." or ".."
// segment; a parsed JSON body respects the depth limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/authenticator.h"
#include "http/cookies.h"
#include "http/form.h"
#include "http/json_body.h"
#include "http/target.h"

namespace {

int depth(const nlohmann::json& j) {
  if (!j.is_structured()) return 0;
  int d = 0;
  for (const auto& v : j) d = std::max(d, depth(v));
  return d + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace charter::http;
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto t = parse_target(in);
      if (t.ok()) {
        if (!is_utf8(t->path)) std::abort();
        for (const auto& s : t->segments) {
          if (s == "." || s == "..") std::abort();
        }
        for (const auto& [k, v] : t->query) {
          if (!is_utf8(k) || !is_utf8(v)) std::abort();
        }
      }
      break;
    }
    case 1:
      (void)parse_form(in);
      break;
    case 2: {
      (void)find_cookie(in, "charter_session");
      (void)find_cookie(in, "charter_csrf");
      break;
    }
    case 3: {
      Headers h;
      h.add("Authorization", std::string(in));
      (void)extract_credentials(h);
      Headers c;
      c.add("Cookie", std::string(in));
      (void)extract_credentials(c);
      break;
    }
    case 4: {
      JsonLimits limits;
      limits.max_depth = 8;
      limits.max_values = 1000;
      limits.max_string_bytes = 256;
      auto j = parse_json_body(in, limits);
      if (j.ok() && depth(*j) > limits.max_depth) std::abort();
      break;
    }
  }
  return 0;
}
