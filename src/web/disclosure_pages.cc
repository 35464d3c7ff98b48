// The console's disclosure register (docs/DISCLOSURE.md): the list of authority requests with
// their state, a form to record one (authority, legal reference, who asked, categories, subject
// ids), and a page per disclosure with its history and the DPO's approve / refuse forms. Every
// change goes through disclosure::DisclosureRegister (audited, append-only). Role:
// http::rules::kDisclosures (the DPO). URLs carry disclosure ids only; subjects are named by
// subject id (never an e-mail).
#include <sstream>

#include "disclosure/register.h"
#include "http/json_input.h"
#include "http/roles.h"
#include "web/console_gate.h"
#include "web/routes.h"

namespace charter::web {

using nlohmann::json;

namespace {

std::string disclosure_state_word(const WebContext& web, disclosure::State s,
                                  const std::string& lang) {
  return web.site->word(lang, std::string("disclosure_") + disclosure::to_string(s));
}

json disclosure_form_view(const WebContext& web, const ConsoleCall& call) {
  json kinds = json::array();
  const std::string chosen = field(call.form, "authority_kind").value_or("");
  for (auto k : disclosure::kAuthorityKinds) {
    kinds.push_back({{"value", std::string(k)},
                     {"label", web.site->word(call.lang, "authority_" + std::string(k))},
                     {"selected", chosen == k}});
  }
  json categories = json::array();
  for (const auto& c : web.policy().categories) {
    bool checked = false;
    for (const auto& [k, v] : call.form) {
      if (k == "categories" && v == c.id) checked = true;
    }
    categories.push_back({{"id", c.id}, {"label", c.label.in(call.lang)}, {"checked", checked}});
  }
  return {{"kinds", kinds},
          {"categories", categories},
          {"authority", field(call.form, "authority").value_or("")},
          {"legal_reference", field(call.form, "legal_reference").value_or("")},
          {"requested_by", field(call.form, "requested_by").value_or("")},
          {"description", field(call.form, "description").value_or("")},
          {"subjects", field(call.form, "subjects").value_or("")},
          {"received", field(call.form, "received").value_or("")}};
}

Result<http::Response> disclosures_page(const WebContext& web, ConsoleCall& call,
                                        const std::string& error = {}, int status = 200) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kDisclosures));
  std::optional<disclosure::State> state;
  if (auto s = call.request.query_param("state")) state = disclosure::parse_state(*s);
  CHARTER_TRY(auto list, web.api.disclosures->list(state));
  json rows = json::array();
  for (const auto& d : list) {
    std::string cats;
    for (const auto& c : d.categories) {
      const policy::Category* cat = web.policy().find_category(c);
      cats += (cats.empty() ? "" : ", ") + (cat ? cat->label.in(call.lang) : c);
    }
    rows.push_back({{"id", d.id},
                    {"href", with_lang("/console/disclosures/" + d.id, call.explicit_lang)},
                    {"authority", d.authority},
                    {"kind", web.site->word(call.lang, "authority_" + d.authority_kind)},
                    {"legal_reference", d.legal_reference},
                    {"categories", cats},
                    {"subjects", d.subjects.size()},
                    {"received", format_date(d.received)},
                    {"state", disclosure_state_word(web, d.state, call.lang)},
                    {"state_id", disclosure::to_string(d.state)}});
  }
  json view = {{"disclosures", rows},
               {"has_disclosures", !rows.empty()},
               {"form", disclosure_form_view(web, call)},
               {"error", error}};
  return render_console(web, call, "disclosures", view, "disclosures_title", "/console/disclosures",
                        status);
}

Result<http::Response> record_disclosure(const WebContext& web, ConsoleCall& call) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kDisclosures));
  disclosure::NewDisclosure n;
  n.authority_kind = field(call.form, "authority_kind").value_or("");
  n.authority = field(call.form, "authority").value_or("");
  n.legal_reference = field(call.form, "legal_reference").value_or("");
  n.requested_by = field(call.form, "requested_by").value_or("");
  n.description = field(call.form, "description").value_or("");
  for (const auto& [k, v] : call.form) {
    if (k == "categories") n.categories.push_back(v);
  }
  std::istringstream subjects(field(call.form, "subjects").value_or(""));
  for (std::string s; subjects >> s;) {
    while (!s.empty() && s.back() == ',') s.pop_back();
    if (!s.empty()) n.subjects.push_back(s);
  }
  const std::string received = field(call.form, "received").value_or("");
  if (!received.empty()) {
    auto d = parse_date(received);
    if (!d) {
      return disclosures_page(web, call, web.site->word(call.lang, "received_invalid"), 400);
    }
    n.received = *d;
  }
  auto made = web.api.disclosures->record(n, call.member.id);
  if (!made) {
    if (made.error().code != Errc::kInvalidArgument) return std::move(made).error();
    return disclosures_page(web, call, made.error().message, 400);
  }
  return see_other(with_lang("/console/disclosures/" + made->id, call.explicit_lang));
}

