#include "policy/retention_text.h"

#include <vector>

namespace charter::policy {

namespace {

// The anchors as one noun phrase, in "after" or "until" form.
std::string anchors_phrase(const RetentionRule& rule, const Phrases& p, const char* form) {
  if (rule.after.empty()) return p.get(std::string("anchor_none/") + form);
  if (rule.after.size() == 1) {
    return p.get(std::string("anchor/") + to_string(rule.after[0]) + "/" + form);
  }
  std::vector<std::string> names;
  for (Anchor a : rule.after)
    names.push_back(p.get(std::string("anchor/") + to_string(a) + "/after"));
  return p.format(std::string("anchor_latest/") + form, {{"list", p.join_or(names)}});
}

}  // namespace

std::string describe_retention(const RetentionRule& rule, const Phrases& p, RetentionStyle style) {
  const std::string base =
      style == RetentionStyle::kSentence ? "retention_sentence/" : "retention_short/";
  std::vector<std::string> open;
  for (OpenWhile o : rule.open_while)
    open.push_back(p.get(std::string("open_while/") + to_string(o)));

  const char* shape;
  if (!open.empty()) {
    shape = rule.duration.is_zero() ? "open_zero" : "open_duration";
  } else {
    shape = rule.duration.is_zero() ? "zero" : "duration";
  }
  std::string text = p.format(
      base + shape, {{"open", p.join_or(open)},
                     {"duration", p.duration(rule.duration)},
                     {"anchors", anchors_phrase(rule, p, "after")},
                     {"anchors_until", anchors_phrase(rule, p, "until")},
                     {"expiry", p.get(std::string("expiry/") + to_string(rule.on_expiry))}});
  if (!rule.stops_on.empty()) {
    const char* form = style == RetentionStyle::kSentence ? "/charter" : "/register";
    std::vector<std::string> stops;
    for (StopOn s : rule.stops_on)
      stops.push_back(p.get(std::string("stop_on/") + to_string(s) + form));
    text += p.format(base + "stops", {{"stops", p.join_or(stops)}});
  }
  return text;
}

std::string expiry_noun(OnExpiry on_expiry, const Phrases& p) {
  return p.get(std::string("expiry_noun/") + to_string(on_expiry));
}

}  // namespace charter::policy
