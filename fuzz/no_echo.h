// The "messages never echo the input" property of the fuzz targets (docs/FUZZING.md). Looking
// for the input inside the message is not a test: libFuzzer learns the message texts from the
// comparisons it watches and feeds them back, so an input can be a piece of a fixed message (the
// first 300-second run of drp_body, 2026-11-28, "found" exactly that). Instead: an error message
// comes from a small fixed set, while an echo would add a new message for each new input, so the
// set of distinct messages seen would grow without bound. check_no_echo aborts past 64.
#pragma once

#include <cstdlib>
#include <set>
#include <string>

namespace charter::fuzzing {

inline void check_no_echo(const std::string& message) {
  static std::set<std::string> seen;
  seen.insert(message);
  if (seen.size() > 64) std::abort();
}

}  // namespace charter::fuzzing
