// Purpose windows: whether the policy lets an item of a category be used for a purpose now,
// and until when (DESIGN.md section 4). Pure; thread safe.
//
// A rule's window is closed at once by any `stops_on` event that has happened; otherwise open
// while any `open_while` state holds; otherwise open until `duration` after the latest `after`
// anchor that has happened (closed if none has). A purpose holds an item of a category when any
// of its rules for that category is open.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "policy/model.h"

namespace charter::policy {

// What is known about one subject (and, for events, one item) when a window is evaluated.
// Timestamps are unset when the event has not happened.
struct Facts {
  std::optional<Timestamp> collection;
  std::optional<Timestamp> last_contact;
  std::optional<Timestamp> contract_end;
  std::optional<Timestamp> consent_withdrawal;  // set only while consent stays withdrawn
  std::optional<Timestamp> transaction_date;
  std::optional<Timestamp> event_time;  // the item's own time (observed events)
  std::optional<Timestamp> request_closed;
  bool contract_running = false;
  bool legal_hold = false;
  bool request_open = false;
  bool objected = false;  // an objection to this purpose is in force
};

enum class WindowState { kOpen, kClosed };

struct Window {
  WindowState state = WindowState::kClosed;
  // When open: the instant it closes unless facts change; unset while held open by a state.
  std::optional<Timestamp> closes_at;
  // Machine-readable reason: "open_while:<state>", "until:<anchor>+<duration>",
  // "stopped:<event>", "expired:<anchor>+<duration>", "not_started", "no_rule".
  std::string reason;
  bool open() const { return state == WindowState::kOpen; }
};

// `t` plus a calendar duration; a day past the end of the month is clamped to its last day
// (31 January + P1M = 28 or 29 February).
Timestamp add_duration(Timestamp t, const Duration& d);

Window evaluate_rule(const RetentionRule& rule, const Facts& facts, Timestamp now);

// The purpose's window for one category: the open rule that closes last, or the reason the
// last rule gave when all are closed ("no_rule" when the purpose has no rule for it).
Window evaluate_purpose(const Purpose& purpose, const std::string& category, const Facts& facts,
                        Timestamp now);

}  // namespace charter::policy
