// Consent (give, withdraw, states, history, Kantara receipt), objection (object, lift, DPO
// grounds, states) and restriction (place, lift, state) of one subject. The subject must exist
// in the vault (404 otherwise); services act only for purposes their token is bound to.
#include "consent/receipt.h"
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kObject = {{"type", "object"}};

json consent_event_json(const consent::ConsentEvent& e) {
  return {{"event_id", e.event_id},
          {"subject_id", e.subject_id},
          {"purpose", e.purpose},
          {"kind", consent::to_string(e.kind)},
          {"at", format_timestamp(e.at)},
          {"channel", e.channel},
          {"language", e.language},
          {"policy_version", e.policy_version},
          {"expires_at", time_json(e.expires_at)},
          {"gpc", e.gpc}};
}

json consent_state_json(const consent::ConsentState& s) {
  return {{"status", consent::to_string(s.status)},
          {"at", time_json(s.at)},
          {"expires_at", time_json(s.expires_at)},
          {"event_id", s.event_id},
          {"gpc", s.gpc}};
}

json objection_event_json(const consent::ObjectionEvent& e) {
  return {{"event_id", e.event_id},
          {"subject_id", e.subject_id},
          {"purpose", e.purpose},
          {"kind", consent::to_string(e.kind)},
          {"at", format_timestamp(e.at)},
          {"channel", e.channel},
          {"actor", e.actor},
          {"policy_version", e.policy_version}};
}

json objection_state_json(const consent::ObjectionState& s) {
  return {{"objected", s.objected},
          {"overridden", s.overridden},
          {"since", time_json(s.since)},
          {"overridden_at", time_json(s.overridden_at)}};
}

json restriction_event_json(const consent::RestrictionEvent& e) {
  return {{"event_id", e.event_id},
          {"subject_id", e.subject_id},
          {"kind", consent::to_string(e.kind)},
          {"ground", e.ground ? json(consent::to_string(*e.ground)) : json(nullptr)},
          {"at", format_timestamp(e.at)},
          {"channel", e.channel},
          {"actor", e.actor}};
}

// The subject id of the path, checked to exist in the vault.
Result<std::string> known_subject(const Request& req, vault::Vault& vault) {
  CHARTER_TRY(auto id, id_param(req, "subject_id", "sub"));
  CHARTER_TRY_STATUS(vault.subject(id));
  return id;
}

// A policy purpose named by `member`, which a service caller must be bound to.
Result<std::string> purpose_member(const Request& req, const policy::Policy& policy,
                                   std::string_view member = "purpose") {
  CHARTER_TRY(auto purpose, string_member(req.json, member, 64));
  if (!policy.find_purpose(purpose)) {
    std::string ids;
    for (const auto& p : policy.purposes) ids += (ids.empty() ? "" : ", ") + p.id;
    return make_error(Errc::kInvalidArgument,
                      std::string(member) + ": not a purpose of the policy; one of " + ids);
  }
  CHARTER_TRY_STATUS(service_purpose(*req.principal, purpose));
  return purpose;
}

std::string actor_of(const Request& req) {
  return req.principal->kind == Principal::Kind::kStaff ? req.principal->id : std::string();
}

bool visible(const Principal& p, const std::string& purpose) {
  return service_purpose(p, purpose).ok();
}

}  // namespace

