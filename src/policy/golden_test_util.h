// Test helpers for the rendering tests: the default policy, and golden files.
//
// expect_golden(name, actual) compares `actual` byte for byte with tests/golden/<name>. With the
// environment variable CHARTER_UPDATE_GOLDEN=1 it rewrites the file instead (and the test
// passes), so after an intended change: CHARTER_UPDATE_GOLDEN=1 ./build/test/src/policy/policy_test
// then review `git diff tests/golden`.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "policy/loader.h"
#include "policy/model.h"

namespace charter::policy::testing {

inline std::string source_path(const std::string& relative) {
  return std::string(CHARTER_SOURCE_DIR) + "/" + relative;
}

// The default policy, loaded once through the real loader.
inline const Policy& default_policy() {
  static const Policy policy = [] {
    auto loaded = load_policy(source_path("policies/oxemis.yaml"));
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.error().message;
      return Policy{};
    }
    return std::move(loaded).value();
  }();
  return policy;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = source_path("tests/golden/" + name);
  const char* update = std::getenv("CHARTER_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << actual;
    return;
  }
  std::ifstream probe(path);
  ASSERT_TRUE(probe.good()) << path << " is missing; create it with CHARTER_UPDATE_GOLDEN=1";
  const std::string expected = read_file(path);
  if (expected == actual) return;
  std::size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
  std::size_t from = at < 80 ? 0 : at - 80;
  ADD_FAILURE() << name << " differs from the golden file at byte " << at << " (expected "
                << expected.size() << " bytes, got " << actual.size()
                << ")\n--- expected: " << expected.substr(from, 200)
                << "\n--- actual: " << actual.substr(from, 200)
                << "\nIf the change is intended: CHARTER_UPDATE_GOLDEN=1 and review git diff.";
}

}  // namespace charter::policy::testing
