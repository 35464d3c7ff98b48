#include "audit/worker_pool.h"

namespace charter::audit {

WorkerPool::WorkerPool(unsigned threads) {
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard g(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void WorkerPool::run(const std::function<void(unsigned)>& fn) {
  {
    std::lock_guard g(mu_);
    fn_ = &fn;
    running_ = static_cast<unsigned>(workers_.size());
    ++generation_;
  }
  start_cv_.notify_all();
  fn(0);
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return running_ == 0; });
  fn_ = nullptr;
}

void WorkerPool::work(unsigned index) {
  unsigned long seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    const auto* fn = fn_;
    lock.unlock();
    (*fn)(index);
    lock.lock();
    if (--running_ == 0) done_cv_.notify_one();
  }
}

}  // namespace charter::audit
