// FaultInjector: makes chosen store operations fail, so higher layers can test that they fail
// closed (e.g. audit: "if the audit cannot be written, the request fails").
//
// A store opened with StoreOptions::faults consults the injector at four points:
//   kBeginRead / kBeginWrite  Store::begin() returns the error, no transaction is opened;
//   kStatement                a statement (exec, exec_many, query, exec_script) in a write
//                             transaction returns the error without running, and the
//                             transaction is marked failed (as after a real error);
//   kCommit                   Transaction::commit() rolls back and returns the error.
//   kSync                     the commit's durable write (SQLite: the WAL fsync) fails:
//                             commit() rolls back, returns the error, and the store FENCES
//                             itself like after a real failed commit (docs/RELIABILITY.md):
//                             every later write transaction gets kUnavailable until the
//                             process restarts; reads go on. PostgreSQL stores ignore the fence.
// So whenever an injected fault fires, nothing of that transaction is stored.
// Environment (tests of the real binary only): CHARTER_TEST_FAULTS="sync:N" makes the commit
// after N successful ones of charter.db fail at kSync (store/open.cc); unset in production.
// fail(point, code, times, skip): the next `skip` operations at `point` succeed, then `times`
// fail with `code` (message "injected fault at <point>"). clear() disarms everything.
// Cost when nothing is armed: one relaxed atomic load per check.
// Thread safety: all members are thread safe; one injector may be shared by several stores.
#pragma once

#include <array>
#include <atomic>
#include <mutex>
#include <optional>

#include "core/error.h"

namespace charter::store {

enum class FaultPoint { kBeginRead, kBeginWrite, kStatement, kCommit, kSync };
inline constexpr int kFaultPoints = 5;

class FaultInjector {
 public:
  void fail(FaultPoint point, Errc code = Errc::kUnavailable, int times = 1, int skip = 0);
  void clear();

  // Called by the store: the error to return now, if a fault fires.
  std::optional<Error> check(FaultPoint point);

  // How many faults fired at `point` since construction.
  int fired(FaultPoint point) const;

 private:
  struct Plan {
    Errc code = Errc::kUnavailable;
    int times = 0;
    int skip = 0;
    int fired = 0;
  };
  std::atomic<bool> armed_{false};
  mutable std::mutex mu_;
  std::array<Plan, kFaultPoints> plans_{};
};

}  // namespace charter::store
