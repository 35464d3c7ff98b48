#include "store/fault.h"

#include <string>

namespace charter::store {
namespace {

const char* point_name(FaultPoint p) {
  switch (p) {
    case FaultPoint::kBeginRead:
      return "begin-read";
    case FaultPoint::kBeginWrite:
      return "begin-write";
    case FaultPoint::kStatement:
      return "statement";
    case FaultPoint::kCommit:
      return "commit";
    case FaultPoint::kSync:
      return "sync";
  }
  return "unknown";
}

}  // namespace

void FaultInjector::fail(FaultPoint point, Errc code, int times, int skip) {
  std::lock_guard lock(mu_);
  Plan& p = plans_[static_cast<int>(point)];
  p.code = code;
  p.times = times < 0 ? 0 : times;
  p.skip = skip < 0 ? 0 : skip;
  armed_.store(true, std::memory_order_relaxed);
}

void FaultInjector::clear() {
  std::lock_guard lock(mu_);
  for (Plan& p : plans_) {
    p.times = 0;
    p.skip = 0;
  }
  armed_.store(false, std::memory_order_relaxed);
}

std::optional<Error> FaultInjector::check(FaultPoint point) {
  if (!armed_.load(std::memory_order_relaxed)) return std::nullopt;
  std::lock_guard lock(mu_);
  Plan& p = plans_[static_cast<int>(point)];
  if (p.times == 0) return std::nullopt;
  if (p.skip > 0) {
    --p.skip;
    return std::nullopt;
  }
  --p.times;
  ++p.fired;
  bool any = false;
  for (const Plan& q : plans_) any = any || q.times > 0;
  armed_.store(any, std::memory_order_relaxed);
  return make_error(p.code, std::string("injected fault at ") + point_name(point));
}

int FaultInjector::fired(FaultPoint point) const {
  std::lock_guard lock(mu_);
  return plans_[static_cast<int>(point)].fired;
}

}  // namespace charter::store
