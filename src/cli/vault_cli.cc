#include "cli/vault_cli.h"

#include <cstdlib>
#include <filesystem>

#include "cli/trail_cli.h"
#include "crypto/key_source.h"
#include "policy/loader.h"
#include "store/open.h"
#include "vault/schema.h"

namespace charter::cli {

void add_vault_options(CLI::App* cmd, VaultOptions& opts) {
  add_store_options(cmd, opts.store);
  cmd->add_option("--key-file", opts.key_file,
                  "Master key file (mode 0600); default: $CHARTER_MASTER_KEY, else "
                  "<data>/keys/master.key");
  cmd->add_option("--erasure-journal", opts.erasure_journal,
                  "Erasure journal, kept apart from backups; default: $CHARTER_ERASURE_JOURNAL, "
                  "else <data>/erasures.journal");
}

std::string store_target(const StoreOptions& opts) {
  return opts.database.empty() ? opts.data : opts.database;
}

vault::MasterKeySource master_source(const VaultOptions& opts) {
  vault::MasterKeySource src;
  src.key_file = opts.key_file;
  src.default_file = vault::default_master_file(opts.store.data);
  return src;
}

Result<std::unique_ptr<OpenVault>> open_vault(const VaultOptions& opts) {
  auto out = std::make_unique<OpenVault>();
  CHARTER_TRY(out->policy, policy::load_policy(opts.store.policy));
  CHARTER_TRY(out->store, store::open_store(store_target(opts.store)));
  CHARTER_TRY_STATUS(vault::migrate_vault(*out->store, out->clock));
  CHARTER_TRY(bool initialised, vault::KeyService::initialized(*out->store));
  if (!initialised) {
    return make_error(Errc::kFailedPrecondition,
                      "the vault's keys are not initialised: run `charter keys init`");
  }
  CHARTER_TRY(std::uint32_t version, vault::KeyService::master_version(*out->store));
  CHARTER_TRY(crypto::MasterKey master, vault::load_master_key(master_source(opts), version));
  CHARTER_TRY(auto keys, vault::KeyService::open(*out->store, vault::key_dir_of(opts.store.data),
                                                 std::move(master), out->clock, out->random));
  CHARTER_TRY(auto trail, open_cli_trail(opts.store, &out->policy, out->clock, out->random));
  out->audit_db = std::move(trail.db);
  out->trail = std::move(trail.trail);
  CHARTER_TRY_STATUS(out->trail->attach(*keys));
  vault::VaultOptions vo;
  vo.sink = out->trail.get();
  if (opts.journal_erasures) {
    out->journal = std::make_unique<ErasureJournal>(
        erasure_journal_path(opts.erasure_journal, opts.store.data));
    out->journaling = std::make_unique<JournalingSink>(out->trail.get(), *out->journal, out->clock);
    vo.sink = out->journaling.get();
  }
  CHARTER_TRY(out->vault, vault::Vault::open(*out->store, out->policy, std::move(keys), out->clock,
                                             out->random, vo));
  return out;
}

Result<InitMaster> master_for_init(const VaultOptions& opts, Random& random, bool reuse_file) {
  const vault::MasterKeySource source = master_source(opts);
  const char* env = std::getenv(source.env_var.c_str());
  if (opts.key_file.empty() && env && *env) {
    CHARTER_TRY(crypto::MasterKey key, crypto::load_key_env(source.env_var, 1));
    return InitMaster{std::move(key), ""};
  }
  const std::string path = opts.key_file.empty() ? source.default_file : opts.key_file;
  std::error_code ec;
  if (reuse_file && std::filesystem::exists(path, ec)) {
    CHARTER_TRY(crypto::MasterKey key, crypto::load_key_file(path, 1));
    return InitMaster{std::move(key), ""};
  }
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
  }
  CHARTER_TRY(crypto::MasterKey key, crypto::create_key_file(path, 1, random));
  return InitMaster{std::move(key), path};
}

}  // namespace charter::cli
