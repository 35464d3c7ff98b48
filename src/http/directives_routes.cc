// Post-mortem directives, DPO side (docs/DIRECTIVES.md): record, read or revoke a subject's
// directives on their behalf, report a death with its proof, confirm or reject it (confirming
// carries the directives out), list reports, record what an heir asked. DPO only. The subject's
// own routes (with a subject session) belong to the privacy center.
#include "directives/directives.h"
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kObject = {{"type", "object"}};
const Rule kDpoOnly{false, {"dpo"}};

audit::Actor actor_of(const Request& req) {
  audit::Actor a;
  a.kind = audit::ActorKind::kStaff;
  a.id = req.principal ? req.principal->id : "";
  a.role = "dpo";
  return a;
}

Result<directives::Person> person(const json& j, const std::string& where) {
  if (!j.is_object())
    return make_error(Errc::kInvalidArgument, where + ": an object {name, email}");
  CHARTER_TRY_STATUS(check_members(j, {"name", "email"}));
  directives::Person p;
  CHARTER_TRY(p.name, string_member(j, "name", 200));
  CHARTER_TRY(p.email, string_member(j, "email", 254));
  return p;
}

Result<directives::Directives> parse(const json& body) {
  CHARTER_TRY_STATUS(check_members(body, {"actions", "executor", "language", "note"}));
  directives::Directives d;
  if (!body.contains("actions") || !body["actions"].is_array())
    return make_error(Errc::kInvalidArgument,
                      "actions: required, a list of {type: erase|keep|pass, recipient}");
  std::size_t i = 0;
  for (const auto& a : body["actions"]) {
    const std::string where = "actions[" + std::to_string(i++) + "]";
    if (!a.is_object() || !a.contains("type") || !a["type"].is_string())
      return make_error(Errc::kInvalidArgument, where + ".type: erase, keep or pass");
    auto t = directives::parse_action(a["type"].get<std::string>());
    if (!t) return make_error(Errc::kInvalidArgument, where + ".type: erase, keep or pass");
    directives::Action x;
    x.type = *t;
    if (a.contains("recipient")) {
      CHARTER_TRY(auto p, person(a["recipient"], where + ".recipient"));
      x.recipient = p;
    }
    d.actions.push_back(x);
  }
  if (body.contains("executor")) {
    CHARTER_TRY(auto p, person(body["executor"], "executor"));
    d.executor = p;
  }
  CHARTER_TRY(auto lang, optional_string(body, "language", 8));
  if (lang) d.language = *lang;
  CHARTER_TRY(auto note, optional_string(body, "note", 4000));
  if (note) d.note = *note;
  return d;
}

json person_json(const directives::Person& p) { return {{"name", p.name}, {"email", p.email}}; }

json record_json(const directives::DirectivesRecord& r) {
  json actions = json::array();
  for (const auto& a : r.content.actions) {
    json j = {{"type", directives::to_string(a.type)}};
    if (a.recipient) j["recipient"] = person_json(*a.recipient);
    actions.push_back(j);
  }
  json out = {{"directive_id", r.directive_id},
              {"subject_id", r.subject_id},
              {"recorded_at", format_timestamp(r.at)},
              {"recorded_by", r.recorded_by},
              {"actions", actions},
              {"language", r.content.language},
              {"note", r.content.note}};
  if (r.content.executor) out["executor"] = person_json(*r.content.executor);
  return out;
}

json report_json(const directives::DeathReport& r) {
  json out = {{"report_id", r.report_id},
              {"subject_id", r.subject_id},
              {"reported_at", format_timestamp(r.reported_at)},
              {"reported_by", r.reported_by},
              {"proof_type", r.proof_type},
              {"proof_sha256", r.proof_sha256},
              {"state", directives::to_string(r.state)}};
  if (r.decided_at) {
    out["decided_at"] = format_timestamp(*r.decided_at);
    out["decided_by"] = r.decided_by;
  }
  return out;
}

