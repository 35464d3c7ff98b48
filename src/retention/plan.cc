#include "retention/plan.h"

#include <algorithm>

#include "vault/holds.h"

namespace charter::retention {
namespace {

bool covers(const policy::Purpose& p, const std::string& category) {
  for (const auto& r : p.retention) {
    if (std::find(r.categories.begin(), r.categories.end(), category) != r.categories.end()) {
      return true;
    }
  }
  return false;
}

bool applies(const policy::Purpose& p, std::string_view subject_type) {
  return std::find(p.subjects.begin(), p.subjects.end(), subject_type) != p.subjects.end();
}

bool is_legal_obligation(const policy::Policy& policy, const policy::Purpose& p) {
  const policy::LegalBasis* b = policy.find_basis(p.basis);
  return b != nullptr && b->kind == policy::BasisKind::kLegalObligation;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// One item's evaluation across the applicable purposes.
struct ItemEval {
  bool held = false;
  bool exception_only = true;  // every open window is a legal exception
  bool indefinite = false;     // held by a state (no closing instant)
  std::optional<Timestamp> unheld_at;
  std::string holder, holder_reason;        // the open window closing last
  std::string closed_by, closed_reason;     // a closed window (expired/stopped)
  std::optional<Timestamp> closed_at_hint;  // for choosing the last closed window
  bool anonymise = false;
};

ItemEval evaluate_item(const policy::Policy& policy, const Snapshot& s, const policy::Facts& base,
                       const std::string& category, std::optional<Timestamp> event_time,
                       Timestamp now) {
  ItemEval e;
  const std::string_view type = vault::subject_type_of(s.info.relationship);
  for (const policy::Purpose& p : policy.purposes) {
    if (!applies(p, type) || !covers(p, category)) continue;
    policy::Facts f = base;
    f.event_time = event_time;
    auto w = s.consent_withdrawn.find(p.id);
    if (w != s.consent_withdrawn.end()) f.consent_withdrawal = w->second;
    f.objected = s.objected.count(p.id) > 0;
    policy::Window win = policy::evaluate_purpose(p, category, f, now);
    if (win.open()) {
      const bool exception =
          is_legal_obligation(policy, p) || win.reason == "open_while:legal_hold";
      if (!exception) e.exception_only = false;
      const bool first = !e.held;
      e.held = true;
      if (!win.closes_at) {
        if (!e.indefinite) {
          e.holder = p.id;
          e.holder_reason = win.reason;
        }
        e.indefinite = true;
      } else if (!e.indefinite && (first || !e.unheld_at || *win.closes_at > *e.unheld_at)) {
        e.unheld_at = win.closes_at;
        e.holder = p.id;
        e.holder_reason = win.reason;
      } else if (!e.unheld_at || *win.closes_at > *e.unheld_at) {
        e.unheld_at = win.closes_at;
      }
    } else if (starts_with(win.reason, "expired:") || starts_with(win.reason, "stopped:")) {
      if (e.closed_by.empty() || is_legal_obligation(policy, p)) {
        e.closed_by = p.id;
        e.closed_reason = win.reason;
      }
      for (const auto& r : p.retention) {
        if (r.on_expiry != policy::OnExpiry::kAnonymise) continue;
        if (std::find(r.categories.begin(), r.categories.end(), category) == r.categories.end()) {
          continue;
        }
        policy::Window rw = policy::evaluate_rule(r, f, now);
        if (!rw.open() && starts_with(rw.reason, "expired:")) e.anonymise = true;
      }
    }
  }
  if (event_time && *event_time > now) {
    // An event stamped in the future (clock skew, scheduled): its windows have not started;
    // it is kept until its own time, then evaluated.
    e.held = true;
    e.exception_only = false;
    if (!e.indefinite && (!e.unheld_at || *event_time > *e.unheld_at)) e.unheld_at = event_time;
    if (e.holder.empty()) {
      e.holder = "-";
      e.holder_reason = "event_in_future";
    }
  }
  if (e.indefinite) e.unheld_at.reset();
  return e;
}

void earliest(std::optional<Timestamp>& acc, std::optional<Timestamp> t, Timestamp now) {
  if (!t || *t <= now) return;
  if (!acc || *t < *acc) acc = t;
}

}  // namespace

bool ItemHolding::held() const {
  return std::any_of(windows.begin(), windows.end(), [](const PurposeWindow& w) { return w.open; });
}

std::vector<ItemHolding> holdings(const policy::Policy& policy, const Snapshot& s, Timestamp now) {
  std::vector<ItemHolding> out;
  if (s.info.status == vault::SubjectStatus::kErased) return out;
  const policy::Facts base = base_facts(policy, s, now);
  const std::string_view type = vault::subject_type_of(s.info.relationship);
  auto eval = [&](ItemHolding& h) {
    for (const policy::Purpose& p : policy.purposes) {
      if (!applies(p, type) || !covers(p, h.category)) continue;
      policy::Facts f = base;
      f.event_time = h.event_time;
      auto w = s.consent_withdrawn.find(p.id);
      if (w != s.consent_withdrawn.end()) f.consent_withdrawal = w->second;
      f.objected = s.objected.count(p.id) > 0;
      policy::Window win = policy::evaluate_purpose(p, h.category, f, now);
      h.windows.push_back({p.id, win.open(), win.reason, win.closes_at});
    }
  };
  for (const auto& [category, items] : s.classes) {
    if (items.values > 0) {
      ItemHolding h;
      h.category = category;
      h.values = items.values;
      eval(h);
      out.push_back(std::move(h));
    }
    for (Timestamp t : items.events) {
      ItemHolding h;
      h.category = category;
      h.event = true;
      h.event_time = t;
      eval(h);
      out.push_back(std::move(h));
    }
  }
  return out;
}

bool SubjectPlan::acts() const {
  return std::any_of(classes.begin(), classes.end(), [](const ClassPlan& c) { return c.erase; });
}

policy::Facts base_facts(const policy::Policy& policy, const Snapshot& s, Timestamp now) {
  policy::Facts f;
  f.collection = s.info.collected_at;
  f.last_contact = s.info.last_contact_at;
  f.contract_end = s.info.contract_end;
  f.contract_running = s.info.relationship == vault::Relationship::kCustomer &&
                       (!s.info.contract_end || *s.info.contract_end > now);
  f.legal_hold = s.legal_hold;
  f.request_open = s.request_open;
  // The transaction date: the latest event in a category anchored on it (as the vault does).
  for (const auto& c : vault::transaction_categories(policy)) {
    auto it = s.classes.find(c);
    if (it == s.classes.end()) continue;
    for (Timestamp t : it->second.events) {
      if (!f.transaction_date || t > *f.transaction_date) f.transaction_date = t;
    }
  }
  return f;
}

SubjectPlan plan_subject(const policy::Policy& policy, const Snapshot& s, Timestamp now) {
  SubjectPlan plan;
  if (s.info.status == vault::SubjectStatus::kErased) return plan;
  const policy::Facts base = base_facts(policy, s, now);
  bool all_gone = true;
  for (const auto& [category, items] : s.classes) {
    ClassPlan cp;
    cp.category = category;
    bool any_expired = false, held_only_by_exceptions = true, kept_indefinite = false;
    std::int64_t expired_values = 0, expired_events = 0;
    auto visit = [&](const ItemEval& e, bool is_event, std::int64_t n) {
      if (e.held) {
        if (!e.exception_only) held_only_by_exceptions = false;
        const bool better =
            cp.kept_purpose.empty() ||
            (!kept_indefinite &&
             (e.indefinite || (e.unheld_at && (!cp.kept_until || *e.unheld_at > *cp.kept_until))));
        if (better) {
          cp.kept_purpose = e.holder;
          cp.kept_reason = e.holder_reason;
          cp.kept_until = e.unheld_at;
          kept_indefinite = e.indefinite;
        }
        earliest(plan.next_at, e.unheld_at, now);
      } else {
        any_expired = true;
        (is_event ? expired_events : expired_values) += n;
        if (e.anonymise) cp.anonymise = true;
        if (cp.closed_purpose.empty() && !e.closed_by.empty()) {
          cp.closed_purpose = e.closed_by;
          cp.closed_reason = e.closed_reason;
        }
      }
    };
    if (items.values > 0) {
      visit(evaluate_item(policy, s, base, category, std::nullopt, now), false, items.values);
    }
    for (Timestamp t : items.events) {
      visit(evaluate_item(policy, s, base, category, t, now), true, 1);
    }
    const std::int64_t kept_values = items.values - expired_values;
    const std::int64_t kept_events =
        static_cast<std::int64_t>(items.events.size()) - expired_events;
    if (any_expired && kept_values == 0 && kept_events == 0) {
      cp.erase = true;  // nothing of the class is held: destroy it
      cp.deleted_values = expired_values;
      cp.deleted_events = expired_events;
    } else if (any_expired && held_only_by_exceptions && expired_values == 0) {
      cp.erase = true;  // held by a legal exception only: the vault deletes the expired events
      cp.anonymise = false;
      cp.deleted_events = expired_events;
      cp.kept_values = kept_values;
      cp.kept_events = kept_events;
    } else {
      cp.anonymise = false;
      cp.kept_values = items.values;
      cp.kept_events = static_cast<std::int64_t>(items.events.size());
      cp.expired_kept = expired_values + expired_events;
    }
    if (cp.kept_values + cp.kept_events > 0) all_gone = false;
    plan.classes.push_back(std::move(cp));
  }
  plan.erase_all = all_gone && plan.acts();
  // A contract that ends changes every window anchored on it or held open while it runs.
  if (s.info.relationship == vault::Relationship::kCustomer) {
    earliest(plan.next_at, s.info.contract_end, now);
  }
  if (plan.erase_all) plan.next_at.reset();
  return plan;
}

}  // namespace charter::retention
