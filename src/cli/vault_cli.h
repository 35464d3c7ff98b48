// Opening the vault from the command line (shared by `charter keys` and `charter subject`).
//
// The store is --database URL if given, else the SQLite folder --data (default ./data). The key
// folder (epoch keys) is always <data>/keys, also with --database (it is per server, never in the
// database). The master key comes from --key-file, else $CHARTER_MASTER_KEY, else
// <data>/keys/master.key (docs/VAULT.md "Master key sources"). Every change goes to the audit log
// through the CLI's trail (cli/trail_cli.h).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/common.h"
#include "cli/erasure_journal.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "policy/model.h"
#include "store/store.h"
#include "trail/trail.h"
#include "vault/keys.h"
#include "vault/vault.h"

namespace charter::cli {

struct VaultOptions {
  StoreOptions store;
  std::string key_file;
  // The erasure journal (cli/erasure_journal.h): --erasure-journal, else
  // $CHARTER_ERASURE_JOURNAL, else <data>/erasures.journal. `journal_erasures` false: erasures
  // are not journalled (restore re-applying the journal itself).
  std::string erasure_journal;
  bool journal_erasures = true;
};

void add_vault_options(CLI::App* cmd, VaultOptions& opts);

// "postgresql://..." or the data folder.
std::string store_target(const StoreOptions& opts);
vault::MasterKeySource master_source(const VaultOptions& opts);

// The master key of a first key initialisation: $CHARTER_MASTER_KEY when no --key-file is given,
// else the key file (default <data>/keys/master.key), created with mode 0600 (its folder 0700)
// when missing. `reuse_file`: an existing file is loaded rather than refused (serve's first
// start). `created` names the file written here ("" if none), to remove if initialisation fails.
struct InitMaster {
  crypto::MasterKey key;
  std::string created;
};
Result<InitMaster> master_for_init(const VaultOptions& opts, Random& random, bool reuse_file);

// Everything a vault command needs, owned together (the vault refers to the others).
struct OpenVault {
  std::unique_ptr<store::Store> store;
  policy::Policy policy;
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<store::Store> audit_db;   // the audit log (cli/trail_cli.h)
  std::unique_ptr<trail::Trail> trail;      // every change is audited (fail closed)
  std::unique_ptr<ErasureJournal> journal;  // erasures recorded outside the database
  std::unique_ptr<JournalingSink> journaling;
  std::unique_ptr<vault::Vault> vault;  // destroyed first
};

Result<std::unique_ptr<OpenVault>> open_vault(const VaultOptions& opts);

}  // namespace charter::cli
