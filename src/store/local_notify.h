// Internal: in-process delivery of notifications (the SQLite backend's LISTEN/NOTIFY).
// Thread safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/notify.h"

namespace charter::store::detail {

class LocalHub {
 public:
  std::unique_ptr<Listener> listen(std::string channel);
  // Hands each notification to the current listeners of its channel.
  void deliver(const std::vector<Notification>& notes);

 private:
  struct Queue {
    std::string channel;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Notification> items;
  };
  class LocalListener;

  std::mutex mu_;
  std::vector<std::weak_ptr<Queue>> queues_;
};

}  // namespace charter::store::detail
