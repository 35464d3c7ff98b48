#include "rights/schema.h"

#include <array>

#include "store/migrate.h"

namespace charter::rights {
namespace {

// Times: microseconds since the Unix epoch (UTC); dates: "YYYY-MM-DD".
constexpr std::string_view kV1 = R"sql(
CREATE TABLE rights_keys (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE rights_requests (
  request_id TEXT NOT NULL PRIMARY KEY,
  type TEXT NOT NULL,
  state TEXT NOT NULL,
  requester TEXT NOT NULL,
  proof_state TEXT NOT NULL,
  channel TEXT NOT NULL,
  language TEXT NOT NULL,
  email_index {blob} NOT NULL,
  email_sealed {blob} NOT NULL,
  text_sealed {blob} NOT NULL,
  params_sealed {blob} NOT NULL,
  proof_sealed {blob},
  answer_sealed {blob},
  subject_id TEXT NOT NULL,
  received_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  extended_due_on TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  verified_at BIGINT
);
CREATE INDEX rights_requests_email ON rights_requests (email_index);
CREATE INDEX rights_requests_subject ON rights_requests (subject_id);
CREATE INDEX rights_requests_state ON rights_requests (state);
CREATE TABLE rights_transitions (
  request_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  note_sealed {blob},
  PRIMARY KEY (request_id, seq)
);
CREATE TABLE rights_codes (
  request_id TEXT NOT NULL PRIMARY KEY,
  code_mac {blob} NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL
);
CREATE TABLE rights_rate (
  bucket TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE TABLE rights_sessions (
  secret_mac TEXT NOT NULL PRIMARY KEY,
  email_index {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE rights_mail (
  message_key TEXT NOT NULL PRIMARY KEY,
  request_id TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
)
)sql";

// Privacy-center sign-ins (sign_in.cc): a one-time code without a request. The row of a
// verified sign-in lives as long as the session it opened.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE rights_signins (
  signin_id TEXT NOT NULL PRIMARY KEY,
  email_index {blob} NOT NULL,
  email_sealed {blob} NOT NULL,
  language TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  verified_at BIGINT,
  expires_at BIGINT NOT NULL
)
)sql";

const std::array<store::Migration, 2> kMigrations{{
    {1, "requests, transitions, codes, rate limits, subject sessions, maildir intake", kV1},
    {2, "privacy-center sign-ins", kV2},
}};

}  // namespace

Status migrate_rights(store::Store& store, const Clock& clock) {
  CHARTER_TRY(int applied, store::migrate(store, kComponent, kMigrations, clock));
  (void)applied;
  return ok_status();
}

}  // namespace charter::rights
