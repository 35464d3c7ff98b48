#include "policy/window.h"

namespace charter::policy {

Timestamp add_duration(Timestamp t, const Duration& d) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  auto time_of_day = t - day;
  year_month_day ymd{day};
  ymd += years(d.years);
  ymd += months(d.months);
  if (!ymd.ok()) ymd = year_month_day_last(ymd.year(), month_day_last(ymd.month()));
  return time_point_cast<Micros>(sys_days(ymd) + days(d.days)) + time_of_day;
}

namespace {

std::optional<Timestamp> anchor_time(Anchor a, const Facts& f) {
  switch (a) {
    case Anchor::kCollection:
      return f.collection;
    case Anchor::kLastContact:
      return f.last_contact;
    case Anchor::kContractEnd:
      return f.contract_end;
    case Anchor::kConsentWithdrawal:
      return f.consent_withdrawal;
    case Anchor::kTransactionDate:
      return f.transaction_date;
    case Anchor::kEventTime:
      return f.event_time;
    case Anchor::kRequestClosed:
      return f.request_closed;
  }
  return std::nullopt;
}

bool holds(OpenWhile s, const Facts& f) {
  switch (s) {
    case OpenWhile::kContractRunning:
      return f.contract_running;
    case OpenWhile::kLegalHold:
      return f.legal_hold;
    case OpenWhile::kRequestOpen:
      return f.request_open;
  }
  return false;
}

bool stopped(StopOn e, const Facts& f, Timestamp now) {
  switch (e) {
    case StopOn::kConsentWithdrawal:
      return f.consent_withdrawal.has_value() && *f.consent_withdrawal <= now;
    case StopOn::kObjection:
      return f.objected;
  }
  return false;
}

}  // namespace

Window evaluate_rule(const RetentionRule& rule, const Facts& facts, Timestamp now) {
  for (StopOn e : rule.stops_on) {
    if (stopped(e, facts, now))
      return {WindowState::kClosed, std::nullopt, std::string("stopped:") + to_string(e)};
  }
  for (OpenWhile s : rule.open_while) {
    if (holds(s, facts))
      return {WindowState::kOpen, std::nullopt, std::string("open_while:") + to_string(s)};
  }
  std::optional<Timestamp> latest;
  Anchor latest_anchor = Anchor::kCollection;
  for (Anchor a : rule.after) {
    auto t = anchor_time(a, facts);
    if (t && *t <= now && (!latest || *t > *latest)) {
      latest = t;
      latest_anchor = a;
    }
  }
  if (!latest) return {WindowState::kClosed, std::nullopt, "not_started"};
  Timestamp closes = add_duration(*latest, rule.duration);
  std::string span = std::string(to_string(latest_anchor)) + "+" + rule.duration.iso();
  if (now < closes) return {WindowState::kOpen, closes, "until:" + span};
  return {WindowState::kClosed, closes, "expired:" + span};
}

Window evaluate_purpose(const Purpose& purpose, const std::string& category, const Facts& facts,
                        Timestamp now) {
  Window best{WindowState::kClosed, std::nullopt, "no_rule"};
  bool any_rule = false;
  for (const RetentionRule& rule : purpose.retention) {
    bool covers = false;
    for (auto& c : rule.categories) covers = covers || c == category;
    if (!covers) continue;
    Window w = evaluate_rule(rule, facts, now);
    if (!any_rule) {
      best = w;
      any_rule = true;
      continue;
    }
    if (w.open()) {
      // Prefer open over closed, and an indefinite (state-held) window over a dated one.
      if (!best.open() || (best.closes_at && (!w.closes_at || *w.closes_at > *best.closes_at))) {
        best = w;
      }
    }
  }
  return best;
}

}  // namespace charter::policy
