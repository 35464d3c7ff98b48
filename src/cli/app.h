// The `charter` command line: `charter <area> <verb> [options]` (CLI11).
//
// Contract: run() parses argv, runs one command and returns the process exit code:
// 0 success, 1 failure, 2 bad usage or invalid input (see core/error.h). Output goes to
// stdout; diagnostics to stderr, never with personal data.
#pragma once

namespace charter::cli {

int run(int argc, char** argv);

}  // namespace charter::cli