Result<http::Response> disclosure_page(const WebContext& web, ConsoleCall& call,
                                       const std::string& id, const std::string& error = {},
                                       int status = 200) {
  CHARTER_TRY(auto d, web.api.disclosures->get(id));
  CHARTER_TRY(auto hist, web.api.disclosures->history(id));
  json categories = json::array();
  for (const auto& c : d.categories) {
    const policy::Category* cat = web.policy().find_category(c);
    categories.push_back(cat ? cat->label.in(call.lang) : c);
  }
  json history = json::array();
  for (const auto& h : hist) {
    history.push_back({{"at", format_timestamp(h.at)},
                       {"action", web.site->word(call.lang, "disclosure_" + h.action)},
                       {"actor", h.actor},
                       {"note", h.note}});
  }
  json view = {{"id", d.id},
               {"kind", web.site->word(call.lang, "authority_" + d.authority_kind)},
               {"authority", d.authority},
               {"legal_reference", d.legal_reference},
               {"requested_by", d.requested_by},
               {"description", d.description},
               {"categories", categories},
               {"subjects", d.subjects},
               {"has_subjects", !d.subjects.empty()},
               {"received", format_date(d.received)},
               {"recorded_by", d.recorded_by},
               {"state", disclosure_state_word(web, d.state, call.lang)},
               {"state_id", disclosure::to_string(d.state)},
               {"pending", d.state == disclosure::State::kPending},
               {"history", history},
               {"error", error},
               {"back", with_lang("/console/disclosures", call.explicit_lang)}};
  return render_console(web, call, "disclosure", view, "disclosure_title",
                        "/console/disclosures/" + d.id, status);
}

Result<http::Response> decide_disclosure(const WebContext& web, ConsoleCall& call, bool approve) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kDisclosures));
  CHARTER_TRY(std::string id, http::id_param(call.request, "disclosure_id", "dis"));
  auto done = approve ? web.api.disclosures->approve(id, call.member.id,
                                                     field(call.form, "note").value_or(""))
                      : web.api.disclosures->refuse(id, call.member.id,
                                                    field(call.form, "reason").value_or(""));
  if (!done) {
    const Errc code = done.error().code;
    if (code != Errc::kInvalidArgument && code != Errc::kFailedPrecondition) {
      return std::move(done).error();
    }
    return disclosure_page(web, call, id,
                           web.site->word(call.lang, "action_refused") + " " + done.error().message,
                           http_status(code));
  }
  return see_other(with_lang("/console/disclosures/" + id, call.explicit_lang));
}

// web_route() does not declare path parameters; the router requires them.
http::Route with_disclosure_id(http::Route r) {
  r.params.push_back({"disclosure_id",
                      http::ParamIn::kPath,
                      "Opaque id (disclosure_id)",
                      {{"type", "string"}},
                      true});
  return r;
}

}  // namespace

Status add_disclosure_pages(http::Router& router, std::shared_ptr<const WebContext> web) {
  const std::string who = http::describe(http::rules::kDisclosures);
  {
    http::Route r = web_route(http::Method::kGet, "/console/disclosures", "consoleDisclosures",
                              "The disclosure register and the form to record a request (HTML)");
    r.description = "Filter (query): state = pending, approved or refused. " + who;
    r.params.push_back(
        {"state", http::ParamIn::kQuery, "pending, approved or refused", {{"type", "string"}}});
    r.handler =
        console_page(web, [web](ConsoleCall& call) { return disclosures_page(*web, call); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = web_route(
        http::Method::kPost, "/console/disclosures", "consoleRecordDisclosure",
        "Record an authority's request (form: authority_kind, authority, legal_reference, "
        "requested_by, categories, subjects, description, received, csrf_token)");
    r.description = "Recorded: 303 to its page. Invalid: the form again with the reason. " + who;
    r.replies = {{303, "Recorded: to its page", "", nullptr}};
    r.handler =
        console_page(web, [web](ConsoleCall& call) { return record_disclosure(*web, call); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = with_disclosure_id(
        web_route(http::Method::kGet, "/console/disclosures/{disclosure_id}", "consoleDisclosure",
                  "One disclosure: details, history, decision forms (HTML)"));
    r.description = who;
    r.handler = console_page(web, [web](ConsoleCall& call) -> Result<http::Response> {
      CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kDisclosures));
      CHARTER_TRY(std::string id, http::id_param(call.request, "disclosure_id", "dis"));
      return disclosure_page(*web, call, id);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  for (bool approve : {true, false}) {
    http::Route r = with_disclosure_id(web_route(
        http::Method::kPost,
        std::string("/console/disclosures/{disclosure_id}/") + (approve ? "approve" : "refuse"),
        approve ? "consoleApproveDisclosure" : "consoleRefuseDisclosure",
        approve ? "The DPO approves the disclosure (form: note, csrf_token)"
                : "The DPO refuses the disclosure (form: reason, csrf_token)"));
    r.description = "Once only (a second decision is refused, 409). " + who;
    r.replies = {{303, "Decided: to its page", "", nullptr}};
    r.handler = console_page(
        web, [web, approve](ConsoleCall& call) { return decide_disclosure(*web, call, approve); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::web
