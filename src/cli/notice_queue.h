// NoticeQueue: turns committed vault and consent changes into outbox webhooks (docs/NOTIFY.md
// "Events"), off the path of the change: the vault's and the ledger's after-commit observers
// add() what changed (cheap, never touches the store); one thread looks at the new state
// (a consent change is a withdrawal only if the purpose's state is now withdrawn; an objection
// change only if the subject now objects; a restriction change only if now restricted) and
// queues the notice in the durable outbox.
//   vault kFieldRectified -> rectification; kSubjectErased -> erasure;
//   ledger kConsent (withdrawn) -> consent.withdrawn; kObjection (objected) -> objection;
//   kRestriction (restricted) -> restriction.
// Once in the outbox a notice survives a restart; a crash between the commit of the change and
// the outbox insert (milliseconds) loses that notice (logged at start as a known limit in
// docs/NOTIFY.md). Failures are logged without personal data.
// Contract: outbox, ledger, objections and restrictions must outlive the queue; the destructor
// drains what is queued, then stops. add() is thread safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "core/clock.h"
#include "notify/outbox.h"

namespace charter::cli {

class NoticeQueue {
 public:
  enum class What { kConsent, kObjection, kRestriction, kRectification, kErasure };
  NoticeQueue(notify::Outbox& outbox, consent::ConsentLedger* ledger,
              consent::Objections* objections, consent::Restrictions* restrictions,
              const Clock& clock);
  ~NoticeQueue();
  NoticeQueue(const NoticeQueue&) = delete;
  NoticeQueue& operator=(const NoticeQueue&) = delete;

  void add(What what, std::string subject_id, std::string purpose = {});
  // Blocks until everything added so far is handled (tests).
  void flush();

 private:
  struct Item {
    What what;
    std::string subject_id;
    std::string purpose;
    Timestamp at;
  };
  void run();
  void handle(const Item& item);

  notify::Outbox& outbox_;
  consent::ConsentLedger* ledger_;
  consent::Objections* objections_;
  consent::Restrictions* restrictions_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_;
  std::deque<Item> items_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace charter::cli
