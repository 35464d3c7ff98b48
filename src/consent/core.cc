#include "consent/core.h"

#include <algorithm>

#include "consent/ledger.h"
#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/hash.h"
#include "crypto/seal.h"

namespace charter::consent {
namespace {

std::vector<GroupCommitter::BulkStatement> bulk_statements() {
  return {
      {"INSERT INTO consent_events (" + std::string(kEventColumns) + ") VALUES ", 14, 64},
  };
}

}  // namespace

LedgerCore::LedgerCore(store::Store& store, std::shared_ptr<const policy::Policy> policy,
                       const Clock& clock, Random& random, ConsentKeys keys,
                       std::function<void(const Change&)> on_change, std::size_t max_batch,
                       AuditHook* audit)
    : store_(store),
      policy_(std::move(policy)),
      clock_(clock),
      random_(random),
      keys_(std::move(keys)),
      on_change_(std::move(on_change)),
      committer_(std::make_unique<GroupCommitter>(
          store, bulk_statements(), max_batch,
          // The sequence's high-water mark, so a restart resumes after it in O(1) even if the
          // clock went back (docs/CONSENT.md, "Ordering").
          [this](store::Transaction& tx) -> Status {
            CHARTER_TRY(auto n,
                        tx.exec("INSERT INTO consent_meta (name, value) VALUES ('seq', ?) ON "
                                "CONFLICT (name) DO UPDATE SET value = excluded.value WHERE "
                                "consent_meta.value < excluded.value",
                                {last_seq_.load()}));
            (void)n;
            return ok_status();
          },
          audit)) {
  for (const auto& p : policy_->purposes) {
    if (!p.consent) continue;
    for (const auto& [lang, text] : p.consent->notice.by_lang) {
      auto digest = crypto::sha256(crypto::as_bytes(text));
      notice_hashes_[p.id + "/" + lang] = Bytes(digest.begin(), digest.end());
    }
  }
}

Bytes LedgerCore::notice_hash(const policy::Purpose& purpose, const std::string& language) const {
  auto it = notice_hashes_.find(purpose.id + "/" + language);
  if (it != notice_hashes_.end()) return it->second;
  auto digest = crypto::sha256(crypto::as_bytes(purpose.consent->notice.in(language)));
  return Bytes(digest.begin(), digest.end());
}

std::string LedgerCore::new_id(std::string_view prefix) {
  std::lock_guard lock(random_mu_);
  return charter::new_id(random_, prefix);
}

void LedgerCore::fill_random(std::span<std::uint8_t> out) {
  std::lock_guard lock(random_mu_);
  random_.fill(out);
}

std::int64_t LedgerCore::next_seq(Timestamp now) {
  const std::int64_t t = to_unix_micros(now);
  std::int64_t prev = last_seq_.load(std::memory_order_relaxed);
  while (true) {
    std::int64_t next = std::max(t, prev + 1);
    if (last_seq_.compare_exchange_weak(prev, next, std::memory_order_relaxed)) return next;
  }
}

void LedgerCore::seed_seq(std::int64_t stored_max) {
  std::int64_t prev = last_seq_.load();
  while (prev < stored_max && !last_seq_.compare_exchange_weak(prev, stored_max)) {
  }
}

void LedgerCore::changed(const Change& change) const {
  if (on_change_) on_change_(change);
}

Bytes LedgerCore::seal(std::string_view plaintext, std::string_view subject_id,
                       std::string_view column, std::string_view item_id) {
  auto ad = crypto::value_ad(subject_id, column, keys_.version, item_id);
  std::lock_guard lock(random_mu_);
  return crypto::seal(keys_.evidence, crypto::as_bytes(plaintext), ad, random_);
}

Bytes LedgerCore::seal_with(const crypto::SecretKey& key, crypto::ByteView plaintext,
                            crypto::ByteView ad) {
  std::lock_guard lock(random_mu_);
  return crypto::seal(key, plaintext, ad, random_);
}

namespace {
constexpr std::string_view kColumnEvidence = "consent_events.evidence";
}  // namespace

std::optional<Bytes> LedgerCore::seal_evidence(const Evidence& evidence,
                                               std::string_view subject_id,
                                               std::string_view event_id) {
  const bool ip = evidence.ip && !evidence.ip->empty();
  const bool ua = evidence.user_agent && !evidence.user_agent->empty();
  if (!ip && !ua) return std::nullopt;
  crypto::AdBuilder plain;
  plain.add(ip ? "1" : "0").add(ip ? *evidence.ip : "").add(ua ? "1" : "0");
  plain.add(ua ? *evidence.user_agent : "");
  return seal(crypto::as_chars(plain.bytes()), subject_id, kColumnEvidence, event_id);
}

Result<EvidenceDetails> LedgerCore::open_evidence(crypto::ByteView sealed,
                                                  std::string_view subject_id,
                                                  std::uint32_t key_version,
                                                  std::string_view event_id) const {
  CHARTER_TRY(auto plain, open(sealed, subject_id, kColumnEvidence, key_version, event_id));
  auto parts = split_canonical(crypto::as_bytes(plain));
  if (!parts || parts->size() != 4) {
    return make_error(Errc::kIntegrity, "consent evidence: malformed");
  }
  EvidenceDetails d;
  if ((*parts)[0] == "1") d.ip = (*parts)[1];
  if ((*parts)[2] == "1") d.user_agent = (*parts)[3];
  return d;
}

std::optional<std::vector<std::string>> split_canonical(crypto::ByteView bytes) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (bytes.size() - i < 4) return std::nullopt;
    std::size_t n = (std::size_t{bytes[i]} << 24) | (std::size_t{bytes[i + 1]} << 16) |
                    (std::size_t{bytes[i + 2]} << 8) | std::size_t{bytes[i + 3]};
    i += 4;
    if (bytes.size() - i < n) return std::nullopt;
    parts.emplace_back(reinterpret_cast<const char*>(bytes.data() + i), n);
    i += n;
  }
  return parts;
}

