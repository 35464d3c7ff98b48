// Subjects: create, lookup by e-mail or phone (the address in the body, never in the URL),
// rectify a field, erase, record an observed event. Reading a subject's data for a purpose is
// the access layer's route (it decides and audits the read).
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kObject = {{"type", "object"}};
const json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};
const json kTime = {{"type", "string"}, {"format", "date-time"}};

json erasure_json(const vault::ErasureReport& r) {
  json destroyed = json::array();
  for (const auto& d : r.destroyed) {
    destroyed.push_back(
        {{"class", d.cls}, {"keys", d.keys}, {"values", d.values}, {"events", d.events}});
  }
  json kept = json::array();
  for (const auto& k : r.kept) {
    json holds = json::array();
    for (const auto& h : k.holds) {
      holds.push_back({{"purpose", h.purpose},
                       {"basis", h.basis},
                       {"reason", h.reason},
                       {"until", time_json(h.until)}});
    }
    kept.push_back({{"class", k.cls},
                    {"holds", holds},
                    {"values", k.values},
                    {"events", k.events},
                    {"events_erased", k.events_erased}});
  }
  return {{"subject_id", r.subject_id},
          {"erasure_id", r.erasure_id},
          {"at", format_timestamp(r.at)},
          {"destroyed", destroyed},
          {"kept", kept},
          {"status_after", vault::to_string(r.status_after)},
          {"complete", r.complete},
          {"completion", r.completion}};
}

}  // namespace

