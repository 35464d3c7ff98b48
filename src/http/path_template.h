// Path templates of routes: "/v1/subjects/{id}/consents/{purpose}".
//
// Contract: parse_template() accepts "/" or "/"-separated non-empty segments, each a literal
// (RFC 3986 pchar without "%", "{" or "}") or a whole-segment parameter "{name}" with name
// [a-z][a-z0-9_]*, each name once. Errors: kInvalidArgument saying what is wrong. match()
// compares decoded request segments; a parameter matches any non-empty segment. Pure.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/request.h"

namespace charter::http {

struct PathTemplate {
  struct Segment {
    bool param = false;
    std::string text;  // literal text, or parameter name
  };
  std::vector<Segment> segments;  // empty for "/"

  // The template with every parameter written "{}": two templates with the same shape match the
  // same paths.
  std::string shape() const;
  std::vector<std::string> param_names() const;
  // Fills `params` on success.
  bool match(std::span<const std::string> path_segments, Params& params) const;
};

Result<PathTemplate> parse_template(std::string_view text);

// Splits a decoded path into segments: "/" -> {}, "/a/b" -> {"a","b"}, "/a/" -> {"a",""}.
std::vector<std::string> split_path(std::string_view path);

}  // namespace charter::http
