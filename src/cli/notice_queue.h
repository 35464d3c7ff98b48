// NoticeQueue: turns committed vault and consent changes into outbox webhooks (docs/NOTIFY.md
// "Events"), off the path of the change: the vault's and the ledger's after-commit observers
// add() the event the change raised (cheap, never touches the store); one thread queues each
// notice in the durable outbox, in the order added.
//   vault kFieldRectified -> rectification; kSubjectErased -> erasure;
//   ledger change with raised=true: kConsent -> consent.withdrawn; kObjection -> objection;
//   kRestriction -> restriction (consent::Change::raised: the change itself withdrew, objected
//   or placed; the event is decided from the change, never from a later state, so a consent
//   given then withdrawn at once yields exactly one consent.withdrawn).
// Once in the outbox a notice survives a restart; a crash between the commit of the change and
// the outbox insert (milliseconds) loses that notice (logged at start as a known limit in
// docs/NOTIFY.md). Failures are logged without personal data.
// Contract: outbox and clock must outlive the queue; the destructor drains what is queued, then
// stops. add() is thread safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "consent/types.h"
#include "core/clock.h"
#include "notify/outbox.h"

namespace charter::cli {

// The webhook event a ledger change raises, if any (see the header comment).
std::optional<notify::Event> event_of(const consent::Change& change);

class NoticeQueue {
 public:
  NoticeQueue(notify::Outbox& outbox, const Clock& clock);
  ~NoticeQueue();
  NoticeQueue(const NoticeQueue&) = delete;
  NoticeQueue& operator=(const NoticeQueue&) = delete;

  void add(notify::Event event, std::string subject_id, std::string purpose = {});
  // Blocks until everything added so far is handled (tests).
  void flush();

 private:
  void run();

  notify::Outbox& outbox_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_;
  std::deque<notify::EventNotice> items_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace charter::cli
