// Retention: sweep reports and legal holds (docs/RETENTION.md). The DPO places and releases
// holds (disputes purpose) with a reason; sweeps run on the server's schedule and from
// `charter sweep`; their reports are read here.
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kObject = {{"type", "object"}};

json hold_json(const retention::LegalHold& h) {
  json out = {{"hold_id", h.hold_id},
              {"subject_id", h.subject_id},
              {"placed_at", format_timestamp(h.placed_at)},
              {"placed_by", h.placed_by},
              {"reason", h.reason},
              {"active", h.active()}};
  if (h.released_at) {
    out["released_at"] = format_timestamp(*h.released_at);
    out["released_by"] = h.released_by;
    out["release_reason"] = h.release_reason;
  }
  return out;
}

Result<json> report_json(const retention::SweepReport& r) {
  json j = json::parse(r.to_json(), nullptr, false);
  if (j.is_discarded()) return make_error(Errc::kInternal, "sweep report: malformed JSON");
  return j;
}

}  // namespace

Status add_retention_routes(Router& router, const ApiContext& ctx) {
  retention::Retention& engine = *ctx.retention;

  {
    Route r = make_route(Method::kGet, "/v1/retention/sweeps", "listSweeps",
                         "Retention sweep reports, newest first", "retention");
    r.params.push_back(
        {"limit", ParamIn::kQuery, "At most this many (1..200, default 20)", {{"type", "string"}}});
    r.replies = {{200,
                  "Reports (counts by purpose and category; deleted, anonymised, kept and why)",
                  "application/json", kObject}};
    guard(r, rules::kRetention, [&engine](Request& req) -> Result<Response> {
      std::size_t limit = 20;
      if (auto l = req.query_param("limit")) {
        char* end = nullptr;
        const std::string s(*l);
        unsigned long v = std::strtoul(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || v < 1 || v > 200) {
          return make_error(Errc::kInvalidArgument, "limit: an integer from 1 to 200");
        }
        limit = v;
      }
      CHARTER_TRY(auto reports, engine.reports(limit));
      json out = json::array();
      for (const auto& rep : reports) {
        CHARTER_TRY(json j, report_json(rep));
        out.push_back(std::move(j));
      }
      return json_response(200, {{"sweeps", out}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/retention/sweeps/{sweep_id}", "getSweep",
                         "One retention sweep report", "retention");
    r.replies = {{200, "The report", "application/json", kObject}};
    guard(r, rules::kRetention, [&engine](Request& req) -> Result<Response> {
      CHARTER_TRY(auto rep, engine.report(req.path_param("sweep_id")));
      CHARTER_TRY(json j, report_json(rep));
      return json_response(200, j);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kPost, "/v1/subjects/{subject_id}/holds", "placeHold",
                   "Place a legal hold (disputes): sweeps and erasure keep the data", "retention");
    r.body = body_of("Why (kept with the hold, never in the audit log)",
                     {{"reason", {{"type", "string"}}}}, {"reason"});
    r.replies = {{201, "The hold", "application/json", kObject}};
    guard(r, rules::kHolds, [&engine](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"reason"}));
      CHARTER_TRY(std::string reason, string_member(req.json, "reason", 2000));
      CHARTER_TRY(auto hold,
                  engine.place_hold(req.path_param("subject_id"), req.principal->id, reason));
      return json_response(201, hold_json(hold));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/holds", "listHolds",
                         "The subject's legal holds, active and released", "retention");
    r.replies = {{200, "Holds", "application/json", kObject}};
    guard(r, rules::kHolds, [&engine](Request& req) -> Result<Response> {
      CHARTER_TRY(auto holds, engine.holds().list(req.path_param("subject_id"), false));
      json out = json::array();
      for (const auto& h : holds) out.push_back(hold_json(h));
      return json_response(200, {{"holds", out}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/holds/{hold_id}/release", "releaseHold",
                         "Release a legal hold", "retention");
    r.body = body_of("Why", {{"reason", {{"type", "string"}}}}, {"reason"});
    r.replies = {{200, "The released hold", "application/json", kObject}};
    guard(r, rules::kHolds, [&engine](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"reason"}));
      CHARTER_TRY(std::string reason, string_member(req.json, "reason", 2000));
      CHARTER_TRY(auto hold,
                  engine.release_hold(req.path_param("hold_id"), req.principal->id, reason));
      return json_response(200, hold_json(hold));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
