// A sweep's report: what it examined, deleted, anonymised and kept (and why), counted by
// action, category and purpose. Stored as JSON in retention_sweeps.report; never holds subject
// ids or values. Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace charter::retention {

struct ReportRow {
  std::string action;    // "deleted", "anonymised" or "kept"
  std::string category;  // retention class
  std::string purpose;   // deleted/anonymised: the purpose whose window closed; kept: the holder
  std::string reason;    // the window's reason, e.g. "expired:last_contact+P3Y", "open_while:..."
  std::int64_t subjects = 0, values = 0, events = 0;
  std::int64_t expired_kept = 0;  // kept: items no purpose holds, kept with their class
};

struct SweepReport {
  std::string sweep_id;  // "swp_..."
  Timestamp started_at;
  Timestamp as_of;  // windows evaluated at this instant (a resumed sweep keeps it)
  std::optional<Timestamp> finished_at;
  std::string policy_version;
  std::string previous_policy_version;  // set when the sweep re-evaluated under a new policy
  bool dry_run = false;
  bool full_scan = false;          // every subject examined (policy change), not only the due ones
  bool resumed = false;            // continued after an interrupted run
  std::string state;               // "running" or "done"
  std::int64_t examined = 0;       // subjects looked at
  std::int64_t acted = 0;          // subjects with something deleted or anonymised
  std::int64_t erased = 0;         // subjects fully erased (nothing kept)
  std::int64_t unchanged = 0;      // subjects with nothing due (index refreshed)
  std::int64_t held_subjects = 0;  // examined subjects under a legal hold
  std::vector<ReportRow> rows;     // sorted by action, category, purpose, reason

  std::string to_json() const;
  static Result<SweepReport> from_json(std::string_view json);
  // Human-readable, one line per row (CLI).
  std::string to_text() const;
};

}  // namespace charter::retention
