// ArchiveStore: where finished archives wait for their download (docs/ARCHIVE.md), and the key
// that signs their manifests.
//
// Storage (store component "archive"): one row per archive in `archive_files`, keyed by subject
// id and archive id; the zip sealed (XChaCha20-Poly1305 under a subkey of the archive root key,
// wrapped by the master key ring; AD archive id, subject id). The download token is 32 random
// bytes (base64url, 43 characters) given once to the caller; only its SHA-256 is stored, so the
// database never holds a working link. The URL carries the token only: no personal data.
// Expiry: `ttl` after creation (default 7 days). After expiry get() answers kExpired;
// purge_expired() deletes the sealed zip (the row stays, without data, for `tombstone` so the
// link still answers "expired" rather than "unknown"), and then deletes the row.
//
// Signing key: Ed25519, seed derived from the archive root key (KDF context "charchsg"), so it
// needs no file of its own and survives with the master key; public_key() is published in each
// archive (manifest and signing-key.pem) and at GET /archives/signing-key.
//
// Errors: the store's, the ring's. Thread safety: thread safe; Store, Clock and Random (used
// under a lock) must outlive it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "crypto/sign.h"
#include "store/store.h"

namespace charter::archive {

struct ArchiveStoreOptions {
  Micros ttl = std::chrono::hours(24 * 7);
  Micros tombstone = std::chrono::hours(24 * 90);
};

struct StoredArchive {
  std::string archive_id;  // "arc_..."
  std::string token;       // the secret of the link (shown once)
  Timestamp expires_at;
};

struct Download {
  enum class State { kReady, kExpired, kUnknown };
  State state = State::kUnknown;
  std::string zip;  // kReady only
  std::string archive_id;
  Timestamp created_at;
  Timestamp expires_at;
};

class ArchiveStore {
 public:
  static Result<std::unique_ptr<ArchiveStore>> open(store::Store& store,
                                                    const crypto::KeyRing& ring, const Clock& clock,
                                                    Random& random,
                                                    ArchiveStoreOptions options = {});

  // Stores the zip of `archive_id` (from new_archive_id()) for `subject_id`, expiring `ttl`
  // after `created_at`.
  Result<StoredArchive> put(std::string_view archive_id, std::string_view subject_id,
                            std::string_view request_id, std::string_view manifest_sha256,
                            const std::string& zip, Timestamp created_at);
  // Looks a token up (constant work whatever the answer). Malformed tokens are kUnknown.
  Result<Download> get(std::string_view token);
  // Drops expired archives' data, and rows past their tombstone. Returns rows changed.
  Result<std::int64_t> purge_expired();
  // Deletes every archive of the subject (erasure); erase_subjects: of each, in one transaction.
  Status erase_subject(std::string_view subject_id);
  Status erase_subjects(std::span<const std::string> subject_ids);
  // A new archive id (for the manifest, before put()).
  std::string new_archive_id();
  Timestamp expiry_from(Timestamp created) const { return created + options_.ttl; }

  const crypto::SigningKey& signer() const { return signer_; }
  const crypto::PublicKey& public_key() const { return signer_.public_key(); }
  const Clock& clock() const { return clock_; }

 private:
  ArchiveStore(store::Store& store, crypto::SecretKey seal, crypto::SigningKey signer,
               const Clock& clock, Random& random, ArchiveStoreOptions options);

  store::Store& store_;
  crypto::SecretKey seal_;
  crypto::SigningKey signer_;
  const Clock& clock_;
  Random& random_;
  std::mutex random_mu_;
  ArchiveStoreOptions options_;
};

// Ed25519 public key as PEM (SubjectPublicKeyInfo), for `openssl pkeyutl -verify`.
std::string public_key_pem(const crypto::PublicKey& key);

}  // namespace charter::archive
