#include "cli/notice_queue.h"

#include <spdlog/spdlog.h>

namespace charter::cli {

NoticeQueue::NoticeQueue(notify::Outbox& outbox, consent::ConsentLedger* ledger,
                         consent::Objections* objections, consent::Restrictions* restrictions,
                         const Clock& clock)
    : outbox_(outbox),
      ledger_(ledger),
      objections_(objections),
      restrictions_(restrictions),
      clock_(clock) {
  thread_ = std::thread([this] { run(); });
}

NoticeQueue::~NoticeQueue() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void NoticeQueue::add(What what, std::string subject_id, std::string purpose) {
  {
    std::lock_guard lock(mu_);
    items_.push_back({what, std::move(subject_id), std::move(purpose), clock_.now()});
  }
  cv_.notify_one();
}

void NoticeQueue::flush() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return items_.empty() && !busy_; });
}

void NoticeQueue::handle(const Item& it) {
  using notify::Event;
  std::optional<Event> event;
  switch (it.what) {
    case What::kRectification:
      event = Event::kRectification;
      break;
    case What::kErasure:
      event = Event::kErasure;
      break;
    case What::kConsent:
      if (ledger_) {
        auto st = ledger_->state(it.subject_id, it.purpose);
        if (st.ok() && st->status == consent::ConsentStatus::kWithdrawn)
          event = Event::kConsentWithdrawn;
      }
      break;
    case What::kObjection:
      if (objections_) {
        auto st = objections_->state(it.subject_id, it.purpose);
        if (st.ok() && st->objected && !st->overridden) event = Event::kObjection;
      }
      break;
    case What::kRestriction:
      if (restrictions_) {
        auto st = restrictions_->state(it.subject_id);
        if (st.ok() && st->restricted) event = Event::kRestriction;
      }
      break;
  }
  if (!event) return;
  Status s = outbox_.notify({*event, it.subject_id, it.purpose, it.at});
  if (!s.ok()) {
    spdlog::warn("outbox: a {} notice could not be queued: {}", notify::to_string(*event),
                 s.error().message);
  }
}

void NoticeQueue::run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !items_.empty(); });
    if (items_.empty() && stop_) return;
    Item it = std::move(items_.front());
    items_.pop_front();
    busy_ = true;
    lock.unlock();
    handle(it);
    lock.lock();
    busy_ = false;
    if (items_.empty()) idle_.notify_all();
  }
}

}  // namespace charter::cli
