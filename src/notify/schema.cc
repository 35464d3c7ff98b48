#include "notify/schema.h"

namespace charter::notify {
namespace {

// Version 1. Times are microseconds since the Unix epoch (UTC). A message is due when
// delivered_at IS NULL and next_at <= now; a worker that takes it moves next_at forward by a
// lease first, so a crash mid-delivery makes it due again once the lease has passed.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE notify_keys (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version));
CREATE TABLE notify_messages (
  id TEXT NOT NULL PRIMARY KEY,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  endpoint TEXT NOT NULL,
  kind TEXT NOT NULL,
  reference TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  next_at BIGINT NOT NULL,
  delivered_at BIGINT,
  last_error TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  payload {blob} NOT NULL);
CREATE INDEX notify_messages_due ON notify_messages (next_at) WHERE delivered_at IS NULL;
)sql";

constexpr store::Migration kMigrations[] = {
    {1, "outbox keys and messages", kV1},
};

}  // namespace

std::span<const store::Migration> migrations() { return kMigrations; }

Result<int> migrate_notify(store::Store& store, const Clock& clock) {
  return store::migrate(store, kComponent, migrations(), clock);
}

}  // namespace charter::notify
