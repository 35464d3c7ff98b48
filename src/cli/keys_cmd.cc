// charter keys init [--key-file PATH]
// charter keys rotate [--batch N]
// charter keys rotate --master [--new-key-file PATH] [--keep-old-key]
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/trail_cli.h"
#include "cli/vault_cli.h"
#include "crypto/key_source.h"
#include "crypto/secret_file.h"
#include "policy/loader.h"
#include "store/open.h"
#include "vault/keys.h"
#include "vault/schema.h"
#include "vault/vault.h"

namespace charter::cli {
namespace {

int keys_init(const VaultOptions& opts) {
  SystemClock clock;
  SystemRandom random;
  auto pol = policy::load_policy(opts.store.policy);
  if (!pol) return fail(pol.error());
  auto store = store::open_store(store_target(opts.store));
  if (!store) return fail(store.error());
  Status migrated = vault::migrate_vault(**store, clock);
  if (!migrated) return fail(migrated.error());
  auto done = vault::KeyService::initialized(**store);
  if (!done) return fail(done.error());
  if (*done) {
    return fail(make_error(Errc::kAlreadyExists, "the vault's keys are initialised already (" +
                                                     (*store)->describe() +
                                                     "); a master key is never replaced: use "
                                                     "`charter keys rotate --master`"));
  }
  // The audit trail first: if it cannot be opened, no master key file is created.
  auto trail = open_cli_trail(opts.store, &*pol, clock, random);
  if (!trail) return fail(trail.error());
  const vault::MasterKeySource source = master_source(opts);
  const std::string key_dir = vault::key_dir_of(opts.store.data);
  auto master = master_for_init(opts, random, /*reuse_file=*/false);
  if (!master) return fail(master.error());
  const std::string created = master->created;  // removed again if initialisation fails
  vault::VaultOptions vo;
  vo.sink = trail->trail.get();
  Status st = vault::Vault::initialize_keys(**store, *pol, key_dir, master->key, clock, random, vo);
  if (!st) {
    if (!created.empty()) {
      Status gone = crypto::destroy_secret_file(created);
      (void)gone;
    }
    return fail(st.error());
  }
  std::printf("master key: %s (version 1, id %s)\n",
              created.empty() ? ("environment variable " + source.env_var).c_str()
                              : (created + ", mode 0600").c_str(),
              master->key.id().c_str());
  std::printf("vault keys initialised in %s: epoch 1 in %s\n", (*store)->describe().c_str(),
              key_dir.c_str());
  std::printf(
      "Back up the master key and the key folder separately from the data: without them the "
      "data cannot be read.\n");
  return 0;
}

int keys_rotate(const VaultOptions& opts, std::size_t batch) {
  auto v = open_vault(opts);
  if (!v) return fail(v.error());
  auto report = (*v)->vault->rotate_keys(batch);
  if (!report) return fail(report.error());
  std::string destroyed;
  for (auto e : report->destroyed_epochs)
    destroyed += (destroyed.empty() ? "" : ", ") + std::to_string(e);
  std::printf(
      "key epoch %u is current; %lld data keys and %lld system keys rewrapped in %d "
      "batches; destroyed epoch(s): %s\n",
      report->epoch, static_cast<long long>(report->keys_rewrapped),
      static_cast<long long>(report->system_keys_rewrapped), report->batches,
      destroyed.empty() ? "none" : destroyed.c_str());
  return 0;
}

int master_rotate(const VaultOptions& opts, const std::string& new_key_file, bool keep_old) {
  auto v = open_vault(opts);
  if (!v) return fail(v.error());
  const vault::MasterKeySource source = master_source(opts);
  const std::string old_desc = source.describe();
  const bool old_is_default = old_desc == "key file " + source.default_file;
  const bool old_is_file = old_desc.rfind("key file ", 0) == 0;
  std::string target = new_key_file;
  if (target.empty()) {
    if (!old_is_default) {
      return fail(make_error(Errc::kInvalidArgument,
                             "--new-key-file: where to create the new master key (the current "
                             "one comes from " +
                                 old_desc + ")"));
    }
    target = source.default_file + ".new";
  }
  const std::uint32_t version = (*v)->vault->keys().master_version() + 1;
  auto next = crypto::create_key_file(target, version, (*v)->random);
  if (!next) return fail(next.error());
  const std::string id = next->id();
  auto report = (*v)->vault->rotate_master(std::move(next).value());
  if (!report) {
    Status gone = crypto::destroy_secret_file(target);
    (void)gone;
    return fail(report.error());
  }
  std::string final_path = target;
  if (old_is_file && !keep_old) {
    const std::string old_path = old_desc.substr(9);
    Status gone = crypto::destroy_secret_file(old_path);
    if (!gone) return fail(gone.error());
    if (new_key_file.empty()) {
      std::error_code ec;
      std::filesystem::rename(target, old_path, ec);
      if (ec) {
        return fail(make_error(Errc::kUnavailable, "cannot move " + target + " to " + old_path));
      }
      final_path = old_path;
    }
    std::printf("old master key file %s destroyed\n", old_path.c_str());
  }
  std::printf("master key version %u (id %s) is %s; %d epoch file(s) rewrapped\n",
              report->to_version, id.c_str(), final_path.c_str(), report->epoch_files);
  if (!old_is_file || keep_old || !new_key_file.empty()) {
    std::printf(
        "From now on give --key-file %s (or set %s to its content) to every command "
        "and server.\n",
        final_path.c_str(), source.env_var.c_str());
  }
  return 0;
}

}  // namespace

CLI::App* register_keys_commands(CLI::App& app, Action& action) {
  CLI::App* area = app.add_subcommand("keys", "Master key and key epochs of the vault");
  area->require_subcommand(1);

  auto opts = std::make_shared<VaultOptions>();
  CLI::App* init = area->add_subcommand(
      "init",
      "Create the master key (a new 0600 file at --key-file or <data>/keys/master.key; never "
      "overwritten; or the key in $CHARTER_MASTER_KEY) and the vault's first key epoch");
  add_vault_options(init, *opts);
  init->callback([&action, opts] { action = [opts] { return keys_init(*opts); }; });

  struct RotateOpts {
    VaultOptions vault;
    std::size_t batch = 1000;
    bool master = false;
    std::string new_key_file;
    bool keep_old = false;
  };
  auto ropts = std::make_shared<RotateOpts>();
  CLI::App* rotate = area->add_subcommand(
      "rotate",
      "Start a new key epoch: rewrap every data key while the vault stays in use, then destroy "
      "the old epoch (completes PostgreSQL erasures). With --master: move the epoch files to a "
      "new master key instead");
  add_vault_options(rotate, ropts->vault);
  rotate->add_option("--batch", ropts->batch, "Keys rewrapped per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  rotate->add_flag("--master", ropts->master, "Rotate the master key (new version)");
  rotate->add_option("--new-key-file", ropts->new_key_file,
                     "With --master: the new master key file to create (default: replace "
                     "<data>/keys/master.key)");
  rotate->add_flag("--keep-old-key", ropts->keep_old,
                   "With --master: do not destroy the old master key file");
  rotate->callback([&action, ropts] {
    action = [ropts] {
      if (!ropts->master && (!ropts->new_key_file.empty() || ropts->keep_old)) {
        return fail(make_error(Errc::kInvalidArgument,
                               "--new-key-file and --keep-old-key go with --master"));
      }
      return ropts->master ? master_rotate(ropts->vault, ropts->new_key_file, ropts->keep_old)
                           : keys_rotate(ropts->vault, ropts->batch);
    };
  });
  return area;
}

}  // namespace charter::cli
