// The retention engine's tables (migration component "retention"; docs/RETENTION.md).
//
//   retention_next       the next-expiry index: one row per subject with the next instant
//                        something about its data changes (an item's last window closes, a
//                        contract ends); no row = nothing will change without a new fact.
//   retention_holds      legal holds placed and released by the DPO, with reasons.
//   retention_sweeps     one row per sweep: as-of instant, policy version, state, report.
//   retention_sweep_items the sweep journal: per subject, pending (planned, not yet confirmed)
//                        or done, with the outcome; makes a sweep resumable after a crash.
//   retention_anonymous  what anonymisation leaves: counts per category, subject type and year
//                        of collection (no subject id).
//   retention_meta       name/value: the policy version the index was built under.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace charter::retention {

inline constexpr std::string_view kComponent = "retention";

Status migrate_retention(store::Store& store, const Clock& clock);

}  // namespace charter::retention
