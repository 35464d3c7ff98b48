#include "store/local_notify.h"

#include <algorithm>

namespace charter::store::detail {

class LocalHub::LocalListener final : public Listener {
 public:
  explicit LocalListener(std::shared_ptr<Queue> q) : q_(std::move(q)) {}

  Result<std::optional<Notification>> wait(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(q_->mu);
    if (!q_->cv.wait_for(lock, timeout, [&] { return !q_->items.empty(); })) {
      return std::optional<Notification>();
    }
    Notification n = std::move(q_->items.front());
    q_->items.pop_front();
    return std::optional<Notification>(std::move(n));
  }

 private:
  std::shared_ptr<Queue> q_;
};

std::unique_ptr<Listener> LocalHub::listen(std::string channel) {
  auto q = std::make_shared<Queue>();
  q->channel = std::move(channel);
  std::lock_guard lock(mu_);
  std::erase_if(queues_, [](const std::weak_ptr<Queue>& w) { return w.expired(); });
  queues_.push_back(q);
  return std::make_unique<LocalListener>(std::move(q));
}

void LocalHub::deliver(const std::vector<Notification>& notes) {
  if (notes.empty()) return;
  std::vector<std::shared_ptr<Queue>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& w : queues_) {
      if (auto q = w.lock()) live.push_back(std::move(q));
    }
  }
  for (auto& q : live) {
    bool any = false;
    {
      std::lock_guard lock(q->mu);
      for (const Notification& n : notes) {
        if (n.channel == q->channel) {
          q->items.push_back(n);
          any = true;
        }
      }
    }
    if (any) q->cv.notify_all();
  }
}

}  // namespace charter::store::detail
