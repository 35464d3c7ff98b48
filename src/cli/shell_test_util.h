// Test helper of the CLI tests: runs a shell command and captures what it prints.
#pragma once

#include <stdio.h>
#include <sys/wait.h>

#include <array>
#include <string>

namespace charter::cli::testing {

struct Output {
  int code;         // exit status (-1 when the command did not exit normally)
  std::string out;  // stdout and stderr
};

inline Output sh(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace charter::cli::testing
