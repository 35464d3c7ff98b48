#include "staff/schema.h"

namespace charter::staff {
namespace {

constexpr std::string_view kV1 = R"sql(
-- Reference tables (owned by no data subject).
CREATE TABLE staff_keys (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version));
CREATE TABLE staff_members (
  staff_id TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  display_name {blob} NOT NULL,
  email {blob} NOT NULL,
  email_index {blob} NOT NULL,
  roles TEXT NOT NULL,
  trained_on TEXT,
  confidentiality_signed_on TEXT,
  suspended_at BIGINT,
  password_hash TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (staff_id),
  UNIQUE (email_index));
-- What happened to each member (added, roles, trained, signed, suspended, reinstated,
-- password): dates and role ids only, never names or e-mail addresses.
CREATE TABLE staff_events (
  staff_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (staff_id, event_id));
CREATE INDEX staff_events_order ON staff_events (staff_id, seq);
CREATE TABLE staff_services (
  service_id TEXT NOT NULL,
  name TEXT NOT NULL,
  purposes TEXT NOT NULL,
  suspended_at BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (service_id),
  UNIQUE (name));
CREATE TABLE staff_tokens (
  token_id TEXT NOT NULL,
  service_id TEXT NOT NULL REFERENCES staff_services (service_id),
  token_hash {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (token_id),
  UNIQUE (token_hash)))sql";

constexpr store::Migration kMigrations[] = {
    {1, "staff members, services, tokens", kV1},
};

}  // namespace

std::span<const store::Migration> migrations() { return kMigrations; }

Result<int> migrate_staff(store::Store& store, const Clock& clock) {
  return store::migrate(store, "staff", migrations(), clock);
}

}  // namespace charter::staff
