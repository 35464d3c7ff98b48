#include "cli/trail_cli.h"

#include "store/open.h"
#include "vault/keys.h"
#include "vault/schema.h"

namespace charter::cli {

Result<OpenTrail> open_cli_trail(const StoreOptions& opts, const policy::Policy* policy,
                                 const Clock& clock, Random& random) {
  OpenTrail out;
  CHARTER_TRY(out.db, store::open_audit_store(opts.database.empty() ? opts.data : opts.database));
  trail::TrailOptions to;
  to.actor = kCliActor;
  to.policy = policy;
  CHARTER_TRY(out.trail,
              trail::Trail::open(*out.db, vault::key_dir_of(opts.data), clock, random, to));
  return out;
}

Status attach_vault_keys(trail::Trail& trail, store::Store& store, const StoreOptions& opts,
                         const std::string& key_file, const Clock& clock, Random& random) {
  CHARTER_TRY_STATUS(vault::migrate_vault(store, clock));
  CHARTER_TRY(bool initialised, vault::KeyService::initialized(store));
  if (!initialised) {
    return make_error(Errc::kFailedPrecondition,
                      "the vault's keys are not initialised: run `charter keys init` (the audit "
                      "log names subjects by a pseudonym keyed by the vault)");
  }
  vault::MasterKeySource src;
  src.key_file = key_file;
  src.default_file = vault::default_master_file(opts.data);
  CHARTER_TRY(std::uint32_t version, vault::KeyService::master_version(store));
  CHARTER_TRY(crypto::MasterKey master, vault::load_master_key(src, version));
  CHARTER_TRY(auto keys, vault::KeyService::open(store, vault::key_dir_of(opts.data),
                                                 std::move(master), clock, random));
  return trail.attach(*keys);
}

retention::HoldHook hold_audit_hook(trail::Trail& trail) {
  return [&trail](store::Transaction&, const retention::HoldChange& c) -> Status {
    CHARTER_TRY(std::string subject, trail.pseudonym(c.subject_id));
    audit::AuditEvent e;
    // The CLI records the DPO's staff id when given one, else acts as the CLI itself.
    if (c.actor.rfind("stf_", 0) == 0) {
      e.actor = {audit::ActorKind::kStaff, c.actor, "dpo"};
    } else {
      e.actor = kCliActor;
    }
    e.action = c.placed ? "retention.hold_place" : "retention.hold_release";
    e.purpose = "disputes";
    e.subject = std::move(subject);
    e.reason = "legal_hold";
    return trail.append_all({std::move(e)});
  };
}

}  // namespace charter::cli
