#include "cli/retention_cli.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/key_option.h"
#include "cli/trail_cli.h"

namespace charter::cli {
namespace {

bool has_consent_ledger(store::Store& store) {
  auto tx = store.read();
  if (!tx.ok()) return false;
  auto row = tx->query_one("SELECT COUNT(*) FROM consent_keys");
  return row.ok() && row->has_value();
}

}  // namespace

Result<std::unique_ptr<RetentionContext>> open_retention(OpenVault& v, const VaultOptions& opts,
                                                         bool quiet) {
  auto ctx = std::make_unique<RetentionContext>();
  retention::RetentionOptions ro;
  if (has_consent_ledger(*v.store)) {
    KeyOptions keys;
    keys.key_file = opts.key_file;
    if (keys.key_file.empty() && !std::getenv(kMasterKeyEnv)) {
      keys.key_file = (std::filesystem::path(opts.store.data) / "keys" / "master.key").string();
    }
    auto ring = load_key_ring(keys);
    if (ring.ok()) {
      ctx->ring = std::move(ring).value();
      auto ledger =
          consent::ConsentLedger::open(*v.store, std::make_shared<const policy::Policy>(v.policy),
                                       v.clock, v.random, *ctx->ring);
      if (ledger.ok()) {
        ctx->ledger = std::move(ledger).value();
        ctx->consent = std::make_unique<retention::LedgerConsentSource>(*ctx->ledger);
        ro.consent = ctx->consent.get();
      } else if (!quiet) {
        std::fprintf(stderr, "charter: note: consent ledger not opened (%s)\n",
                     ledger.error().to_string().c_str());
      }
    } else if (!quiet) {
      std::fprintf(stderr, "charter: note: consent ledger not opened (%s)\n",
                   ring.error().to_string().c_str());
    }
  }
  if (!ro.consent && !quiet) {
    std::fprintf(stderr,
                 "charter: note: no consent facts: withdrawals and objections are not taken into "
                 "account (data may be kept longer, never deleted earlier)\n");
  }
  if (v.trail) ro.on_hold_change = hold_audit_hook(*v.trail);
  CHARTER_TRY(ctx->engine, retention::Retention::open(*v.store, *v.vault, v.policy, v.clock,
                                                      v.random, std::move(ro)));
  return ctx;
}

void reindex_after_change(OpenVault& v, const VaultOptions& opts, std::string_view subject_id) {
  auto ctx = open_retention(v, opts, /*quiet=*/true);
  Status st = ctx.ok() ? (*ctx)->engine->reindex(subject_id) : Status(ctx.error());
  if (!st.ok()) {
    std::fprintf(stderr,
                 "charter: warning: retention index not updated (%s); run `charter sweep --full`\n",
                 st.error().to_string().c_str());
  }
}

}  // namespace charter::cli
