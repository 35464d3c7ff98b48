// DeliveryWorker: the thread that drains the outbox (durable_outbox.h). It runs deliver_due()
// when woken (poke(): a message was queued) and at least every `poll` (due retries; messages
// queued by another server on a shared PostgreSQL), until stop(). Store errors are counted and
// retried at the next poll; nothing is lost, since what is not delivered stays in the store.
//
// Contract: the outbox and transports must outlive the worker; the destructor stops it.
// Thread safety: poke() and stop() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "notify/durable_outbox.h"
#include "notify/transport.h"

namespace charter::notify {

class DeliveryWorker {
 public:
  DeliveryWorker(DurableOutbox& outbox, EmailTransport& email, WebhookTransport& webhook,
                 std::chrono::milliseconds poll = std::chrono::seconds(1));
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void poke();
  void stop();
  std::int64_t delivered() const { return delivered_.load(); }
  std::int64_t failures() const { return failed_.load(); }
  std::int64_t store_errors() const { return store_errors_.load(); }
  // Undelivered messages as counted after the last round (-1 before the first): for /metrics,
  // which must not query the store on the I/O thread.
  std::int64_t backlog() const { return backlog_.load(); }

 private:
  void run();

  DurableOutbox& outbox_;
  EmailTransport& email_;
  WebhookTransport& webhook_;
  std::chrono::milliseconds poll_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poked_ = true;  // a first round at start: what a previous run left
  std::atomic<std::int64_t> delivered_{0};
  std::atomic<std::int64_t> failed_{0};
  std::atomic<std::int64_t> store_errors_{0};
  std::atomic<std::int64_t> backlog_{-1};
  std::thread thread_;
};

}  // namespace charter::notify
