// Notifications between servers sharing one database: a transaction calls
// Transaction::notify(channel, payload); when it commits, every Listener on that channel gets
// the payload (PostgreSQL LISTEN/NOTIFY; SQLite: delivered in process to listeners of the same
// Store, since an embedded store has one server).
//
// Delivery is at most once and only while a listener exists: a listener that reconnects or
// starts late must rescan the state it cares about. Payloads carry ids and kinds, never
// personal data.
// Thread safety: a Listener is used by one thread at a time; notifications are queued for it
// from any thread. A Listener must not outlive its Store.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/result.h"

namespace charter::store {

struct Notification {
  std::string channel;
  std::string payload;
};

class Listener {
 public:
  virtual ~Listener() = default;

  // Waits up to `timeout` for the next notification; nullopt when none came in time.
  // Errors: kUnavailable when the connection is lost (listen again, then rescan).
  virtual Result<std::optional<Notification>> wait(std::chrono::milliseconds timeout) = 0;
};

}  // namespace charter::store
