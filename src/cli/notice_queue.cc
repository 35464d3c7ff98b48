#include "cli/notice_queue.h"

#include <spdlog/spdlog.h>

namespace charter::cli {

std::optional<notify::Event> event_of(const consent::Change& change) {
  if (!change.raised) return std::nullopt;
  using K = consent::Change::Kind;
  switch (change.kind) {
    case K::kConsent:
      return notify::Event::kConsentWithdrawn;
    case K::kObjection:
      return notify::Event::kObjection;
    case K::kRestriction:
      return notify::Event::kRestriction;
    case K::kErased:
      return std::nullopt;
  }
  return std::nullopt;
}

NoticeQueue::NoticeQueue(notify::Outbox& outbox, const Clock& clock)
    : outbox_(outbox), clock_(clock) {
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

void NoticeQueue::add(notify::Event event, std::string subject_id, std::string purpose) {
  {
    std::lock_guard lock(mu_);
    items_.push_back({event, std::move(subject_id), std::move(purpose), clock_.now()});
  }
  cv_.notify_one();
}

void NoticeQueue::flush() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return items_.empty() && !busy_; });
}

void NoticeQueue::run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !items_.empty(); });
    if (items_.empty() && stop_) return;
    notify::EventNotice it = std::move(items_.front());
    items_.pop_front();
    busy_ = true;
    lock.unlock();
    if (Status s = outbox_.notify(it); !s.ok()) {
      spdlog::warn("outbox: a {} notice could not be queued: {}", notify::to_string(it.event),
                   s.error().message);
    }
    lock.lock();
    busy_ = false;
    if (items_.empty()) idle_.notify_all();
  }
}

}  // namespace charter::cli
