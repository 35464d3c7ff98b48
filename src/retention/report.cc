#include "retention/report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace charter::retention {

using nlohmann::json;

std::string SweepReport::to_json() const {
  json j;
  j["sweep_id"] = sweep_id;
  j["started_at"] = format_timestamp(started_at);
  j["as_of"] = format_timestamp(as_of);
  j["finished_at"] = finished_at ? json(format_timestamp(*finished_at)) : json(nullptr);
  j["policy_version"] = policy_version;
  j["previous_policy_version"] = previous_policy_version;
  j["dry_run"] = dry_run;
  j["full_scan"] = full_scan;
  j["resumed"] = resumed;
  j["state"] = state;
  j["subjects"] = {{"examined", examined},
                   {"acted", acted},
                   {"erased", erased},
                   {"unchanged", unchanged},
                   {"held", held_subjects}};
  json rs = json::array();
  for (const auto& r : rows) {
    rs.push_back({{"action", r.action},
                  {"category", r.category},
                  {"purpose", r.purpose},
                  {"reason", r.reason},
                  {"subjects", r.subjects},
                  {"values", r.values},
                  {"events", r.events},
                  {"expired_kept", r.expired_kept}});
  }
  j["rows"] = std::move(rs);
  return j.dump();
}

Result<SweepReport> SweepReport::from_json(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error(Errc::kIntegrity, "sweep report: stored JSON does not parse");
  }
  try {
    SweepReport r;
    r.sweep_id = j.at("sweep_id").get<std::string>();
    CHARTER_TRY(r.started_at, parse_timestamp(j.at("started_at").get<std::string>()));
    CHARTER_TRY(r.as_of, parse_timestamp(j.at("as_of").get<std::string>()));
    if (!j.at("finished_at").is_null()) {
      CHARTER_TRY(r.finished_at, parse_timestamp(j.at("finished_at").get<std::string>()));
    }
    r.policy_version = j.at("policy_version").get<std::string>();
    r.previous_policy_version = j.at("previous_policy_version").get<std::string>();
    r.dry_run = j.at("dry_run").get<bool>();
    r.full_scan = j.at("full_scan").get<bool>();
    r.resumed = j.at("resumed").get<bool>();
    r.state = j.at("state").get<std::string>();
    const json& s = j.at("subjects");
    r.examined = s.at("examined").get<std::int64_t>();
    r.acted = s.at("acted").get<std::int64_t>();
    r.erased = s.at("erased").get<std::int64_t>();
    r.unchanged = s.at("unchanged").get<std::int64_t>();
    r.held_subjects = s.at("held").get<std::int64_t>();
    for (const json& x : j.at("rows")) {
      ReportRow row;
      row.action = x.at("action").get<std::string>();
      row.category = x.at("category").get<std::string>();
      row.purpose = x.at("purpose").get<std::string>();
      row.reason = x.at("reason").get<std::string>();
      row.subjects = x.at("subjects").get<std::int64_t>();
      row.values = x.at("values").get<std::int64_t>();
      row.events = x.at("events").get<std::int64_t>();
      row.expired_kept = x.at("expired_kept").get<std::int64_t>();
      r.rows.push_back(std::move(row));
    }
    return r;
  } catch (const json::exception& e) {
    return make_error(Errc::kIntegrity, std::string("sweep report: stored JSON: ") + e.what());
  }
}

std::string SweepReport::to_text() const {
  std::string out;
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "sweep %s%s (%s) as of %s, policy %s%s%s\n"
      "subjects: %lld examined, %lld with deletions, %lld fully erased, %lld unchanged, "
      "%lld under legal hold\n",
      sweep_id.c_str(), dry_run ? " [dry run]" : "", state.c_str(), format_timestamp(as_of).c_str(),
      policy_version.substr(0, 12).c_str(),
      previous_policy_version.empty() ? "" : " (re-evaluated; was ",
      previous_policy_version.empty() ? "" : (previous_policy_version.substr(0, 12) + ")").c_str(),
      static_cast<long long>(examined), static_cast<long long>(acted),
      static_cast<long long>(erased), static_cast<long long>(unchanged),
      static_cast<long long>(held_subjects));
  out += buf;
  if (full_scan) out += "full scan (policy changed or asked)\n";
  if (resumed) out += "resumed after an interruption\n";
  for (const auto& r : rows) {
    std::snprintf(
        buf, sizeof buf, "%-10s %-13s %-24s %-32s subjects=%lld values=%lld events=%lld%s\n",
        r.action.c_str(), r.category.c_str(), r.purpose.empty() ? "-" : r.purpose.c_str(),
        r.reason.empty() ? "-" : r.reason.c_str(), static_cast<long long>(r.subjects),
        static_cast<long long>(r.values), static_cast<long long>(r.events),
        r.expired_kept ? (" expired_kept=" + std::to_string(r.expired_kept)).c_str() : "");
    out += buf;
  }
  return out;
}

}  // namespace charter::retention