Status add_subject_routes(Router& router, const ApiContext& ctx) {
  vault::Vault& vault = *ctx.vault;
  const policy::Policy& policy = *ctx.policy;
  consent::ConsentLedger* ledger = ctx.ledger;

  {
    Route r = make_route(Method::kPost, "/v1/subjects", "createSubject", "Create a data subject",
                         "subjects");
    r.body = body_of(
        "Collection purposes, relationship and the values provided (policy field id -> value)",
        {{"purposes", kStrings},
         {"relationship", {{"enum", {"prospect", "customer", "former_customer"}}}},
         {"contract_start", kTime},
         {"contract_end", kTime},
         {"collected_at", kTime},
         {"fields", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}},
        {"purposes", "fields"});
    r.replies = {{201, "The subject's opaque id", "application/json",
                  object_schema({{"id", {{"type", "string"}}}}, {"id"})}};
    guard(r, rules::kSubjectWrite, [&vault](Request& req) -> Result<Response> {
      const auto& b = req.json;
      CHARTER_TRY_STATUS(check_members(b, {"purposes", "relationship", "contract_start",
                                           "contract_end", "collected_at", "fields"}));
      vault::NewSubject s;
      CHARTER_TRY(s.purposes, string_array(b, "purposes", 64, 64));
      if (s.purposes.empty()) {
        return make_error(Errc::kInvalidArgument, "purposes: at least one collection purpose");
      }
      for (const auto& p : s.purposes) {
        if (!vault.policy().find_purpose(p)) {
          return make_error(Errc::kInvalidArgument, "purposes: not a purpose of the policy");
        }
        CHARTER_TRY_STATUS(service_purpose(*req.principal, p));
      }
      CHARTER_TRY(auto rel, optional_string(b, "relationship", 32));
      if (rel) {
        CHARTER_TRY(s.relationship, vault::parse_relationship(*rel));
      }
      CHARTER_TRY(s.contract_start, optional_timestamp(b, "contract_start"));
      CHARTER_TRY(s.contract_end, optional_timestamp(b, "contract_end"));
      CHARTER_TRY(s.collected_at, optional_timestamp(b, "collected_at"));
      auto fields = b.find("fields");
      if (fields == b.end() || !fields->is_object()) {
        return make_error(Errc::kInvalidArgument,
                          "fields: required, an object of policy field id -> string value");
      }
      for (const auto& [name, value] : fields->items()) {
        if (!value.is_string()) {
          return make_error(Errc::kInvalidArgument, "fields: every value must be a string");
        }
        s.fields.push_back({name, value.get<std::string>()});
      }
      CHARTER_TRY(auto id, vault.create_subject(s));
      Response resp = json_response(201, {{"id", id}});
      resp.headers.add("Location", "/v1/subjects/" + id);
      return resp;
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/subjects/lookup", "lookupSubject",
                         "Find subjects by e-mail or phone (returns ids only)", "subjects");
    r.body =
        body_of("One address", {{"email", {{"type", "string"}}}, {"phone", {{"type", "string"}}}},
                json::array());
    r.replies = {{200, "Matching subject ids (usually zero or one)", "application/json",
                  object_schema({{"subject_ids", kStrings}}, {"subject_ids"})}};
    guard(r, rules::kSubjectWrite, [&vault](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"email", "phone"}));
      CHARTER_TRY(auto email, optional_string(req.json, "email", 320));
      CHARTER_TRY(auto phone, optional_string(req.json, "phone", 64));
      if (email.has_value() == phone.has_value()) {
        return make_error(Errc::kInvalidArgument, "give exactly one of email, phone");
      }
      CHARTER_TRY(auto ids, email ? vault.find("email", *email) : vault.find("phone", *phone));
      return json_response(200, {{"subject_ids", ids}});
    });
    r.description =
        "The address goes in the body, never in the URL, so it is in no log or proxy history. "
        "Exactly one of email, phone. " +
        describe(rules::kSubjectWrite);
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kPut, "/v1/subjects/{subject_id}/fields/{field}", "rectifySubjectField",
                   "Rectify (or add) one value of a subject", "subjects");
    r.body = body_of("The new value", {{"value", {{"type", "string"}}}}, {"value"});
    r.replies = {{200, "Rectified; the class was re-keyed", "application/json", kObject}};
    guard(r, rules::kSubjectWrite, [&vault, &policy](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"value"}));
      CHARTER_TRY(auto id, id_param(req, "subject_id", "sub"));
      std::string field(req.path_param("field"));
      const policy::Field* f = policy.find_field(field);
      if (!f || f->kind != policy::FieldKind::kValue) {
        return make_error(Errc::kNotFound, "field: not a value field of the policy");
      }
      CHARTER_TRY(auto value, string_member(req.json, "value", 64 * 1024));
      CHARTER_TRY(auto report, vault.rectify(id, field, value));
      return json_response(200, {{"subject_id", id},
                                 {"field", field},
                                 {"key_version", report.key_version},
                                 {"resealed", report.resealed}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/subjects/{subject_id}/erasure", "eraseSubject",
                         "Erase a subject, or some retention classes (art. 17)", "subjects");
    r.body = body_of("Classes to erase (default: all) and the facts the legal exceptions need",
                     {{"classes", kStrings},
                      {"legal_hold", {{"type", "boolean"}}},
                      {"request_open", {{"type", "boolean"}}}},
                     json::array());
    r.replies = {{200, "What was destroyed, what is kept and why", "application/json", kObject}};
    retention::Retention* engine = ctx.retention;
    guard(r, rules::kSubjectErase, [&vault, ledger, engine](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"classes", "legal_hold", "request_open"}));
      vault::ErasureRequest e;
      CHARTER_TRY(e.subject_id, id_param(req, "subject_id", "sub"));
      CHARTER_TRY(e.classes, string_array(req.json, "classes", 64, 64));
      for (const char* flag : {"legal_hold", "request_open"}) {
        auto it = req.json.find(flag);
        if (it != req.json.end() && !it->is_boolean()) {
          return make_error(Errc::kInvalidArgument, std::string(flag) + ": must be true or false");
        }
      }
      e.facts.legal_hold = req.json.value("legal_hold", false);
      e.facts.request_open = req.json.value("request_open", false);
      if (engine) {  // a legal hold placed by the DPO holds whatever the caller says
        CHARTER_TRY(vault::ErasureFacts held, engine->erasure_facts(e.subject_id));
        e.facts.legal_hold = e.facts.legal_hold || held.legal_hold;
      }
      CHARTER_TRY(auto report, vault.erase(e));
      // A subject erased entirely leaves no consent rows either (the ledger keeps the id as
      // erased, so a link still in a mailbox cannot write again).
      if (ledger && report.status_after == vault::SubjectStatus::kErased) {
        CHARTER_TRY_STATUS(ledger->erase_subject(e.subject_id));
      }
      return json_response(200, erasure_json(report));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/subjects/{subject_id}/events", "recordEvent",
                         "Record an observed event (connection, order, usage...)", "events");
    r.body = body_of("The event",
                     {{"field", {{"type", "string"}}},
                      {"occurred_at", kTime},
                      {"payload", {{"type", "string"}}},
                      {"source", {{"enum", {"provided", "observed"}}}}},
                     {"field", "payload"});
    r.replies = {{201, "The event id", "application/json",
                  object_schema({{"id", {{"type", "string"}}}}, {"id"})}};
    const Clock* clock = ctx.clock;
    guard(r, rules::kSubjectWrite, [&vault, clock](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"field", "occurred_at", "payload", "source"}));
      vault::NewEvent e;
      CHARTER_TRY(e.subject_id, id_param(req, "subject_id", "sub"));
      CHARTER_TRY(e.field, string_member(req.json, "field", 64));
      CHARTER_TRY(e.payload, string_member(req.json, "payload", 64 * 1024));
      CHARTER_TRY(auto at, optional_timestamp(req.json, "occurred_at"));
      e.occurred_at = at ? *at : (clock ? clock->now() : SystemClock().now());
      CHARTER_TRY(auto source, optional_string(req.json, "source", 16));
      if (source) {
        CHARTER_TRY(e.source, vault::parse_source(*source));
      }
      CHARTER_TRY(auto id, vault.record_event(e));
      return json_response(201, {{"id", id}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
