// ConsentLedger: the append-only consent ledger (DESIGN.md section 4, docs/CONSENT.md).
//
// Events per (subject, purpose): given, withdrawn, expired, with evidence: time (injected
// clock), channel, SHA-256 of the policy's consent notice in the language shown, policy version,
// optional IP address and user agent sealed together under the ledger key (AD: subject, column,
// key version, event id), and expiry (the purpose's `consent.expiry`, e.g. P13M for cookies). The
// current state is the latest event, with expiry computed at read time; history is never
// rewritten: events are only inserted, and only erase_subject() deletes rows.
//
// Durability: give()/withdraw() return only once the event is committed (group commit: callers
// share transactions, see group_commit.h); the *_async forms call `done` on the ledger's
// completion thread after the commit (or at once, on the caller's thread, when the request is
// refused).
//
// Refusals (kInvalidArgument, nothing written): a subject id that is not "sub_..."; a purpose
// the policy does not declare or that does not rest on consent; a channel the policy does not
// declare; giving consent through `one_click_unsubscribe` (a withdrawal-only channel);
// withdrawing through a channel not in the purpose's `withdrawal_channels`; a language the policy
// does not have; an IP address over 64 bytes or a user agent over 1024 bytes. Storage failures:
// the store's codes (kUnavailable...), and nothing of the failed batch is stored.
// Messages never contain subject ids, IP addresses or user agents.
//
// Ownership: the ledger borrows the Store, Clock and Random (they must outlive it) and shares
// the policy. Thread safety: every method is thread safe; the Random is used under a mutex.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "consent/audit_hook.h"
#include "consent/core.h"
#include "consent/types.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/key_ring.h"
#include "policy/model.h"
#include "store/store.h"

namespace charter::consent {

struct LedgerOptions {
  // Most operations in one transaction.
  std::size_t max_batch = 8192;
  // Called after each committed change: for events, on the ledger's completion thread; for
  // other changes, on the thread that asked for them (keep it short; never call the ledger's
  // blocking methods from it). For the in-memory decision index.
  std::function<void(const Change&)> on_change;
  // Audits every change before it commits (audit_hook.h; fail closed). Not owned; must outlive
  // the ledger and every component built on its core. Null: no audit (tests of other layers).
  AuditHook* audit = nullptr;
};

class ConsentLedger {
 public:
  using EventCallback = std::function<void(Result<ConsentEvent>)>;

  // Applies the consent migrations, loads (or creates) the ledger key under `ring`, starts the
  // writer and completion threads (group_commit.h).
  static Result<std::unique_ptr<ConsentLedger>> open(store::Store& store,
                                                     std::shared_ptr<const policy::Policy> policy,
                                                     const Clock& clock, Random& random,
                                                     const crypto::KeyRing& ring,
                                                     LedgerOptions options = {});
  ~ConsentLedger();

  Result<ConsentEvent> give(std::string_view subject_id, std::string_view purpose,
                            const Evidence& evidence);
  Result<ConsentEvent> withdraw(std::string_view subject_id, std::string_view purpose,
                                const Evidence& evidence);
  // kind: kGiven or kWithdrawn (kExpired is written only by record_expiries).
  void record_async(EventKind kind, std::string_view subject_id, std::string_view purpose,
                    const Evidence& evidence, EventCallback done);

  // The current state, derived from the latest event at the clock's now.
  Result<ConsentState> state(std::string_view subject_id, std::string_view purpose);
  // Every purpose with at least one event.
  Result<std::map<std::string, ConsentState>> states(std::string_view subject_id);
  // Events in order; `purpose` empty: every purpose.
  Result<std::vector<ConsentEvent>> history(std::string_view subject_id,
                                            std::string_view purpose = {});
  // One event. kNotFound if absent.
  Result<ConsentEvent> event(std::string_view subject_id, std::string_view event_id);
  // Opens the sealed evidence of an event (both unset when none was recorded). kIntegrity if
  // it was altered or moved to another event or subject.
  Result<EvidenceDetails> open_evidence(const ConsentEvent& event) const;

  // Writes an `expired` event for each given consent whose expiry has passed and that is still
  // the latest event of its purpose (at most `limit` per call; call again while it returns
  // `limit`). The state is already derived as expired without it; the events keep the history
  // explicit. Returns the number written.
  Result<int> record_expiries(int limit = 10000);

  // Erasure (art. 17): deletes every consent row of the subject (events, objections,
  // restrictions, signals, used unsubscribe tokens) and records the opaque id as erased, so a
  // link still in a mailbox cannot write again. Then run Store::scrub(kSubjectTables) once the
  // other components have erased too.
  Status erase_subject(std::string_view subject_id);

  // Streams the current consent state of every (subject, purpose) in the ledger, ordered by
  // subject: for building an in-memory index at start.
  Status scan_states(
      const std::function<void(const std::string& subject_id, const std::string& purpose,
                               const ConsentState& state)>& visit);

  LedgerCore& core() { return *core_; }
  const policy::Policy& policy() const { return core_->policy(); }
  GroupCommitter::Stats commit_stats() const { return core_->committer().stats(); }

 private:
  explicit ConsentLedger(std::unique_ptr<LedgerCore> core) : core_(std::move(core)) {}
  Result<ConsentEvent> prepare(EventKind kind, std::string_view subject_id,
                               std::string_view purpose, const Evidence& evidence);
  Result<ConsentEvent> record(EventKind kind, std::string_view subject_id, std::string_view purpose,
                              const Evidence& evidence);

  std::unique_ptr<LedgerCore> core_;
};

// Appends the 14 parameters of the consent_events insert (views into `e`, which must outlive
// their use), in the order of kEventColumns.
void append_event_params(const ConsentEvent& e, std::vector<store::Param>& out);
inline constexpr std::string_view kInsertEventSql =
    "INSERT INTO consent_events (subject_id, event_id, purpose, seq, kind, at, channel, "
    "language, notice_sha256, policy_version, expires_at, gpc, key_version, evidence) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Column list matching read_event().
inline constexpr std::string_view kEventColumns =
    "subject_id, event_id, purpose, seq, kind, at, channel, language, notice_sha256, "
    "policy_version, expires_at, gpc, key_version, evidence";
Result<ConsentEvent> read_event(const store::Rows& rows);

}  // namespace charter::consent
