#include "notify/worker.h"

namespace charter::notify {

DeliveryWorker::DeliveryWorker(DurableOutbox& outbox, EmailTransport& email,
                               WebhookTransport& webhook, std::chrono::milliseconds poll)
    : outbox_(outbox), email_(email), webhook_(webhook), poll_(poll) {
  thread_ = std::thread([this] { run(); });
}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_one();
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, poll_, [this] { return stop_ || poked_; });
      if (stop_) return;
      poked_ = false;
    }
    // Drain what is due now, a batch at a time.
    while (true) {
      auto round = outbox_.deliver_due(email_, webhook_);
      if (!round.ok()) {
        store_errors_.fetch_add(1);
        break;
      }
      delivered_.fetch_add(round->delivered);
      failed_.fetch_add(round->failed);
      if (round->delivered + round->failed == 0 || round->failed > 0) break;
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (auto n = outbox_.backlog(); n.ok()) backlog_.store(*n);
  }
}

}  // namespace charter::notify
