// Staff members, service identities and their tokens (DPO only: rules::kAdmin).
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"
#include "policy/duration.h"

namespace charter::http {

using nlohmann::json;

namespace {

json date_json(const std::optional<Date>& d) { return d ? json(format_date(*d)) : json(nullptr); }

json member_json(const staff::Member& m, const staff::StaffRegistry& reg, Timestamp now) {
  return {{"id", m.id},
          {"roles", m.roles},
          {"trained_on", date_json(m.trained_on)},
          {"training_valid", reg.training_valid(m, now)},
          {"confidentiality_signed", date_json(m.confidentiality_signed)},
          {"suspended", m.suspended},
          {"has_password", m.has_password},
          {"created_at", format_timestamp(m.created_at)}};
}

json service_json(const staff::Service& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"purposes", s.purposes},
          {"suspended", s.suspended},
          {"created_at", format_timestamp(s.created_at)}};
}

json token_json(const staff::TokenInfo& t) {
  return {{"id", t.id},
          {"service_id", t.service_id},
          {"created_at", format_timestamp(t.created_at)},
          {"expires_at", format_timestamp(t.expires_at)},
          {"revoked_at", time_json(t.revoked_at)}};
}

const json kObject = {{"type", "object"}};
const json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};

}  // namespace

Status add_staff_routes(Router& router, const ApiContext& ctx) {
  auto& reg = *ctx.staff;
  auto& svc = *ctx.services;
  const Clock& clock = *ctx.clock;
  const Rule& admin = rules::kAdmin;

  auto add = [&](Route r) { return router.add(std::move(r)); };

  {
    Route r = make_route(Method::kGet, "/v1/staff", "listStaff", "List staff members", "staff");
    r.replies = {{200, "Members (no names or e-mail addresses)", "application/json", kObject}};
    guard(r, admin, [&reg, &clock](Request&) -> Result<Response> {
      CHARTER_TRY(auto members, reg.list());
      json out = json::array();
      for (const auto& m : members) out.push_back(member_json(m, reg, clock.now()));
      return json_response(200, {{"members", out}});
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/staff", "addStaff", "Add a staff member", "staff");
    r.body = body_of("The new member; the password is optional (set later otherwise)",
                     {{"display_name", {{"type", "string"}}},
                      {"email", {{"type", "string"}, {"format", "email"}}},
                      {"roles", kStrings},
                      {"password", {{"type", "string"}, {"minLength", 12}}}},
                     {"display_name", "email", "roles"});
    r.replies = {{201, "The member", "application/json", kObject}};
    guard(r, admin, [&reg, &clock](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"display_name", "email", "roles", "password"}));
      staff::NewMember m;
      CHARTER_TRY(m.display_name, string_member(req.json, "display_name", 200));
      CHARTER_TRY(m.email, string_member(req.json, "email", 254));
      CHARTER_TRY(m.roles, string_array(req.json, "roles", 16, 64));
      CHARTER_TRY(auto password, optional_string(req.json, "password", 1024));
      if (password && password->size() < 12) {
        return make_error(Errc::kInvalidArgument, "password: at least 12 characters");
      }
      CHARTER_TRY(auto member, reg.add(m));
      if (password) {
        CHARTER_TRY_STATUS(reg.set_password(member.id, *password));
        member.has_password = true;
      }
      return json_response(201, member_json(member, reg, clock.now()));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/staff/{staff_id}", "getStaff",
                         "A staff member, with name and e-mail", "staff");
    r.replies = {{200, "The member", "application/json", kObject}};
    guard(r, admin, [&reg, &clock](Request& req) -> Result<Response> {
      CHARTER_TRY(auto id, id_param(req, "staff_id", "stf"));
      CHARTER_TRY(auto member, reg.get(id));
      CHARTER_TRY(auto details, reg.details(id));
      json out = member_json(member, reg, clock.now());
      out["display_name"] = details.display_name;
      out["email"] = details.email;
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPut, "/v1/staff/{staff_id}/roles", "setStaffRoles",
                         "Replace a member's roles", "staff");
    r.body = body_of("Roles (policy staff roles)", {{"roles", kStrings}}, {"roles"});
    r.replies = {{200, "The member", "application/json", kObject}};
    guard(r, admin, [&reg, &clock](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"roles"}));
      CHARTER_TRY(auto id, id_param(req, "staff_id", "stf"));
      CHARTER_TRY(auto roles, string_array(req.json, "roles", 16, 64));
      CHARTER_TRY(auto member, reg.set_roles(id, roles));
      return json_response(200, member_json(member, reg, clock.now()));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  for (std::string kind : {"training", "confidentiality"}) {
    bool training = kind == "training";
    Route r = make_route(
        Method::kPost, "/v1/staff/{staff_id}/" + kind,
        training ? "recordStaffTraining" : "recordStaffConfidentiality",
        training ? "Record a member's training" : "Record a signed confidentiality commitment",
        "staff");
    r.body = body_of("The date (default today)",
                     {{"date", {{"type", "string"}, {"format", "date"}}}}, json::array());
    r.replies = {{200, "The member", "application/json", kObject}};
    guard(r, admin, [&reg, &clock, training](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"date"}));
      CHARTER_TRY(auto id, id_param(req, "staff_id", "stf"));
      CHARTER_TRY(auto date, optional_date(req.json, "date"));
      Date d = date.value_or(date_of(clock.now()));
      CHARTER_TRY(auto member,
                  training ? reg.record_training(id, d) : reg.record_confidentiality(id, d));
      return json_response(200, member_json(member, reg, clock.now()));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/staff/{staff_id}/suspension", "suspendStaff",
                         "Suspend a member (their sessions end at once)", "staff");
    r.replies = {{200, "The member", "application/json", kObject}};
    SessionStore* sessions = ctx.sessions;
    guard(r, admin, [&reg, &clock, sessions](Request& req) -> Result<Response> {
      CHARTER_TRY(auto id, id_param(req, "staff_id", "stf"));
      CHARTER_TRY(auto member, reg.suspend(id));
      CHARTER_TRY_STATUS(sessions->revoke_all(id));
      return json_response(200, member_json(member, reg, clock.now()));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kDelete, "/v1/staff/{staff_id}/suspension", "reinstateStaff",
                         "Reinstate a suspended member", "staff");
    r.replies = {{200, "The member", "application/json", kObject}};
    guard(r, admin, [&reg, &clock](Request& req) -> Result<Response> {
      CHARTER_TRY(auto id, id_param(req, "staff_id", "stf"));
      CHARTER_TRY(auto member, reg.reinstate(id));
      return json_response(200, member_json(member, reg, clock.now()));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPut, "/v1/staff/{staff_id}/password", "setStaffPassword",
                         "Set a member's console password (their sessions end)", "staff");
    r.body = body_of("The password", {{"password", {{"type", "string"}, {"minLength", 12}}}},
                     {"password"});
    r.replies = {{204, "Password set", "", nullptr}};
    SessionStore* sessions = ctx.sessions;
    guard(r, admin, [&reg, sessions](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"password"}));
      CHARTER_TRY(auto id, id_param(req, "staff_id", "stf"));
      CHARTER_TRY(auto password, string_member(req.json, "password", 1024));
      if (password.size() < 12) {
        return make_error(Errc::kInvalidArgument, "password: at least 12 characters");
      }
      CHARTER_TRY_STATUS(reg.set_password(id, password));
      CHARTER_TRY_STATUS(sessions->revoke_all(id));
      return no_content();
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }

  // ---- Services and tokens ----
  {
    Route r = make_route(Method::kGet, "/v1/services", "listServices", "List service identities",
                         "services");
    r.replies = {{200, "Services", "application/json", kObject}};
    guard(r, admin, [&svc](Request&) -> Result<Response> {
      CHARTER_TRY(auto list, svc.list());
      json out = json::array();
      for (const auto& s : list) out.push_back(service_json(s));
      return json_response(200, {{"services", out}});
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/services", "addService", "Add a service identity",
                         "services");
    r.body =
        body_of("Name (a-z, 0-9, '-', '_') and the policy purposes it may invoke",
                {{"name", {{"type", "string"}}}, {"purposes", kStrings}}, {"name", "purposes"});
    r.replies = {{201, "The service", "application/json", kObject}};
    guard(r, admin, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"name", "purposes"}));
      CHARTER_TRY(auto name, string_member(req.json, "name", 64));
      CHARTER_TRY(auto purposes, string_array(req.json, "purposes", 64, 64));
      CHARTER_TRY(auto s, svc.add(name, purposes));
      return json_response(201, service_json(s));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/services/{service_id}", "getService",
                         "A service identity", "services");
    r.replies = {{200, "The service", "application/json", kObject}};
    guard(r, admin, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY(auto id, id_param(req, "service_id", "svc"));
      CHARTER_TRY(auto s, svc.get(id));
      return json_response(200, service_json(s));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPut, "/v1/services/{service_id}/purposes", "setServicePurposes",
                         "Replace the purposes a service may invoke", "services");
    r.body = body_of("Policy purpose ids", {{"purposes", kStrings}}, {"purposes"});
    r.replies = {{200, "The service", "application/json", kObject}};
    guard(r, admin, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"purposes"}));
      CHARTER_TRY(auto id, id_param(req, "service_id", "svc"));
      CHARTER_TRY(auto purposes, string_array(req.json, "purposes", 64, 64));
      CHARTER_TRY(auto s, svc.set_purposes(id, purposes));
      return json_response(200, service_json(s));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  for (bool suspend : {true, false}) {
    Route r = make_route(
        suspend ? Method::kPost : Method::kDelete, "/v1/services/{service_id}/suspension",
        suspend ? "suspendService" : "reinstateService",
        suspend ? "Suspend a service (its tokens stop working)" : "Reinstate a suspended service",
        "services");
    r.replies = {{200, "The service", "application/json", kObject}};
    guard(r, admin, [&svc, suspend](Request& req) -> Result<Response> {
      CHARTER_TRY(auto id, id_param(req, "service_id", "svc"));
      CHARTER_TRY(auto s, suspend ? svc.suspend(id) : svc.reinstate(id));
      return json_response(200, service_json(s));
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/services/{service_id}/tokens", "issueServiceToken",
                         "Issue an API token (shown once)", "services");
    r.body = body_of("Validity as an ISO 8601 duration, at most P2Y (default P90D)",
                     {{"validity", {{"type", "string"}, {"examples", {"P90D"}}}}}, json::array());
    r.replies = {{201, "The token (shown once) and its id", "application/json", kObject}};
    guard(r, admin, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"validity"}));
      CHARTER_TRY(auto id, id_param(req, "service_id", "svc"));
      CHARTER_TRY(auto validity_text, optional_string(req.json, "validity", 32));
      auto validity = policy::parse_duration(validity_text.value_or("P90D"));
      if (!validity) {
        return make_error(Errc::kInvalidArgument,
                          "validity: an ISO 8601 duration such as P90D or P1Y");
      }
      CHARTER_TRY(auto issued, svc.issue_token(id, *validity));
      json out = token_json(issued.info);
      out["token"] = issued.token;
      return json_response(201, out);
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/services/{service_id}/tokens", "listServiceTokens",
                         "A service's tokens (ids and dates, never the tokens)", "services");
    r.replies = {{200, "Tokens", "application/json", kObject}};
    guard(r, admin, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY(auto id, id_param(req, "service_id", "svc"));
      CHARTER_TRY_STATUS(svc.get(id));
      CHARTER_TRY(auto list, svc.tokens(id));
      json out = json::array();
      for (const auto& t : list) out.push_back(token_json(t));
      return json_response(200, {{"tokens", out}});
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  {
    Route r = make_route(Method::kDelete, "/v1/tokens/{token_id}", "revokeToken",
                         "Revoke a service token", "services");
    r.replies = {{204, "Revoked", "", nullptr}};
    guard(r, admin, [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY(auto id, id_param(req, "token_id", "tok"));
      CHARTER_TRY_STATUS(svc.revoke_token(id));
      return no_content();
    });
    CHARTER_TRY_STATUS(add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
