// ReindexQueue: keeps the retention engine's next-expiry index current after committed changes
// without putting its writes on the path of the change (DESIGN.md section 4; docs/RETENTION.md
// "Wiring"). The vault's and the ledger's after-commit observers add the subject ids (cheap, never
// blocks on the store); one thread reindexes what has gathered, up to `batch` subjects per
// transaction. A failure is logged without personal data; the next full sweep repairs the index.
// Contract: the engine must outlive the queue; the destructor reindexes what is queued, then stops
// the thread. add() is thread safe and may be called from any observer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "retention/engine.h"

namespace charter::cli {

class ReindexQueue {
 public:
  explicit ReindexQueue(retention::Retention& engine, std::size_t batch = 1000);
  ~ReindexQueue();
  ReindexQueue(const ReindexQueue&) = delete;
  ReindexQueue& operator=(const ReindexQueue&) = delete;

  void add(std::string_view subject_id);

 private:
  void loop();

  retention::Retention& engine_;
  const std::size_t batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> pending_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace charter::cli
