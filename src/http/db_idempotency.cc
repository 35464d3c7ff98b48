#include "http/db_idempotency.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "store/migrate.h"

namespace charter::http {
namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE http_idempotency (
  key_hash {blob} NOT NULL,
  scope TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  done BIGINT NOT NULL,
  status BIGINT,
  headers TEXT,
  body {blob},
  begun_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (key_hash));
CREATE INDEX http_idempotency_expiry ON http_idempotency (expires_at))sql";

constexpr store::Migration kMigrations[] = {{1, "idempotency records", kV1}};

crypto::Digest key_hash(const std::string& scope, const std::string& key) {
  std::string input = scope;
  input.push_back('\0');
  input += key;
  return crypto::sha256(crypto::as_bytes(input));
}

// What is stored of the scope: the credential, never a caller's address.
std::string stored_scope(const std::string& scope) {
  return scope.starts_with("cred:") ? scope : std::string("address");
}

std::int64_t micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

}  // namespace

Result<std::unique_ptr<DbIdempotencyStore>> DbIdempotencyStore::open(store::Store& store,
                                                                     const Clock& clock,
                                                                     DbIdempotencyOptions options) {
  CHARTER_TRY(int applied, store::migrate(store, "http_idempotency", kMigrations, clock));
  (void)applied;
  return std::unique_ptr<DbIdempotencyStore>(new DbIdempotencyStore(store, clock, options));
}

Result<IdempotencyRecords::Begin> DbIdempotencyStore::begin(const std::string& scope,
                                                            const std::string& key,
                                                            const std::string& fingerprint) {
  // Two servers inserting the same new key at once: the loser's insert fails (primary key);
  // it then reads the winner's row.
  auto first = try_begin(scope, key, fingerprint);
  if (first.ok() || first.error().code != Errc::kAlreadyExists) return first;
  return try_begin(scope, key, fingerprint);
}

Result<IdempotencyRecords::Begin> DbIdempotencyStore::try_begin(const std::string& scope,
                                                                const std::string& key,
                                                                const std::string& fingerprint) {
  const auto hash = key_hash(scope, key);
  const std::int64_t now = to_unix_micros(clock_.now());
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto row, tx.query_one("SELECT scope, fingerprint, done, status, headers, body, "
                                     "begun_at, expires_at FROM http_idempotency "
                                     "WHERE key_hash = ?",
                                     {store::ByteView(hash)}));
  if (row) {
    CHARTER_TRY(auto row_scope, (*row)[0].as_text(0));
    CHARTER_TRY(auto expires, (*row)[7].as_int(7));
    CHARTER_TRY(auto done, (*row)[2].as_int(2));
    CHARTER_TRY(auto begun, (*row)[6].as_int(6));
    const bool stale = !done && now - begun >= micros(options_.stale_after);
    if (row_scope == stored_scope(scope) && now < expires && !stale) {
      CHARTER_TRY(auto fp, (*row)[1].as_text(1));
      if (fp != fingerprint) return Begin{Outcome::kMismatch, {}};
      if (!done) return Begin{Outcome::kInProgress, {}};
      Begin b{Outcome::kReplay, {}};
      CHARTER_TRY(auto status, (*row)[3].as_int(3));
      b.response.status = static_cast<int>(status);
      CHARTER_TRY(auto headers, (*row)[4].as_text(4));
      auto fields = nlohmann::json::parse(headers, nullptr, false);
      if (fields.is_array()) {
        for (const auto& f : fields) {
          if (f.is_array() && f.size() == 2 && f[0].is_string() && f[1].is_string()) {
            b.response.headers.add(f[0].get<std::string>(), f[1].get<std::string>());
          }
        }
      }
      if (!(*row)[5].is_null()) {
        CHARTER_TRY(auto body, (*row)[5].as_blob(5));
        b.response.body.assign(reinterpret_cast<const char*>(body.data()), body.size());
      }
      return b;
    }
    // Expired, abandoned by a server that stopped, or (hash collision) another scope's: replace.
    CHARTER_TRY(auto n, tx.exec("DELETE FROM http_idempotency WHERE key_hash = ?",
                                {store::ByteView(hash)}));
    (void)n;
  }
  const std::string owner = stored_scope(scope);
  CHARTER_TRY(auto n, tx.exec("INSERT INTO http_idempotency (key_hash, scope, fingerprint, done, "
                              "begun_at, expires_at) VALUES (?, ?, ?, 0, ?, ?)",
                              {store::ByteView(hash), owner, fingerprint, now,
                               now + micros(options_.ttl)}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return Begin{};
}

void DbIdempotencyStore::complete(const std::string& scope, const std::string& key,
                                  const Response& response) {
  if (response.body.size() > options_.max_response_bytes) {
    abandon(scope, key);
    return;
  }
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& [name, value] : response.headers) fields.push_back({name, value});
  const std::string headers = fields.dump();
  const auto hash = key_hash(scope, key);
  auto run = [&]() -> Status {
    CHARTER_TRY(auto tx, store_.write());
    CHARTER_TRY(auto n,
                tx.exec("UPDATE http_idempotency SET done = 1, status = ?, headers = ?, "
                        "body = ? WHERE key_hash = ? AND done = 0",
                        {static_cast<std::int64_t>(response.status), headers,
                         store::ByteView(crypto::as_bytes(response.body)), store::ByteView(hash)}));
    (void)n;
    return tx.commit();
  };
  if (Status st = run(); !st.ok()) {
    spdlog::warn("idempotency record not completed ({}); a retry will wait for it to go stale",
                 st.error().to_string());
  }
  if (++completions_ % options_.prune_every == 0) {
    auto tx = store_.write();
    if (tx.ok() && tx->exec("DELETE FROM http_idempotency WHERE expires_at < ?",
                            {to_unix_micros(clock_.now())})
                       .ok()) {
      (void)tx->commit();
    }
  }
}

void DbIdempotencyStore::abandon(const std::string& scope, const std::string& key) {
  const auto hash = key_hash(scope, key);
  auto run = [&]() -> Status {
    CHARTER_TRY(auto tx, store_.write());
    CHARTER_TRY(auto n, tx.exec("DELETE FROM http_idempotency WHERE key_hash = ? AND done = 0",
                                {store::ByteView(hash)}));
    (void)n;
    return tx.commit();
  };
  if (Status st = run(); !st.ok()) {
    spdlog::warn("idempotency record not abandoned ({})", st.error().to_string());
  }
}

}  // namespace charter::http
