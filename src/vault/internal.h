// Helpers shared by the vault's .cc files (not part of the API).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "crypto/secret_key.h"
#include "store/transaction.h"
#include "vault/keys.h"
#include "vault/types.h"

namespace charter::vault::detail {

inline std::int64_t us(Timestamp t) { return to_unix_micros(t); }
inline std::optional<std::int64_t> us(const std::optional<Timestamp>& t) {
  return t ? std::optional<std::int64_t>(to_unix_micros(*t)) : std::nullopt;
}
Result<std::optional<Timestamp>> opt_time(const store::Value& v);

std::string join(const std::vector<std::string>& parts, char sep = ',');
std::vector<std::string> split(std::string_view text, char sep = ',');

// kInvalidArgument unless `id` has the shape of a subject id.
Status check_subject_id(std::string_view id);

// The lock that serialises writers of one subject (PostgreSQL advisory lock; no-op on SQLite).
std::string subject_lock(std::string_view id);

// The subject's row. Errors: kNotFound ("no subject <id>").
Result<SubjectInfo> load_subject(store::Transaction& tx, std::string_view id);

// Data keys of one subject, unwrapped on demand: (class, version) -> key.
class SubjectKeys {
 public:
  SubjectKeys(std::string subject_id, std::shared_ptr<const EpochRing> ring)
      : subject_(std::move(subject_id)), ring_(std::move(ring)) {}
  // Reads every wrapped key of the subject (optionally of one class).
  Status load(store::Transaction& tx, std::optional<std::string_view> cls = std::nullopt);
  // The key of (class, version). Errors: kIntegrity (absent or does not open); kUnavailable with
  // kStaleEpoch when wrapped under an epoch not in the ring (a rotation destroyed it meanwhile).
  Result<const crypto::DataKey*> get(const std::string& cls, std::uint32_t version);
  // The highest version of `cls`, if any.
  std::optional<std::uint32_t> latest(const std::string& cls) const;

 private:
  std::string subject_;
  std::shared_ptr<const EpochRing> ring_;
  std::map<std::pair<std::string, std::uint32_t>, crypto::Bytes> wrapped_;
  std::map<std::pair<std::string, std::uint32_t>, crypto::DataKey> keys_;
};

inline constexpr std::string_view kStaleEpoch = "data key wrapped under a key epoch not loaded";
bool is_stale_epoch(const Error& e);

}  // namespace charter::vault::detail
