#include "cli/vault_cli.h"

#include "cli/trail_cli.h"
#include "policy/loader.h"
#include "store/open.h"
#include "vault/schema.h"

namespace charter::cli {

void add_vault_options(CLI::App* cmd, VaultOptions& opts) {
  add_store_options(cmd, opts.store);
  cmd->add_option("--key-file", opts.key_file,
                  "Master key file (mode 0600); default: $CHARTER_MASTER_KEY, else "
                  "<data>/keys/master.key");
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
  CHARTER_TRY(out->vault, vault::Vault::open(*out->store, out->policy, std::move(keys), out->clock,
                                             out->random, vo));
  return out;
}

}  // namespace charter::cli
