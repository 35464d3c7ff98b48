// Opening the retention engine from the command line (shared by `charter sweep`, `charter hold`
// and the subject commands that change what the index must know).
//
// The engine runs on the vault opened by open_vault(). Consent withdrawals and objections come
// from the consent ledger when the store has one (opened with the same master key as the vault:
// --key-file, else $CHARTER_MASTER_KEY, else <data>/keys/master.key); without it the engine
// knows none, which can only keep data longer, never delete it earlier (a note says so).
#pragma once

#include <memory>
#include <string_view>

#include "cli/vault_cli.h"
#include "consent/ledger.h"
#include "crypto/key_ring.h"
#include "retention/consent_source.h"
#include "retention/engine.h"

namespace charter::cli {

struct RetentionContext {
  std::unique_ptr<crypto::KeyRing> ring;
  std::unique_ptr<consent::ConsentLedger> ledger;
  std::unique_ptr<retention::LedgerConsentSource> consent;
  std::unique_ptr<retention::Retention> engine;  // destroyed first
  ~RetentionContext() {
    engine.reset();
    consent.reset();
    ledger.reset();
  }
};

Result<std::unique_ptr<RetentionContext>> open_retention(OpenVault& v, const VaultOptions& opts,
                                                         bool quiet = false);

// After a command changed a subject: refreshes its next-expiry row. A failure is printed as a
// warning (the change itself is committed; `charter sweep --full` rebuilds the index).
void reindex_after_change(OpenVault& v, const VaultOptions& opts, std::string_view subject_id);

}  // namespace charter::cli
