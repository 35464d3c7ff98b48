#include "http/session_store.h"

#include <array>

#include "core/id.h"
#include "crypto/bytes.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "store/migrate.h"

namespace charter::http {
namespace {

constexpr std::string_view kSecretPrefix = "chses_";
constexpr std::size_t kSecretChars = 52;

constexpr std::string_view kV1 = R"sql(
CREATE TABLE http_sessions (
  session_hash {blob} NOT NULL,
  session_id TEXT NOT NULL,
  staff_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (session_hash),
  UNIQUE (session_id));
CREATE INDEX http_sessions_staff ON http_sessions (staff_id))sql";

constexpr std::string_view kV2 = R"sql(
CREATE TABLE http_password_change (
  staff_id TEXT NOT NULL,
  since BIGINT NOT NULL,
  PRIMARY KEY (staff_id)))sql";

constexpr store::Migration kMigrations[] = {{1, "staff console sessions", kV1},
                                            {2, "password change required", kV2}};

crypto::Digest hash_of(std::string_view secret) { return crypto::sha256(crypto::as_bytes(secret)); }

bool well_formed(std::string_view secret) {
  if (secret.size() != kSecretPrefix.size() + kSecretChars) return false;
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) return false;
  for (char c : secret.substr(kSecretPrefix.size())) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::int64_t micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

}  // namespace

Result<std::unique_ptr<SessionStore>> SessionStore::open(store::Store& store, const Clock& clock,
                                                         Random& random, SessionOptions options) {
  CHARTER_TRY_STATUS(store::migrate(store, "http", kMigrations, clock));
  return std::unique_ptr<SessionStore>(new SessionStore(store, clock, random, options));
}

std::string SessionStore::csrf_token_of(std::string_view secret) {
  std::string input = "charter-csrf-v1:";
  input += secret;
  auto digest = crypto::sha256(crypto::as_bytes(input));
  return crypto::to_base64url(digest);
}

Status SessionStore::require_password_change(std::string_view staff_id) {
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("DELETE FROM http_password_change WHERE staff_id = ?", {staff_id}));
  (void)n;
  CHARTER_TRY(auto m, tx.exec("INSERT INTO http_password_change (staff_id, since) VALUES (?, ?)",
                              {staff_id, to_unix_micros(clock_.now())}));
  (void)m;
  return tx.commit();
}

Status SessionStore::clear_password_change(std::string_view staff_id) {
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("DELETE FROM http_password_change WHERE staff_id = ?", {staff_id}));
  (void)n;
  return tx.commit();
}

Result<bool> SessionStore::password_change_required(std::string_view staff_id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT since FROM http_password_change WHERE staff_id = ?",
                                     {staff_id}));
  return row.has_value();
}

Result<NewSession> SessionStore::create(std::string_view staff_id) {
  if (!is_valid_id(staff_id, "stf")) {
    return make_error(Errc::kInvalidArgument, "staff id: expected stf_ and 26 base32 characters");
  }
  NewSession s;
  {
    std::lock_guard lock(random_mu_);
    std::array<std::uint8_t, 32> raw{};
    random_.fill(raw);
    s.secret = std::string(kSecretPrefix) + crypto::to_base32(raw);
    s.session_id = new_id(random_, "ses");
  }
  s.csrf_token = csrf_token_of(s.secret);
  const std::int64_t now = to_unix_micros(clock_.now());
  const std::int64_t expires = now + micros(options_.lifetime);
  s.expires_at = from_unix_micros(expires);
  auto hash = hash_of(s.secret);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY_STATUS(tx.exec(
      "INSERT INTO http_sessions (session_hash, session_id, staff_id, created_at, last_seen_at, "
      "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      {store::ByteView(hash), s.session_id, staff_id, now, now, expires}));
  CHARTER_TRY_STATUS(tx.commit());
  return s;
}

Result<SessionInfo> SessionStore::resolve(std::string_view secret) {
  if (!well_formed(secret)) return make_error(Errc::kUnauthenticated, "invalid session");
  auto hash = hash_of(secret);
  std::optional<store::Row> row;
  {
    CHARTER_TRY(auto tx, store_.read());
    CHARTER_TRY(row, tx.query_one("SELECT s.session_id, s.staff_id, s.last_seen_at, "
                                  "s.expires_at, s.revoked_at, p.since FROM http_sessions s "
                                  "LEFT JOIN http_password_change p ON p.staff_id = s.staff_id "
                                  "WHERE s.session_hash = ?",
                                  {store::ByteView(hash)}));
  }
  if (!row) return make_error(Errc::kUnauthenticated, "invalid session");
  if (!(*row)[4].is_null()) return make_error(Errc::kUnauthenticated, "session revoked");
  CHARTER_TRY(auto last_seen, (*row)[2].as_int(2));
  CHARTER_TRY(auto expires, (*row)[3].as_int(3));
  const std::int64_t now = to_unix_micros(clock_.now());
  if (now >= expires || now >= last_seen + micros(options_.idle_timeout)) {
    return make_error(Errc::kUnauthenticated, "session expired");
  }
  SessionInfo info;
  CHARTER_TRY(auto sid, (*row)[0].as_text(0));
  info.session_id = std::string(sid);
  CHARTER_TRY(auto staff, (*row)[1].as_text(1));
  info.staff_id = std::string(staff);
  info.csrf_token = csrf_token_of(secret);
  info.expires_at = from_unix_micros(expires);
  info.must_change_password = !(*row)[5].is_null();
  if (now - last_seen >= micros(options_.touch_every)) {
    CHARTER_TRY(auto tx, store_.write());
    CHARTER_TRY_STATUS(tx.exec(
        "UPDATE http_sessions SET last_seen_at = ? WHERE session_hash = ? AND last_seen_at < ?",
        {now, store::ByteView(hash), now}));
    CHARTER_TRY_STATUS(tx.commit());
  }
  return info;
}

Status SessionStore::revoke(std::string_view secret) {
  if (!well_formed(secret)) return make_error(Errc::kUnauthenticated, "invalid session");
  auto hash = hash_of(secret);
  const std::int64_t now = to_unix_micros(clock_.now());
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto row, tx.query_one("SELECT revoked_at FROM http_sessions WHERE session_hash = ?",
                                     {store::ByteView(hash)}));
  if (!row) return make_error(Errc::kUnauthenticated, "invalid session");
  CHARTER_TRY_STATUS(tx.exec(
      "UPDATE http_sessions SET revoked_at = ? WHERE session_hash = ? AND revoked_at IS NULL",
      {now, store::ByteView(hash)}));
  return tx.commit();
}

Result<std::int64_t> SessionStore::revoke_all(std::string_view staff_id) {
  const std::int64_t now = to_unix_micros(clock_.now());
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(std::int64_t n, tx.exec("UPDATE http_sessions SET revoked_at = ? WHERE staff_id = ? "
                                      "AND revoked_at IS NULL",
                                      {now, staff_id}));
  CHARTER_TRY_STATUS(tx.commit());
  return n;
}

}  // namespace charter::http
