// The disclosure register over HTTP (docs/DISCLOSURE.md): the DPO records a request of a public
// authority (court, police, tax administration...) with its legal reference, the categories and
// the subjects concerned (subject ids only: never an e-mail in a URL or a log), then approves or
// refuses it with a reason. Append-only: a decision is final (409 for a second one).
#include <nlohmann/json.hpp>

#include "disclosure/register.h"
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/roles.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kDisclosureObject = {{"type", "object"}};
const json kDisclosureString = {{"type", "string"}};

json disclosure_json(const disclosure::Disclosure& d) {
  return {{"disclosure_id", d.id},
          {"authority_kind", d.authority_kind},
          {"authority", d.authority},
          {"legal_reference", d.legal_reference},
          {"requested_by", d.requested_by},
          {"description", d.description},
          {"categories", d.categories},
          {"subjects", d.subjects},
          {"received", format_date(d.received)},
          {"recorded_by", d.recorded_by},
          {"recorded_at", format_timestamp(d.recorded_at)},
          {"state", disclosure::to_string(d.state)},
          {"decided_by", d.decided_by},
          {"decided_at", time_json(d.decided_at)},
          {"decision_reason", d.decision_reason}};
}

Route disclosure_route(Method m, std::string path, std::string op, std::string summary) {
  return make_route(m, std::move(path), std::move(op), std::move(summary), "disclosures");
}

}  // namespace

Status add_disclosure_routes(Router& router, const ApiContext& ctx) {
  disclosure::DisclosureRegister& reg = *ctx.disclosures;
  {
    Route r = disclosure_route(Method::kPost, "/v1/disclosures", "recordDisclosure",
                               "Record a request of a public authority for personal data");
    r.description =
        "authority_kind: court, police, tax, customs, social_security, regulator or other. "
        "subjects: subject ids (sub_...), never an e-mail or a name. State: pending until the "
        "DPO approves or refuses it. Audited (disclosure.recorded, one entry per subject by "
        "pseudonym). " +
        describe(rules::kDisclosures);
    r.body = body_of(
        "The authority's request",
        {{"authority_kind",
          {{"type", "string"},
           {"enum",
            {"court", "police", "tax", "customs", "social_security", "regulator", "other"}}}},
         {"authority", kDisclosureString},
         {"legal_reference", kDisclosureString},
         {"requested_by", kDisclosureString},
         {"description", kDisclosureString},
         {"categories", {{"type", "array"}, {"items", kDisclosureString}}},
         {"subjects", {{"type", "array"}, {"items", kDisclosureString}}},
         {"received", {{"type", "string"}, {"format", "date"}}}},
        {"authority_kind", "authority", "legal_reference", "requested_by", "categories"});
    r.replies = {{201, "Recorded (state pending)", "application/json", kDisclosureObject}};
    guard(r, rules::kDisclosures, [&reg](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(
          check_members(req.json, {"authority_kind", "authority", "legal_reference", "requested_by",
                                   "description", "categories", "subjects", "received"}));
      disclosure::NewDisclosure n;
      CHARTER_TRY(n.authority_kind, string_member(req.json, "authority_kind", 32));
      CHARTER_TRY(n.authority, string_member(req.json, "authority", 200));
      CHARTER_TRY(n.legal_reference, string_member(req.json, "legal_reference", 500));
      CHARTER_TRY(n.requested_by, string_member(req.json, "requested_by", 200));
      CHARTER_TRY(auto desc, optional_string(req.json, "description", 4000));
      if (desc) n.description = *desc;
      CHARTER_TRY(n.categories, string_array(req.json, "categories", 64, 64));
      if (req.json.contains("subjects")) {
        CHARTER_TRY(n.subjects, string_array(req.json, "subjects", 1000, 64));
      }
      CHARTER_TRY(n.received, optional_date(req.json, "received"));
      CHARTER_TRY(auto d, reg.record(n, req.principal->id));
      return json_response(201, disclosure_json(d));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = disclosure_route(Method::kGet, "/v1/disclosures", "listDisclosures",
                               "The disclosure register, newest first");
    r.description = describe(rules::kDisclosures);
    r.params.push_back(
        {"state", ParamIn::kQuery, "pending, approved or refused: only those", kDisclosureString});
    r.replies = {{200, "Disclosures", "application/json", kDisclosureObject}};
    guard(r, rules::kDisclosures, [&reg](Request& req) -> Result<Response> {
      std::optional<disclosure::State> state;
      if (auto s = req.query_param("state")) {
        state = disclosure::parse_state(*s);
        if (!state) {
          return make_error(Errc::kInvalidArgument, "state: pending, approved or refused");
        }
      }
      CHARTER_TRY(auto list, reg.list(state));
      json out = json::array();
      for (const auto& d : list) out.push_back(disclosure_json(d));
      return json_response(200, {{"disclosures", out}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        disclosure_route(Method::kGet, "/v1/disclosures/{disclosure_id}", "getDisclosure",
                         "One disclosure with its history (recorded, then approved or refused)");
    r.description = describe(rules::kDisclosures);
    r.replies = {{200, "The disclosure", "application/json", kDisclosureObject}};
    guard(r, rules::kDisclosures, [&reg](Request& req) -> Result<Response> {
      CHARTER_TRY(std::string id, id_param(req, "disclosure_id", "dis"));
      CHARTER_TRY(auto d, reg.get(id));
      CHARTER_TRY(auto hist, reg.history(id));
      json h = json::array();
      for (const auto& e : hist) {
        h.push_back({{"at", format_timestamp(e.at)},
                     {"action", e.action},
                     {"actor", e.actor},
                     {"note", e.note}});
      }
      json out = disclosure_json(d);
      out["history"] = std::move(h);
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  auto decision = [&](bool approve) -> Status {
    const std::string verb = approve ? "approve" : "refuse";
    Route r = disclosure_route(Method::kPost, "/v1/disclosures/{disclosure_id}/" + verb,
                               approve ? "approveDisclosure" : "refuseDisclosure",
                               approve ? "The DPO approves the disclosure (note optional)"
                                       : "The DPO refuses the disclosure (reason required)");
    r.description =
        "A disclosure is decided once: 409 for a second decision. Audited "
        "(disclosure." +
        std::string(approve ? "approved" : "refused") + "). " + describe(rules::kDisclosures);
    const char* field = approve ? "note" : "reason";
    r.body = body_of(approve ? "An optional note" : "The reason, kept in the register",
                     {{field, kDisclosureString}}, approve ? json::array() : json::array({field}));
    r.replies = {{200, "The disclosure after the decision", "application/json", kDisclosureObject}};
    guard(r, rules::kDisclosures, [&reg, approve](Request& req) -> Result<Response> {
      CHARTER_TRY(std::string id, id_param(req, "disclosure_id", "dis"));
      disclosure::Disclosure d;
      if (approve) {
        CHARTER_TRY_STATUS(check_members(req.json, {"note"}));
        CHARTER_TRY(auto note, optional_string(req.json, "note", 4000));
        CHARTER_TRY(d, reg.approve(id, req.principal->id, note.value_or("")));
      } else {
        CHARTER_TRY_STATUS(check_members(req.json, {"reason"}));
        CHARTER_TRY(auto reason, string_member(req.json, "reason", 4000));
        CHARTER_TRY(d, reg.refuse(id, req.principal->id, reason));
      }
      return json_response(200, disclosure_json(d));
    });
    return router.add(std::move(r));
  };
  CHARTER_TRY_STATUS(decision(true));
  CHARTER_TRY_STATUS(decision(false));
  return ok_status();
}

}  // namespace charter::http
