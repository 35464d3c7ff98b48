#include "archive/archive_store.h"

#include <array>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "crypto/seal.h"
#include "store/migrate.h"
#include "store/root_key.h"

namespace charter::archive {
namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE archive_keys (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version));
CREATE TABLE archive_files (
  subject_id TEXT NOT NULL,
  archive_id TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  request_id TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  key_version BIGINT NOT NULL,
  zip {blob},
  PRIMARY KEY (subject_id, archive_id));
CREATE INDEX archive_files_expiry ON archive_files (expires_at);
)sql";

constexpr store::Migration kMigrations[] = {{1, "archive keys and files", kV1}};
constexpr std::uint32_t kKeyVersion = 1;

crypto::Bytes zip_ad(std::string_view archive_id, std::string_view subject_id) {
  crypto::AdBuilder b;
  b.add("charter/archive/v1").add(archive_id).add(subject_id).add_number(kKeyVersion);
  return std::move(b).take();
}

crypto::ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string token_digest(std::string_view token) { return to_hex(crypto::sha256(view(token))); }

}  // namespace

std::string public_key_pem(const crypto::PublicKey& key) {
  // SubjectPublicKeyInfo for Ed25519 (RFC 8410): fixed 12-byte prefix, then the key.
  static constexpr std::uint8_t kPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                             0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  std::string der(reinterpret_cast<const char*>(kPrefix), sizeof kPrefix);
  der.append(reinterpret_cast<const char*>(key.data()), key.size());
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (std::size_t i = 0; i < der.size(); i += 3) {  // 44 bytes: two padding characters
    unsigned v = static_cast<unsigned char>(der[i]) << 16;
    if (i + 1 < der.size()) v |= static_cast<unsigned char>(der[i + 1]) << 8;
    if (i + 2 < der.size()) v |= static_cast<unsigned char>(der[i + 2]);
    b64 += k[(v >> 18) & 63];
    b64 += k[(v >> 12) & 63];
    b64 += i + 1 < der.size() ? k[(v >> 6) & 63] : '=';
    b64 += i + 2 < der.size() ? k[v & 63] : '=';
  }
  return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
}

Result<std::unique_ptr<ArchiveStore>> ArchiveStore::open(store::Store& store,
                                                         const crypto::KeyRing& ring,
                                                         const Clock& clock, Random& random,
                                                         ArchiveStoreOptions options) {
  CHARTER_TRY(int applied, store::migrate(store, "archive", kMigrations, clock));
  (void)applied;
  CHARTER_TRY(auto root,
              store::load_root_key(store, "archive_keys", "archive-root", ring, random, clock));
  CHARTER_TRY(auto seal, crypto::derive_subkey(root, "charchsl", 1));
  CHARTER_TRY(auto seed, crypto::derive_subkey(root, "charchsg", 1));
  CHARTER_TRY(auto signer, crypto::SigningKey::from_seed(seed.bytes()));
  return std::unique_ptr<ArchiveStore>(
      new ArchiveStore(store, std::move(seal), std::move(signer), clock, random, options));
}

ArchiveStore::ArchiveStore(store::Store& store, crypto::SecretKey seal, crypto::SigningKey signer,
                           const Clock& clock, Random& random, ArchiveStoreOptions options)
    : store_(store),
      seal_(std::move(seal)),
      signer_(std::move(signer)),
      clock_(clock),
      random_(random),
      options_(options) {}

std::string ArchiveStore::new_archive_id() {
  std::lock_guard lock(random_mu_);
  return new_id(random_, "arc");
}

Result<StoredArchive> ArchiveStore::put(std::string_view archive_id, std::string_view subject_id,
                                        std::string_view request_id,
                                        std::string_view manifest_sha256, const std::string& zip,
                                        Timestamp created_at) {
  StoredArchive out;
  crypto::Bytes sealed;
  out.archive_id = std::string(archive_id);
  {
    std::lock_guard lock(random_mu_);
    std::array<std::uint8_t, 32> raw{};
    random_.fill(raw);
    out.token = crypto::to_base64url(raw);
    sealed = crypto::seal(seal_, view(zip), zip_ad(out.archive_id, subject_id), random_);
  }
  const Timestamp now = created_at;
  out.expires_at = expiry_from(now);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("INSERT INTO archive_files (subject_id, archive_id, token_sha256, "
                              "request_id, manifest_sha256, created_at, expires_at, key_version, "
                              "zip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              {subject_id, out.archive_id, token_digest(out.token), request_id,
                               manifest_sha256, to_unix_micros(now), to_unix_micros(out.expires_at),
                               kKeyVersion, sealed}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return out;
}

Result<Download> ArchiveStore::get(std::string_view token) {
  Download d;
  if (token.size() != 43) return d;  // kUnknown
  for (char c : token) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return d;
  }
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT subject_id, archive_id, created_at, expires_at, zip "
                                     "FROM archive_files WHERE token_sha256 = ?",
                                     {token_digest(token)}));
  if (!row) return d;
  CHARTER_TRY(auto subject, (*row)[0].as_text(0));
  CHARTER_TRY(auto id, (*row)[1].as_text(1));
  CHARTER_TRY(auto created, (*row)[2].as_int(2));
  CHARTER_TRY(auto expires, (*row)[3].as_int(3));
  d.archive_id = id;
  d.created_at = from_unix_micros(created);
  d.expires_at = from_unix_micros(expires);
  if (clock_.now() >= d.expires_at || (*row)[4].is_null()) {
    d.state = Download::State::kExpired;
    return d;
  }
  CHARTER_TRY(auto sealed, (*row)[4].as_blob(4));
  CHARTER_TRY(auto plain, crypto::open(seal_, sealed, zip_ad(id, subject)));
  d.zip.assign(plain.begin(), plain.end());
  d.state = Download::State::kReady;
  return d;
}

Result<std::int64_t> ArchiveStore::purge_expired() {
  const std::int64_t now = to_unix_micros(clock_.now());
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto dropped, tx.exec("UPDATE archive_files SET zip = NULL WHERE expires_at <= ? "
                                    "AND zip IS NOT NULL",
                                    {now}));
  CHARTER_TRY(auto gone, tx.exec("DELETE FROM archive_files WHERE expires_at <= ?",
                                 {now - options_.tombstone.count()}));
  CHARTER_TRY_STATUS(tx.commit());
  return dropped + gone;
}

Status ArchiveStore::erase_subject(std::string_view subject_id) {
  const std::string id(subject_id);
  return erase_subjects(std::span<const std::string>(&id, 1));
}

Status ArchiveStore::erase_subjects(std::span<const std::string> subject_ids) {
  CHARTER_TRY(auto tx, store_.write());
  for (const auto& id : subject_ids) {
    CHARTER_TRY(auto n, tx.exec("DELETE FROM archive_files WHERE subject_id = ?", {id}));
    (void)n;
  }
  return tx.commit();
}

}  // namespace charter::archive
