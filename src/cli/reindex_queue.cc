#include "cli/reindex_queue.h"

#include <spdlog/spdlog.h>

#include <vector>

namespace charter::cli {

ReindexQueue::ReindexQueue(retention::Retention& engine, std::size_t batch)
    : engine_(engine), batch_(batch == 0 ? 1 : batch), thread_([this] { loop(); }) {}

ReindexQueue::~ReindexQueue() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ReindexQueue::add(std::string_view subject_id) {
  if (subject_id.empty()) return;
  {
    std::lock_guard lock(mu_);
    pending_.emplace(subject_id);
  }
  cv_.notify_one();
}

void ReindexQueue::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, nothing left
    std::vector<std::string> ids;
    while (!pending_.empty() && ids.size() < batch_) {
      ids.push_back(std::move(pending_.extract(pending_.begin()).value()));
    }
    lock.unlock();
    if (Status st = engine_.reindex(ids); !st.ok()) {
      spdlog::warn(
          "retention index not updated for {} subjects ({}); the next full sweep repairs it",
          ids.size(), st.error().to_string());
    }
    lock.lock();
  }
}

}  // namespace charter::cli
