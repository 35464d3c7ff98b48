// SweepScheduler: runs the retention engine's sweep on the server's schedule (docs/RETENTION.md
// "Wiring"): first `first_after` after start, then every `every`. A sweep that fails (store
// unavailable, a concurrent sweep from the CLI: kConflict) is logged without personal data and
// tried again at the next tick; the sweep itself is resumable (engine.h).
// Contract: the engine must outlive the scheduler; the destructor stops the thread (waiting for
// a sweep in progress to finish). every == 0: nothing is scheduled. `housekeeping`, when set,
// runs after each sweep (failed or not) on the same thread: purges of expired archives and of
// delivered outbox messages; it logs its own errors. Thread safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "retention/engine.h"

namespace charter::cli {

class SweepScheduler {
 public:
  SweepScheduler(retention::Retention& engine, std::chrono::seconds every,
                 std::chrono::seconds first_after, std::function<void()> housekeeping = {});
  ~SweepScheduler();
  SweepScheduler(const SweepScheduler&) = delete;
  SweepScheduler& operator=(const SweepScheduler&) = delete;

 private:
  void loop(std::chrono::seconds every, std::chrono::seconds first_after);

  retention::Retention& engine_;
  std::function<void()> housekeeping_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace charter::cli
