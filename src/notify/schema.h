// The outbox's tables (store migrations, component "notify"): its wrapped root key and the
// queued messages (e-mails and webhooks) with their delivery state.
//
// Contract: migrations are only ever appended. Messages are not owned by a subject row: the
// personal data they carry (recipient address, body, subject id of a webhook) is sealed in
// `payload`; delivered messages are purged after a retention period (DurableOutbox::purge).
// Thread safety: constants.
#pragma once

#include <span>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/migrate.h"
#include "store/store.h"

namespace charter::notify {

inline constexpr std::string_view kComponent = "notify";
std::span<const store::Migration> migrations();
Result<int> migrate_notify(store::Store& store, const Clock& clock);

}  // namespace charter::notify
