#include "cli/sweep_scheduler.h"

#include <spdlog/spdlog.h>

namespace charter::cli {

SweepScheduler::SweepScheduler(retention::Retention& engine, std::chrono::seconds every,
                               std::chrono::seconds first_after, std::function<void()> housekeeping)
    : engine_(engine), housekeeping_(std::move(housekeeping)) {
  if (every.count() > 0)
    thread_ = std::thread([this, every, first_after] { loop(every, first_after); });
}

SweepScheduler::~SweepScheduler() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SweepScheduler::loop(std::chrono::seconds every, std::chrono::seconds first_after) {
  auto wait = first_after;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, wait, [this] { return stop_; })) return;
    }
    wait = every;
    auto report = engine_.sweep();
    if (housekeeping_) housekeeping_();
    if (!report) {
      spdlog::warn("retention sweep failed: {} (next try in {} s)", report.error().to_string(),
                   every.count());
      continue;
    }
    spdlog::info("retention sweep {} done: {} examined, {} acted on, {} erased", report->sweep_id,
                 report->examined, report->acted, report->erased);
  }
}

}  // namespace charter::cli