Result<std::string> unbase64(std::string_view in) {
  static const std::string k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    auto p = k.find(c);
    if (p == std::string::npos)
      return make_error(Errc::kInvalidArgument, "proof_base64: not base64 (RFC 4648 section 4)");
    v = (v << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

Status add_directives_routes(Router& router, const ApiContext& ctx) {
  directives::DirectivesService& svc = *ctx.directives;
  const json directives_schema = {{"type", "object"},
                                  {"properties",
                                   {{"actions", {{"type", "array"}, {"items", kObject}}},
                                    {"executor", kObject},
                                    {"language", {{"type", "string"}, {"enum", {"fr", "en"}}}},
                                    {"note", {{"type", "string"}}}}},
                                  {"required", {"actions"}}};
  {
    Route r = make_route(Method::kPut, "/v1/subjects/{subject_id}/directives", "putDirectives",
                         "Record or change a subject's post-mortem directives (on their behalf)",
                         "directives");
    r.body = Body{"actions: erase | keep | pass {recipient: {name, email}}; executor; language",
                  directives_schema};
    r.replies = {{200, "The directives in force", "application/json", kObject}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY(auto d, parse(req.json));
      CHARTER_TRY(auto rec, svc.record(req.path_param("subject_id"), d, actor_of(req)));
      return json_response(200, record_json(rec));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/directives", "getDirectives",
                         "A subject's post-mortem directives in force", "directives");
    r.replies = {{200, "The directives", "application/json", kObject}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY(auto cur, svc.current(req.path_param("subject_id")));
      if (!cur) return make_error(Errc::kNotFound, "no directives in force");
      return json_response(200, record_json(*cur));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kDelete, "/v1/subjects/{subject_id}/directives", "revokeDirectives",
                   "Revoke a subject's post-mortem directives", "directives");
    r.replies = {{204, "Revoked", "", nullptr}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(svc.revoke(req.path_param("subject_id"), actor_of(req)));
      return no_content();
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/subjects/{subject_id}/death-reports", "reportDeath",
                         "Report a subject's death with its proof", "directives");
    r.body = body_of("The proof (death certificate), base64, and its media type",
                     {{"proof_base64", {{"type", "string"}}}, {"proof_type", {{"type", "string"}}}},
                     {"proof_base64", "proof_type"});
    r.replies = {{201, "The report (pending)", "application/json", kObject}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"proof_base64", "proof_type"}));
      CHARTER_TRY(auto b64, string_member(req.json, "proof_base64", 14 * 1024 * 1024));
      CHARTER_TRY(auto type, string_member(req.json, "proof_type", 100));
      CHARTER_TRY(auto proof, unbase64(b64));
      CHARTER_TRY(auto rep,
                  svc.report_death(req.path_param("subject_id"), proof, type, actor_of(req)));
      return json_response(201, report_json(rep));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kPost, "/v1/subjects/{subject_id}/death-reports/{report_id}/confirm",
                   "confirmDeath",
                   "Confirm a reported death: the subject becomes deceased and the "
                   "directives are carried out",
                   "directives");
    r.replies = {{200, "What was carried out", "application/json", kObject}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY(auto out, svc.confirm_death(req.path_param("subject_id"),
                                              req.path_param("report_id"), actor_of(req)));
      json j = {{"had_directives", out.had_directives},
                {"heirs_may_act", out.heirs_may_act},
                {"carried_out", out.carried_out}};
      if (out.erasure) j["erasure_id"] = out.erasure->erasure_id;
      return json_response(200, j);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kPost, "/v1/subjects/{subject_id}/death-reports/{report_id}/reject",
                   "rejectDeath", "Reject a death report (proof not accepted)", "directives");
    r.replies = {{204, "Rejected", "", nullptr}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(svc.reject_death(req.path_param("subject_id"), req.path_param("report_id"),
                                          actor_of(req)));
      return no_content();
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kGet, "/v1/death-reports", "listDeathReports",
                   "Death reports, newest first (?pending=true: not yet decided)", "directives");
    r.params.push_back({"pending", ParamIn::kQuery, "true: pending only", {{"type", "string"}}});
    r.replies = {{200, "Reports", "application/json", kObject}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      const bool pending = req.query_param("pending").value_or("") == "true";
      CHARTER_TRY(auto reps, svc.reports(pending));
      json out = json::array();
      for (const auto& rep : reps) out.push_back(report_json(rep));
      return json_response(200, {{"reports", out}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(
        Method::kPost, "/v1/subjects/{subject_id}/heir-actions", "recordHeirAction",
        "Record what an heir asked for a deceased subject without directives", "directives");
    r.body = body_of("What the heir asked and on what proof", {{"note", {{"type", "string"}}}},
                     {"note"});
    r.replies = {{201, "Recorded", "application/json", kObject}};
    guard(r, kDpoOnly, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"note"}));
      CHARTER_TRY(auto note, string_member(req.json, "note", 4000));
      CHARTER_TRY(auto id,
                  svc.record_heir_action(req.path_param("subject_id"), note, actor_of(req)));
      return json_response(201, {{"action_id", id}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
