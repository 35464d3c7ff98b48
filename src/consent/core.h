// LedgerCore: what the consent component's classes share (ConsentLedger, Objections,
// Restrictions, OneClickUnsubscribe, apply_gpc): the store, the policy, the clock, the keys, one
// group-commit writer, id and sequence generation, sealing, and input checks.
// Internal to src/consent; other modules use the classes built on it.
//
// Ordering: `seq` is a hybrid logical clock in microseconds: max(now, last seq + 1), seeded at
// open from the largest seq stored, so events of one process are strictly ordered even when the
// injected clock stands still, and events of servers sharing a database are ordered by time.
// Thread safety: all members are thread safe (the Random is used under a mutex).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "consent/group_commit.h"
#include "consent/keys.h"
#include "consent/types.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/bytes.h"
#include "policy/model.h"
#include "store/rows.h"
#include "store/store.h"

namespace charter::consent {

// Bulk statements of the group committer (fast path for plain inserts).
enum BulkStatementId : int { kInsertEvent = 0 };

class LedgerCore {
 public:
  LedgerCore(store::Store& store, std::shared_ptr<const policy::Policy> policy, const Clock& clock,
             Random& random, ConsentKeys keys, std::function<void(const Change&)> on_change,
             std::size_t max_batch, AuditHook* audit = nullptr);

  store::Store& store() { return store_; }
  const policy::Policy& policy() const { return *policy_; }
  const Clock& clock() const { return clock_; }
  const ConsentKeys& keys() const { return keys_; }
  GroupCommitter& committer() { return *committer_; }

  // SHA-256 of the purpose's consent notice in `language` (computed once at construction).
  Bytes notice_hash(const policy::Purpose& purpose, const std::string& language) const;
  std::string new_id(std::string_view prefix);
  void fill_random(std::span<std::uint8_t> out);
  std::int64_t next_seq(Timestamp now);
  void seed_seq(std::int64_t stored_max);
  void changed(const Change& change) const;
  // Inside a committer function: audits `record` with the batch (audit_hook.h).
  void audit(std::string action, std::string subject_id, std::string purpose, std::string reason,
             std::string staff_id = {}) {
    committer_->note({std::move(action), std::move(subject_id), std::move(purpose),
                      std::move(reason), std::move(staff_id)});
  }

  // Seals `plaintext` under the evidence key with AD (subject, column, key version, item id).
  Bytes seal(std::string_view plaintext, std::string_view subject_id, std::string_view column,
             std::string_view item_id);
  // Seals the IP address and user agent of `evidence` together (nullopt when both are absent or
  // empty), AD (subject, "consent_events.evidence", key version, event id).
  std::optional<Bytes> seal_evidence(const Evidence& evidence, std::string_view subject_id,
                                     std::string_view event_id);
  Result<EvidenceDetails> open_evidence(crypto::ByteView sealed, std::string_view subject_id,
                                        std::uint32_t key_version, std::string_view event_id) const;
  // Seals under another ledger key (the unsubscribe payload key), nonce from the Random.
  Bytes seal_with(const crypto::SecretKey& key, crypto::ByteView plaintext, crypto::ByteView ad);
  // Opens a sealed column. Errors: kIntegrity (altered, moved), kUnsupported (unknown version).
  Result<std::string> open(crypto::ByteView sealed, std::string_view subject_id,
                           std::string_view column, std::uint32_t key_version,
                           std::string_view item_id) const;

  // Input checks. Messages never contain the value checked (subject ids, free text).
  static Status check_subject_id(std::string_view subject_id);
  static Status check_staff_id(std::string_view staff_id, std::string_view what);
  Result<const policy::Purpose*> find_purpose(std::string_view purpose) const;
  Result<const policy::Channel*> find_channel(std::string_view channel) const;
  Result<std::string> language_or_default(std::string_view language) const;

 private:
  store::Store& store_;
  std::shared_ptr<const policy::Policy> policy_;
  const Clock& clock_;
  Random& random_;
  std::mutex random_mu_;
  ConsentKeys keys_;
  std::function<void(const Change&)> on_change_;
  std::map<std::string, Bytes> notice_hashes_;  // "<purpose>/<language>"
  std::atomic<std::int64_t> last_seq_{0};
  std::unique_ptr<GroupCommitter> committer_;
};

// A name from the policy namespace (purpose, channel) safe to repeat in an error message:
// [a-z0-9_], at most 64 characters; otherwise "(not shown)".
std::string shown_name(std::string_view name);

// Decodes a canonical list (crypto/ad.h encoding: 4-byte big-endian length, then bytes);
// nullopt if malformed.
std::optional<std::vector<std::string>> split_canonical(crypto::ByteView bytes);

// Reading helpers over Rows (columns by index).
Result<std::optional<Timestamp>> opt_time(const store::Rows& rows, int col);
Result<std::optional<Bytes>> opt_blob(const store::Rows& rows, int col);
Result<std::string> text(const store::Rows& rows, int col);

}  // namespace charter::consent