Status add_consent_routes(Router& router, const ApiContext& ctx) {
  vault::Vault& vault = *ctx.vault;
  consent::ConsentLedger& ledger = *ctx.ledger;
  consent::Objections& objections = *ctx.objections;
  consent::Restrictions& restrictions = *ctx.restrictions;
  const policy::Policy& policy = *ctx.policy;

  {
    Route r = make_route(Method::kPost, "/v1/subjects/{subject_id}/consents", "recordConsent",
                         "Record consent given or withdrawn for a purpose", "consent");
    r.body = body_of("The act and its evidence (ip and user_agent are sealed at rest)",
                     {{"purpose", {{"type", "string"}}},
                      {"action", {{"enum", {"give", "withdraw"}}}},
                      {"channel", {{"type", "string"}}},
                      {"language", {{"type", "string"}}},
                      {"ip", {{"type", "string"}}},
                      {"user_agent", {{"type", "string"}}}},
                     {"purpose", "action", "channel"});
    r.replies = {{201, "The ledger event", "application/json", kObject}};
    guard(r, rules::kConsentWrite, [&](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(
          req.json, {"purpose", "action", "channel", "language", "ip", "user_agent"}));
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto purpose, purpose_member(req, policy));
      CHARTER_TRY(auto action, string_member(req.json, "action", 16));
      if (action != "give" && action != "withdraw") {
        return make_error(Errc::kInvalidArgument, "action: give or withdraw");
      }
      consent::Evidence ev;
      CHARTER_TRY(ev.channel, string_member(req.json, "channel", 64));
      CHARTER_TRY(auto language, optional_string(req.json, "language", 16));
      ev.language = language.value_or("");
      CHARTER_TRY(ev.ip, optional_string(req.json, "ip", 64));
      CHARTER_TRY(ev.user_agent, optional_string(req.json, "user_agent", 1024));
      ev.gpc = req.gpc();
      CHARTER_TRY(auto event, action == "give" ? ledger.give(subject, purpose, ev)
                                               : ledger.withdraw(subject, purpose, ev));
      return json_response(201, consent_event_json(event));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/consents", "getConsents",
                         "Current consent state per purpose", "consent");
    r.replies = {{200, "purpose id -> state (services see their purposes only)", "application/json",
                  kObject}};
    guard(r, rules::kConsentRead, [&](Request& req) -> Result<Response> {
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto states, ledger.states(subject));
      json out = json::object();
      for (const auto& [purpose, state] : states) {
        if (visible(*req.principal, purpose)) out[purpose] = consent_state_json(state);
      }
      return json_response(200, {{"subject_id", subject}, {"purposes", out}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/consents/history",
                         "getConsentHistory", "Consent events in order", "consent");
    r.params.push_back({"purpose", ParamIn::kQuery, "Only this purpose", {{"type", "string"}}});
    r.replies = {{200, "Events (services see their purposes only)", "application/json", kObject}};
    guard(r, rules::kConsentRead, [&](Request& req) -> Result<Response> {
      CHARTER_TRY(auto subject, known_subject(req, vault));
      std::string purpose(req.query_param("purpose").value_or(""));
      if (!purpose.empty() && !policy.find_purpose(purpose)) {
        return make_error(Errc::kInvalidArgument, "purpose: not a purpose of the policy");
      }
      CHARTER_TRY(auto events, ledger.history(subject, purpose));
      json out = json::array();
      for (const auto& e : events) {
        if (visible(*req.principal, e.purpose)) out.push_back(consent_event_json(e));
      }
      return json_response(200, {{"subject_id", subject}, {"events", out}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/consents/{event_id}/receipt",
                         "getConsentReceipt", "Kantara Consent Receipt v1.1 of a consent event",
                         "consent");
    r.params.push_back({"lang",
                        ParamIn::kQuery,
                        "fr or en (default: the event's language)",
                        {{"type", "string"}}});
    r.replies = {{200, "The receipt", "application/json", kObject}};
    guard(r, rules::kConsentRead, [&](Request& req) -> Result<Response> {
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto event_id, id_param(req, "event_id", "cev"));
      CHARTER_TRY(auto event, ledger.event(subject, event_id));
      if (!visible(*req.principal, event.purpose)) {
        return make_error(Errc::kNotFound, "no such consent event");
      }
      consent::ReceiptOptions options;
      options.language = std::string(req.query_param("lang").value_or(""));
      if (!options.language.empty() && options.language != "fr" && options.language != "en") {
        return make_error(Errc::kInvalidArgument, "lang: fr or en");
      }
      CHARTER_TRY(auto receipt, consent::make_receipt(policy, event, options));
      return json_response(200, receipt);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }

  // ---- Objection (art. 21) ----
  {
    Route r = make_route(Method::kPost, "/v1/subjects/{subject_id}/objections", "recordObjection",
                         "The subject objects to a purpose, or lifts the objection", "objection");
    r.body = body_of("The act",
                     {{"purpose", {{"type", "string"}}},
                      {"action", {{"enum", {"object", "lift"}}}},
                      {"channel", {{"type", "string"}}}},
                     {"purpose", "action", "channel"});
    r.replies = {{201, "The objection event", "application/json", kObject}};
    guard(r, rules::kConsentWrite, [&](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"purpose", "action", "channel"}));
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto purpose, purpose_member(req, policy));
      CHARTER_TRY(auto action, string_member(req.json, "action", 16));
      CHARTER_TRY(auto channel, string_member(req.json, "channel", 64));
      if (action != "object" && action != "lift") {
        return make_error(Errc::kInvalidArgument, "action: object or lift");
      }
      CHARTER_TRY(auto event, action == "object" ? objections.object(subject, purpose, channel)
                                                 : objections.lift(subject, purpose, channel));
      return json_response(201, objection_event_json(event));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/subjects/{subject_id}/objections/grounds",
                         "recordObjectionGrounds",
                         "The DPO records compelling legitimate grounds (art. 21(1))", "objection");
    r.body = body_of("The purpose and the grounds (sealed at rest)",
                     {{"purpose", {{"type", "string"}}}, {"grounds", {{"type", "string"}}}},
                     {"purpose", "grounds"});
    r.replies = {{201, "The override event", "application/json", kObject}};
    guard(r, rules::kObjectionGrounds, [&](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"purpose", "grounds"}));
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto purpose, purpose_member(req, policy));
      CHARTER_TRY(auto grounds, string_member(req.json, "grounds", 4000));
      CHARTER_TRY(auto event,
                  objections.record_grounds(subject, purpose, req.principal->id, grounds));
      return json_response(201, objection_event_json(event));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/objections", "getObjections",
                         "Objection state per purpose and events", "objection");
    r.replies = {{200, "States and events", "application/json", kObject}};
    guard(r, rules::kConsentRead, [&](Request& req) -> Result<Response> {
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto states, objections.states(subject));
      CHARTER_TRY(auto events, objections.history(subject));
      json s = json::object();
      for (const auto& [purpose, state] : states) {
        if (visible(*req.principal, purpose)) s[purpose] = objection_state_json(state);
      }
      json e = json::array();
      for (const auto& ev : events) {
        if (visible(*req.principal, ev.purpose)) e.push_back(objection_event_json(ev));
      }
      return json_response(200, {{"subject_id", subject}, {"purposes", s}, {"events", e}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }

  // ---- Restriction (art. 18) ----
  {
    Route r =
        make_route(Method::kPost, "/v1/subjects/{subject_id}/restriction", "recordRestriction",
                   "Place or lift a restriction of processing", "restriction");
    r.body = body_of(
        "The act; ground for place (art. 18(1)(a)-(d)); note sealed at rest",
        {{"action", {{"enum", {"place", "lift"}}}},
         {"ground",
          {{"enum",
            {"accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"}}}},
         {"channel", {{"type", "string"}}},
         {"note", {{"type", "string"}}}},
        {"action", "channel"});
    r.replies = {{201, "The restriction event", "application/json", kObject}};
    guard(r, rules::kConsentWrite, [&](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"action", "ground", "channel", "note"}));
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto action, string_member(req.json, "action", 16));
      CHARTER_TRY(auto channel, string_member(req.json, "channel", 64));
      CHARTER_TRY(auto note, optional_string(req.json, "note", 4000));
      CHARTER_TRY(auto ground_text, optional_string(req.json, "ground", 32));
      const std::string actor = actor_of(req);
      if (action == "place") {
        auto ground = ground_text ? consent::parse_restriction_ground(*ground_text) : std::nullopt;
        if (!ground) {
          return make_error(Errc::kInvalidArgument,
                            "ground: required to place; accuracy_contested, unlawful_processing, "
                            "legal_claims or objection_pending");
        }
        CHARTER_TRY(auto event,
                    restrictions.place(subject, *ground, channel, actor, note.value_or("")));
        return json_response(201, restriction_event_json(event));
      }
      if (action != "lift") return make_error(Errc::kInvalidArgument, "action: place or lift");
      if (ground_text) return make_error(Errc::kInvalidArgument, "ground: only to place");
      CHARTER_TRY(auto event, restrictions.lift(subject, channel, actor, note.value_or("")));
      return json_response(201, restriction_event_json(event));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/restriction", "getRestriction",
                         "Restriction state and events", "restriction");
    r.replies = {{200, "State and events (notes stay sealed)", "application/json", kObject}};
    guard(r, rules::kConsentRead, [&](Request& req) -> Result<Response> {
      CHARTER_TRY(auto subject, known_subject(req, vault));
      CHARTER_TRY(auto state, restrictions.state(subject));
      CHARTER_TRY(auto events, restrictions.history(subject));
      json e = json::array();
      for (const auto& ev : events) e.push_back(restriction_event_json(ev));
      return json_response(
          200, {{"subject_id", subject},
                {"restricted", state.restricted},
                {"since", time_json(state.since)},
                {"ground", state.ground ? json(consent::to_string(*state.ground)) : json(nullptr)},
                {"events", e}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
