// The audit trail of CLI commands that change something (docs/AUDIT.md "Actors"): the log in
// the audit database (store/open.h open_audit_store: <data>/audit.db, or the --database), its
// signing key in <data>/keys, entries with the actor {system, "cli", "dpo"}: a command run by the
// operator who holds the master key, acting with the DPO's authority.
// Contract: open_cli_trail() errors as trail::Trail::open; attach_vault_keys() gives the trail
// the pseudonym key from the vault's key service (kFailedPrecondition when the vault's keys are
// not initialised: `charter keys init` first). The Store must outlive the Trail (OpenTrail
// destroys them in the right order).
#pragma once

#include <memory>
#include <string>

#include "cli/common.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "policy/model.h"
#include "retention/legal_holds.h"
#include "store/store.h"
#include "trail/trail.h"

namespace charter::cli {

struct OpenTrail {
  std::unique_ptr<store::Store> db;
  std::unique_ptr<trail::Trail> trail;  // destroyed first
};

inline const audit::Actor kCliActor{audit::ActorKind::kSystem, "cli", "dpo"};

Result<OpenTrail> open_cli_trail(const StoreOptions& opts, const policy::Policy* policy,
                                 const Clock& clock, Random& random);

// Opens the vault's key service with the master key (--key-file, $CHARTER_MASTER_KEY or
// <data>/keys/master.key) only to hand its pseudonym key to `trail`.
Status attach_vault_keys(trail::Trail& trail, store::Store& store, const StoreOptions& opts,
                         const std::string& key_file, const Clock& clock, Random& random);

// Audits legal holds placed and released (retention::HoldHook, called in the hold's transaction:
// an error rolls it back). The entry: the staff member who acted (role "dpo"), action
// "retention.hold_place" or "retention.hold_release", purpose "disputes", the subject's
// pseudonym; never the reason text.
retention::HoldHook hold_audit_hook(trail::Trail& trail);

}  // namespace charter::cli
