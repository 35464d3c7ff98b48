#include "http/idempotency.h"

#include <openssl/evp.h>

namespace charter::http {

Status check_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255) {
    return make_error(Errc::kInvalidArgument, "Idempotency-Key must be 1 to 255 characters");
  }
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) {
      return make_error(Errc::kInvalidArgument, "Idempotency-Key must be visible ASCII characters");
    }
  }
  return ok_status();
}

std::string request_fingerprint(std::string_view method, std::string_view target,
                                std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  auto feed = [&](std::string_view part) {
    std::string size = std::to_string(part.size()) + ":";
    EVP_DigestUpdate(ctx, size.data(), size.size());
    EVP_DigestUpdate(ctx, part.data(), part.size());
  };
  feed(method);
  feed(target);
  feed(body);
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

IdempotencyStore::IdempotencyStore(const Clock& clock, IdempotencyLimits limits)
    : clock_(clock), limits_(limits) {}

Result<IdempotencyRecords::Begin> IdempotencyStore::begin(const std::string& scope,
                                                          const std::string& key,
                                                          const std::string& fingerprint) {
  Timestamp now = clock_.now();
  std::lock_guard lock(mu_);
  evict_locked(now);
  auto it = entries_.find(Key{scope, key});
  if (it == entries_.end()) {
    Entry e;
    e.fingerprint = fingerprint;
    e.created = now;
    entries_.emplace(Key{scope, key}, std::move(e));
    return Begin{};
  }
  const Entry& e = it->second;
  if (e.fingerprint != fingerprint) return Begin{Outcome::kMismatch, {}};
  if (!e.done) return Begin{Outcome::kInProgress, {}};
  return Begin{Outcome::kReplay, e.response};
}

void IdempotencyStore::complete(const std::string& scope, const std::string& key,
                                const Response& response) {
  Timestamp now = clock_.now();
  std::lock_guard lock(mu_);
  auto it = entries_.find(Key{scope, key});
  if (it == entries_.end() || it->second.done) return;
  Entry& e = it->second;
  e.done = true;
  e.response = response;
  e.created = now;
  e.bytes = scope.size() + key.size() + e.fingerprint.size() + response.body.size() + 64;
  for (const auto& [n, v] : response.headers) e.bytes += n.size() + v.size() + 8;
  bytes_ += e.bytes;
  ++done_count_;
  order_.emplace_back(it->first, now);
  evict_locked(now);
}

void IdempotencyStore::abandon(const std::string& scope, const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(Key{scope, key});
  if (it != entries_.end() && !it->second.done) entries_.erase(it);
}

void IdempotencyStore::evict_locked(Timestamp now) {
  while (!order_.empty()) {
    const auto& [k, created] = order_.front();
    bool expired = now - created >= limits_.ttl;
    bool over = done_count_ > limits_.max_entries || bytes_ > limits_.max_bytes;
    if (!expired && !over) break;
    auto it = entries_.find(k);
    // The order entry is stale when the key was completed again later (not possible today) or
    // erased: only drop a completed entry created at this time.
    if (it != entries_.end() && it->second.done && it->second.created == created) {
      bytes_ -= it->second.bytes;
      --done_count_;
      entries_.erase(it);
    }
    order_.pop_front();
  }
}

std::size_t IdempotencyStore::size() const {
  std::lock_guard lock(mu_);
  return done_count_;
}

std::size_t IdempotencyStore::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace charter::http