Result<std::string> LedgerCore::open(crypto::ByteView sealed, std::string_view subject_id,
                                     std::string_view column, std::uint32_t key_version,
                                     std::string_view item_id) const {
  if (key_version != keys_.version) {
    return make_error(Errc::kUnsupported, "consent: sealed with ledger key version " +
                                              std::to_string(key_version) + ", this ledger has " +
                                              std::to_string(keys_.version));
  }
  auto ad = crypto::value_ad(subject_id, column, key_version, item_id);
  CHARTER_TRY(auto plain, crypto::open(keys_.evidence, sealed, ad));
  return std::string(crypto::as_chars(plain));
}

Status LedgerCore::check_subject_id(std::string_view subject_id) {
  if (!is_valid_id(subject_id, "sub")) {
    return make_error(Errc::kInvalidArgument,
                      "subject: expected an opaque subject id (sub_ and 26 base32 characters)");
  }
  return ok_status();
}

Status LedgerCore::check_staff_id(std::string_view staff_id, std::string_view what) {
  if (!is_valid_id(staff_id, "stf")) {
    return make_error(Errc::kInvalidArgument,
                      std::string(what) + ": expected a staff id (stf_ and 26 base32 characters)");
  }
  return ok_status();
}

Result<const policy::Purpose*> LedgerCore::find_purpose(std::string_view purpose) const {
  const auto* p = policy_->find_purpose(std::string(purpose));
  if (!p) {
    return make_error(Errc::kInvalidArgument, "unknown purpose " + shown_name(purpose) +
                                                  ": the policy does not declare it");
  }
  return p;
}

Result<const policy::Channel*> LedgerCore::find_channel(std::string_view channel) const {
  const auto* c = policy_->find_channel(std::string(channel));
  if (!c) {
    std::string known;
    for (const auto& ch : policy_->channels) known += (known.empty() ? "" : ", ") + ch.id;
    return make_error(Errc::kInvalidArgument,
                      "unknown channel " + shown_name(channel) + "; the policy declares: " + known);
  }
  return c;
}

Result<std::string> LedgerCore::language_or_default(std::string_view language) const {
  if (language.empty()) return policy_->languages.front();
  for (const auto& l : policy_->languages)
    if (l == language) return l;
  std::string known;
  for (const auto& l : policy_->languages) known += (known.empty() ? "" : ", ") + l;
  return make_error(Errc::kInvalidArgument,
                    "language " + shown_name(language) + " is not a policy language; use " + known);
}

std::string shown_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!ok) return "(not shown)";
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('\'');
  out.append(name);
  out.push_back('\'');
  return out;
}

Result<std::optional<Timestamp>> opt_time(const store::Rows& rows, int col) {
  if (rows.is_null(col)) return std::optional<Timestamp>();
  CHARTER_TRY(auto v, rows.get_int(col));
  return std::optional<Timestamp>(from_unix_micros(v));
}

Result<std::optional<Bytes>> opt_blob(const store::Rows& rows, int col) {
  if (rows.is_null(col)) return std::optional<Bytes>();
  CHARTER_TRY(auto v, rows.get_blob(col));
  return std::optional<Bytes>(Bytes(v.begin(), v.end()));
}

Result<std::string> text(const store::Rows& rows, int col) {
  CHARTER_TRY(auto v, rows.get_text(col));
  return std::string(v);
}

}  // namespace charter::consent
