#include "cli/key_option.h"

#include <cstdlib>

#include "crypto/key_source.h"

namespace charter::cli {

void add_key_options(CLI::App* cmd, KeyOptions& opts) {
  cmd->add_option("--key-file", opts.key_file,
                  "Master key file (0600, 64 hex characters); default: $CHARTER_MASTER_KEY");
  cmd->add_option("--key-version", opts.key_version, "Version of that master key")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1000000u));
}

Result<std::unique_ptr<crypto::KeyRing>> load_key_ring(const KeyOptions& opts) {
  Result<crypto::MasterKey> key = make_error(Errc::kInternal, "unset");
  if (!opts.key_file.empty()) {
    key = crypto::load_key_file(opts.key_file, opts.key_version);
  } else if (const char* env = std::getenv(kMasterKeyEnv); env && *env) {
    key = crypto::load_key_env(kMasterKeyEnv, opts.key_version);
  } else {
    return make_error(Errc::kNotFound,
                      "no master key: give --key-file FILE or set CHARTER_MASTER_KEY "
                      "(64 hex characters; e.g. openssl rand -hex 32)");
  }
  if (!key.ok()) return std::move(key).error();
  auto ring = std::make_unique<crypto::KeyRing>();
  CHARTER_TRY_STATUS(ring->add(std::move(key).value()));
  return ring;
}

}  // namespace charter::cli
