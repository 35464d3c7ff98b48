// DecisionIndex: the in-memory decision index for bulk decisions (DESIGN.md section 4, P3, P8;
// docs/ACCESS.md). For every subject of the vault it holds, in compact columns, exactly the
// facts access decisions read (status, relationship, anchors, consent state per consent
// purpose, objection state per objectable purpose, restriction), keyed by the subject id (its
// 128 bits) and by the blind index of its e-mail address (never the address).
//
// Life cycle: construct it, give vault_observer() to VaultOptions::on_commit and
// consent_observer() to LedgerOptions::on_change, open the vault and the ledger, then load():
// one scan of the store; changes observed during the scan are applied after it.
// Currency: a vault change reloads the subject synchronously (on the thread that made the
// change, before the vault call returns); a consent change (objection, restriction, erasure)
// only marks the subject stale (O(1), on the ledger's completion thread) and the next lookup
// that meets a stale subject reloads it from the store before answering. Either way an answer
// given after a change was acknowledged reflects it.
// Errors of a reload done by an observer cannot be returned: the subject stays stale and the
// next lookup retries (and returns the error if it fails again).
// Thread safety: every method is thread safe; lookups share a reader lock per chunk.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "access/subject_facts.h"
#include "consent/types.h"
#include "core/clock.h"
#include "vault/change.h"

namespace charter::access {

class BulkPlan;

// A subject as the index holds it, for one purpose: what BulkPlan evaluates.
struct IndexRow {
  std::uint8_t vault_status = 0;  // vault::SubjectStatus
  std::uint8_t relationship = 0;  // vault::Relationship
  bool restricted = false;
  std::int64_t collected = 0, last_contact = 0, contract_end = 0, transaction = 0;  // kUnset
  std::uint8_t consent_status = 0;  // access::ConsentStatus
  std::int64_t consent_at = 0, consent_expires = 0;
  bool objected = false, overridden = false;
};
inline constexpr std::int64_t kUnset = INT64_MIN;

struct IndexStats {
  std::size_t subjects = 0;
  std::size_t with_email = 0;
  std::size_t skipped = 0;  // subject ids not of the generated shape (never in the index)
  double load_seconds = 0;
  std::size_t bytes = 0;  // memory held by the columns and tables
};

class DecisionIndex {
 public:
  using Key = std::array<std::uint8_t, 16>;

  explicit DecisionIndex(const policy::Policy& policy);
  ~DecisionIndex();
  DecisionIndex(const DecisionIndex&) = delete;
  DecisionIndex& operator=(const DecisionIndex&) = delete;

  std::function<void(const vault::Change&)> vault_observer();
  std::function<void(const consent::Change&)> consent_observer();

  // Scans the store through `source` (which must outlive the index). Errors: the store's.
  Result<IndexStats> load(FactSource& source);
  bool loaded() const { return loaded_.load(); }

  std::size_t size() const;
  std::size_t memory_bytes() const;
  const policy::Policy& policy() const { return policy_; }
  FactSource* source() { return source_; }

  // 128-bit key of a generated subject id ("sub_" + 26 base32), nullopt for other text.
  static std::optional<Key> subject_key(std::string_view subject_id);

  // Answers for many keys at once: reasons[i] is plan.evaluate() of the subject keys[i] names
  // (reason::kUnknownSubject when none; when several subjects share an e-mail address, the
  // first denial among them, else allowed). Stale subjects are reloaded first.
  // Errors: kUnavailable before load(); a reload's store error.
  enum class KeyKind { kSubject, kEmail };
  Status lookup(KeyKind kind, std::span<const Key> keys, const BulkPlan& plan, Timestamp now,
                std::span<const char*> reasons);

  // The facts of one subject as the index holds them, reloaded from the store first when a
  // change marked it stale: what FactSource::load() returns for it, except `email` (the
  // single decision reads facts from here when the index is current, service.h). nullopt when
  // the index has no such subject. Errors: kUnavailable before load(); a reload's store error.
  Result<std::optional<SubjectFacts>> facts(std::string_view subject_id);

  // Reserves room for `n` subjects (before many put() calls).
  void reserve(std::size_t n);
  // Puts facts the caller already holds (benchmarks, tests; the id must be a generated subject
  // id). Errors: kInvalidArgument (not a generated subject id).
  Status put(const SubjectFacts& facts);

  // Reloads subjects from the store now (used by observers and after a stale hit).
  Status reload(std::span<const std::string> subject_ids);

  // Column indexes of a purpose (-1 when the purpose needs none).
  int consent_column(std::string_view purpose) const;
  int objection_column(std::string_view purpose) const;

 private:
  struct Impl;
  void on_vault(const vault::Change& change);
  void on_consent(const consent::Change& change);

  const policy::Policy& policy_;
  std::unique_ptr<Impl> impl_;
  FactSource* source_ = nullptr;
  std::atomic<bool> loaded_{false};
};

}  // namespace charter::access
