// The master key for commands that seal or unseal (consent evidence, staff names): --key-file
// FILE (mode 0600, 64 hex characters, crypto/key_source.h) or, when absent, the environment
// variable CHARTER_MASTER_KEY; --key-version N (default 1) is the version it wraps under.
// Until `charter keys` manages epoch keys (docs/CRYPTO.md), the key ring holds that one key.
// Errors: kNotFound "no master key: ..." when neither is given; the key source's errors.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "crypto/key_ring.h"

namespace charter::cli {

inline constexpr const char* kMasterKeyEnv = "CHARTER_MASTER_KEY";

struct KeyOptions {
  std::string key_file;
  std::uint32_t key_version = 1;
};

void add_key_options(CLI::App* cmd, KeyOptions& opts);
Result<std::unique_ptr<crypto::KeyRing>> load_key_ring(const KeyOptions& opts);

}  // namespace charter::cli
