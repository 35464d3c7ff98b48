// A fixed set of threads that run one function in parallel and wait for it (fork-join), used
// by the verifier to hash on every core.
//
// Contract: run(fn) calls fn(0) on the calling thread and fn(1..size()-1) on the workers, and
// returns when all calls have returned. fn must not throw. run() is not reentrant and must be
// called from one thread at a time. The destructor stops and joins the workers.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace charter::audit {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }
  void run(const std::function<void(unsigned)>& fn);

 private:
  void work(unsigned index);

  std::mutex mu_;
  std::condition_variable start_cv_;
  std::condition_variable done_cv_;
  const std::function<void(unsigned)>* fn_ = nullptr;
  unsigned long generation_ = 0;
  unsigned running_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace charter::audit
