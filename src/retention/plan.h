// The retention plan of one subject: for each retention class (policy category) it holds, which
// items no purpose holds any more (to delete, or to anonymise where the policy says so), which
// are kept and by which purpose, and the next instant something changes. Pure; thread safe.
//
// An item is a field value (facts of the subject) or an event (plus its own time). A purpose
// applies when the policy lists the subject's type (prospect/customer) among its subjects and has
// a rule for the category; the item is held while any applicable purpose's window is open
// (policy/window.h), with the purpose's consent withdrawal and objection taken into account.
//
// Deletion goes through the vault's erasure by class (vault/vault.h), which either destroys the
// class (keys and rows) or, when a legal exception holds the class, deletes the events no
// exception holds. So a class is erased when none of its items is held, or when some are
// expired and every item still held is held only by a legal exception (legal obligation or a
// legal hold); otherwise its expired items are kept and the report names the purpose that keeps
// the class (docs/RETENTION.md "Granularity").
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "policy/model.h"
#include "policy/window.h"
#include "vault/types.h"

namespace charter::retention {

// What the engine knows of one subject: the vault's facts, what each class holds, consent and
// objection facts, and whether a legal hold is in force.
struct Snapshot {
  vault::SubjectInfo info;
  struct ClassItems {
    std::int64_t values = 0;
    std::vector<Timestamp> events;  // event times
  };
  std::map<std::string, ClassItems> classes;
  std::map<std::string, Timestamp> consent_withdrawn;  // purpose -> time, while withdrawn
  std::set<std::string> objected;                      // purposes objected to (in force)
  bool legal_hold = false;
  bool request_open = false;  // a data-subject request about the subject is not answered yet
};

struct ClassPlan {
  std::string category;
  bool erase = false;      // call the vault's erasure for this class
  bool anonymise = false;  // an expired rule of the category says `anonymise`
  std::int64_t deleted_values = 0, deleted_events = 0;
  std::int64_t kept_values = 0, kept_events = 0;
  std::int64_t expired_kept = 0;  // items no purpose holds, kept with their class (see above)
  // Deleted: the purpose whose window closed last and its reason ("expired:...", "stopped:...").
  std::string closed_purpose, closed_reason;
  // Kept: the purpose that keeps the class, its window reason and until when (unset: while a
  // state lasts).
  std::string kept_purpose, kept_reason;
  std::optional<Timestamp> kept_until;
};

struct SubjectPlan {
  std::vector<ClassPlan> classes;  // in category order
  bool erase_all = false;          // nothing is kept: full erasure (subject becomes "erased")
  std::optional<Timestamp> next_at;
  bool acts() const;  // some class is erased
};

// For one item: every applicable purpose's window (open ones hold the item).
struct PurposeWindow {
  std::string purpose;
  bool open = false;
  std::string reason;                  // policy/window.h reasons
  std::optional<Timestamp> closes_at;  // open: when it closes unless facts change
};
struct ItemHolding {
  std::string category;
  bool event = false;
  std::int64_t values = 0;              // value items: how many field values of the class
  std::optional<Timestamp> event_time;  // event items
  std::vector<PurposeWindow> windows;   // applicable purposes, in policy order
  bool held() const;
};
// Every item of the subject with the purposes holding it and when each window closes.
std::vector<ItemHolding> holdings(const policy::Policy& policy, const Snapshot& s, Timestamp now);

// The base facts for the policy windows (consent and objection are per purpose).
policy::Facts base_facts(const policy::Policy& policy, const Snapshot& s, Timestamp now);

SubjectPlan plan_subject(const policy::Policy& policy, const Snapshot& s, Timestamp now);

}  // namespace charter::retention
