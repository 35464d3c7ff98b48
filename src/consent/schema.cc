#include "consent/schema.h"

#include <string>

namespace charter::consent {
namespace {

// Version 1. Times are microseconds since the Unix epoch (UTC); `seq` orders the events of one
// subject (docs/CONSENT.md); the primary key (subject, purpose, seq, event id) is also the order
// in which the state and the history are read. Sealed columns ({blob}) are XChaCha20-Poly1305 under
// the ledger key with AD (subject, column, key version, event id).
constexpr std::string_view kV1 = R"sql(
-- Reference table (owned by no subject): the ledger root key, wrapped by the key ring.
CREATE TABLE consent_keys (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version));
CREATE TABLE consent_events (
  subject_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('given', 'withdrawn', 'expired')),
  at BIGINT NOT NULL,
  channel TEXT NOT NULL,
  language TEXT NOT NULL,
  notice_sha256 {blob},
  policy_version TEXT NOT NULL,
  expires_at BIGINT,
  gpc BIGINT NOT NULL CHECK (gpc IN (0, 1)),
  key_version BIGINT NOT NULL,
  evidence {blob},
  PRIMARY KEY (subject_id, purpose, seq, event_id)){table_options};
CREATE INDEX consent_events_expiry ON consent_events (expires_at)
  WHERE kind = 'given' AND expires_at IS NOT NULL;
CREATE TABLE consent_unsubscribe_uses (
  subject_id TEXT NOT NULL,
  token_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  used_at BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (subject_id, token_id));
CREATE TABLE consent_objections (
  subject_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('objected', 'overridden', 'lifted')),
  at BIGINT NOT NULL,
  channel TEXT NOT NULL,
  actor TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  reason {blob},
  PRIMARY KEY (subject_id, event_id));
CREATE INDEX consent_objections_order ON consent_objections (subject_id, purpose, seq);
CREATE TABLE consent_restrictions (
  subject_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('placed', 'lifted')),
  ground TEXT,
  at BIGINT NOT NULL,
  channel TEXT NOT NULL,
  actor TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  note {blob},
  PRIMARY KEY (subject_id, event_id));
CREATE INDEX consent_restrictions_order ON consent_restrictions (subject_id, seq);
CREATE TABLE consent_signals (
  subject_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('gpc')),
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  channel TEXT NOT NULL,
  PRIMARY KEY (subject_id, event_id));
-- Erased subjects: an opaque id and a time, so a link still in a mailbox cannot write rows
-- for a subject that no longer exists.
CREATE TABLE consent_erased (
  subject_id TEXT NOT NULL,
  erased_at BIGINT NOT NULL,
  PRIMARY KEY (subject_id));
-- Reference table: progress of the expiry sweep.
CREATE TABLE consent_meta (
  name TEXT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (name)))sql";

std::string with_table_options(std::string_view clause) {
  std::string sql(kV1);
  const std::string token = "{table_options}";
  sql.replace(sql.find(token), token.size(), clause);
  return sql;
}

}  // namespace

std::span<const store::Migration> migrations() {
  static const std::string sqlite = with_table_options("");
  static const std::string postgres = with_table_options("");
  static const store::Migration list[] = {
      {1, "consent ledger, objections, restrictions, signals", sqlite, postgres},
  };
  return list;
}

Result<int> migrate_consent(store::Store& store, const Clock& clock) {
  return store::migrate(store, kComponent, migrations(), clock);
}

}  // namespace charter::consent
