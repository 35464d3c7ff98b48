// The console's request queue (docs/WEB.md "Requests"): the DPO's list of data-subject requests
// with their deadline status (computed by src/rights: on time, due soon ≤ 5 days, overdue), and
// a page per request with its history and the actions its state allows, as forms (CSRF token,
// 303 back to the page). Every action goes through rights::RightsService (audited, answers sent
// through the outbox); an error of the service (e.g. an extension after the first month) is shown
// on the page with the status it maps to. Role: http::rules::kRights (the DPO).
//
// The request's address and free text are shown on the request page only (the DPO needs them to
// answer); URLs carry request ids only.
#include <algorithm>
#include <array>
#include <cctype>

#include "http/json_input.h"
#include "http/roles.h"
#include "rights/answer.h"
#include "rights/service.h"
#include "web/console_gate.h"
#include "web/routes.h"

namespace charter::web {

using nlohmann::json;

namespace {

constexpr std::array kRightTypes = {
    rights::RightType::kAccess,      rights::RightType::kRectification,
    rights::RightType::kErasure,     rights::RightType::kRestriction,
    rights::RightType::kPortability, rights::RightType::kWithdrawConsent,
    rights::RightType::kObjection,   rights::RightType::kPostMortem};
constexpr std::array kRequestStates = {
    rights::State::kReceived,   rights::State::kAwaitingVerification,
    rights::State::kInProgress, rights::State::kExtended,
    rights::State::kFulfilled,  rights::State::kPartiallyFulfilled,
    rights::State::kRefused};

std::string request_right_text(const WebContext& web, rights::RightType t,
                               const std::string& lang) {
  if (t == rights::RightType::kUnclassified) {
    return web.site->word(lang, "right_unclassified");
  }
  return rights::right_label(web.policy(), t, lang);
}

std::string request_state_text(const WebContext& web, rights::State s, const std::string& lang) {
  return web.site->word(lang, std::string("state_") + rights::to_string(s));
}

json request_deadline_json(const WebContext& web, const rights::Request& r, Date today,
                           const std::string& lang) {
  auto d = rights::deadline_view(r, today);
  json out = {{"due", format_date(d.due)}, {"status", ""}, {"status_text", ""}};
  if (d.status) {
    out["status"] = rights::to_string(*d.status);
    out["status_text"] =
        web.site->word(lang, std::string("deadline_") + rights::to_string(*d.status));
  } else {
    out["status"] = "answered";
    out["status_text"] = web.site->word(lang, "deadline_answered");
  }
  return out;
}

json request_options(const WebContext& web, const std::string& lang, const std::string& selected,
                     bool states) {
  json out = json::array();
  if (states) {
    for (auto s : kRequestStates) {
      out.push_back({{"value", rights::to_string(s)},
                     {"label", request_state_text(web, s, lang)},
                     {"selected", selected == rights::to_string(s)}});
    }
  } else {
    for (auto t : kRightTypes) {
      out.push_back({{"value", rights::to_string(t)},
                     {"label", request_right_text(web, t, lang)},
                     {"selected", selected == rights::to_string(t)}});
    }
  }
  return out;
}

Result<http::Response> queue_page(const WebContext& web, ConsoleCall& call) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kRights));
  const http::Request& req = call.request;
  std::string state_filter(req.query_param("state").value_or(""));
  std::string right_filter(req.query_param("right").value_or(""));
  std::string deadline_filter(req.query_param("deadline").value_or(""));
  const bool all = req.query_param("show") == std::optional<std::string_view>("all");
  std::optional<rights::State> state;
  if (!state_filter.empty()) {
    state = rights::parse_state(state_filter);
    if (!state) state_filter.clear();
  }
  std::optional<rights::RightType> right;
  if (!right_filter.empty()) {
    right = rights::parse_right(right_filter);
    if (!right) right_filter.clear();
  }
  if (deadline_filter != "on_time" && deadline_filter != "due_soon" &&
      deadline_filter != "overdue") {
    deadline_filter.clear();
  }
  CHARTER_TRY(auto list, web.api.rights->queue().list(state, !all && !state));
  const Date today = date_of(web.api.clock->now());
  json rows = json::array();
  int due_soon = 0, overdue = 0;
  for (const auto& r : list) {
    json d = request_deadline_json(web, r, today, call.lang);
    if (d["status"] == "due_soon") ++due_soon;
    if (d["status"] == "overdue") ++overdue;
    if (right && r.type != *right) continue;
    if (!deadline_filter.empty() && d["status"] != deadline_filter) continue;
    rows.push_back({{"id", r.id},
                    {"href", with_lang("/console/requests/" + r.id, call.explicit_lang)},
                    {"right", request_right_text(web, r.type, call.lang)},
                    {"state", request_state_text(web, r.state, call.lang)},
                    {"received", format_date(r.received)},
                    {"deadline", d},
                    {"extended", r.extended_due.has_value()}});
  }
  // Most urgent first: by due date (answered ones last, in list order).
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    const bool ao = a["deadline"]["status"] == "answered",
               bo = b["deadline"]["status"] == "answered";
    if (ao != bo) return bo;
    return a["deadline"]["due"].get<std::string>() < b["deadline"]["due"].get<std::string>();
  });
  json deadlines = json::array();
  for (const char* d : {"on_time", "due_soon", "overdue"}) {
    deadlines.push_back({{"value", d},
                         {"label", web.site->word(call.lang, std::string("deadline_") + d)},
                         {"selected", deadline_filter == d}});
  }
  json view = {{"requests", rows},
               {"has_requests", !rows.empty()},
               {"count", rows.size()},
               {"due_soon", due_soon},
               {"overdue", overdue},
               {"states", request_options(web, call.lang, state_filter, true)},
               {"rights", request_options(web, call.lang, right_filter, false)},
               {"deadlines", deadlines},
               {"show_all", all},
               {"error", ""}};
  return render_console(web, call, "requests", view, "requests_title", "/console/requests");
}

// The request page; `error` (with `status`) after a failed action, `done` after one that worked.
Result<http::Response> request_page(const WebContext& web, ConsoleCall& call, const std::string& id,
                                    const std::string& error = {}, int status = 200) {
  CHARTER_TRY(auto r, web.api.rights->queue().get(id));
  CHARTER_TRY(auto hist, web.api.rights->queue().history(id));
  const Date today = date_of(web.api.clock->now());
  json history = json::array();
  for (const auto& t : hist) {
    history.push_back({{"at", format_timestamp(t.at)},
                       {"from", t.from ? request_state_text(web, *t.from, call.lang) : ""},
                       {"to", request_state_text(web, t.to, call.lang)},
                       {"actor", t.actor.kind == rights::Actor::Kind::kSubject
                                     ? web.site->word(call.lang, "actor_subject")
                                     : t.actor.id},
                       {"reason", t.reason},
                       {"note", t.note}});
  }
  const bool open = !rights::is_final(r.state);
  const bool unclassified = r.type == rights::RightType::kUnclassified;
  const bool working = r.state == rights::State::kInProgress || r.state == rights::State::kExtended;
  const bool proof_pending = r.proof == rights::ProofState::kPending;
  // Extension: only within the first month (the service checks; the form is offered until the
  // first due date, so the DPO sees the server's refusal after it).
  const bool may_extend = r.state == rights::State::kInProgress && !r.extended_due;
  std::string done(call.request.query_param("done").value_or(""));
  json view = {{"id", r.id},
               {"right", request_right_text(web, r.type, call.lang)},
               {"right_id", rights::to_string(r.type)},
               {"state", request_state_text(web, r.state, call.lang)},
               {"state_id", rights::to_string(r.state)},
               {"requester", web.site->word(call.lang, std::string("requester_") +
                                                           rights::to_string(r.requester))},
               {"proof", rights::to_string(r.proof)},
               {"channel", r.channel},
               {"language", r.language},
               {"email", r.email},
               {"text", r.text},
               {"has_text", !r.text.empty()},
               {"subject_id", r.subject_id},
               {"received", format_date(r.received)},
               {"first_due", format_date(r.due)},
               {"extended_due", r.extended_due ? format_date(*r.extended_due) : ""},
               {"deadline", request_deadline_json(web, r, today, call.lang)},
               {"answer", r.answer},
               {"has_answer", !r.answer.empty()},
               {"history", history},
               {"open", open},
               {"can_classify", open && unclassified},
               {"can_identity", r.state == rights::State::kReceived && !unclassified},
               {"can_proof", open && proof_pending},
               {"can_extend", may_extend && !unclassified},
               {"can_fulfil", working && !unclassified},
               {"is_erasure", r.type == rights::RightType::kErasure},
               {"can_refuse", open},
               {"rights", request_options(web, call.lang, "", false)},
               {"error", error},
               {"done", done.empty() ? "" : web.site->word(call.lang, "done_" + done)},
               {"back", with_lang("/console/requests", call.explicit_lang)}};
  return render_console(web, call, "request", view, "request_title", "/console/requests/" + r.id,
                        status);
}

// Runs an action; on success 303 to the request page, else the page with the error.
Result<http::Response> request_action(const WebContext& web, ConsoleCall& call,
                                      const std::string& action) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kRights));
  CHARTER_TRY(std::string id, http::id_param(call.request, "request_id", "dsr"));
  rights::RightsService& svc = *web.api.rights;
  const std::string& who = call.member.id;
  auto text = [&](std::string_view name) { return field(call.form, name).value_or(""); };
  Status done = ok_status();
  auto keep = [&done](auto result) {
    if (!result) done = std::move(result).error();
  };
  if (action == "classify") {
    auto t = rights::parse_right(text("type"));
    if (!t || *t == rights::RightType::kUnclassified) {
      done = make_error(Errc::kInvalidArgument, web.site->word(call.lang, "choose_right"));
    } else {
      keep(svc.classify(id, *t, who));
    }
  } else if (action == "identity") {
    if (text("note").empty()) {
      done = make_error(Errc::kInvalidArgument, web.site->word(call.lang, "note_required"));
    } else {
      keep(svc.confirm_identity(id, who, text("note")));
    }
  } else if (action == "code") {
    keep(svc.send_code(id, who));
  } else if (action == "proof") {
    const std::string decision = text("decision");
    if ((decision != "accept" && decision != "refuse") || text("note").empty() ||
        (decision == "accept" && text("subject_id").empty())) {
      done = make_error(Errc::kInvalidArgument, web.site->word(call.lang, "proof_fields"));
    } else {
      keep(svc.decide_proof(id, decision == "accept", text("subject_id"), who, text("note")));
    }
  } else if (action == "extend") {
    if (text("reason").empty()) {
      done = make_error(Errc::kInvalidArgument, web.site->word(call.lang, "reason_required"));
    } else {
      keep(svc.extend(id, who, text("reason")));
    }
  } else if (action == "fulfil") {
    rights::FulfilOptions fo;
    fo.note = text("note");
    keep(svc.fulfil(id, who, fo));
  } else if (action == "refuse") {
    const std::string ground = text("ground");
    if (ground != "manifestly_unfounded" && ground != "excessive" &&
        ground != "identity_not_established") {
      done = make_error(Errc::kInvalidArgument, web.site->word(call.lang, "ground_required"));
    } else if (text("reasons").empty()) {
      done = make_error(Errc::kInvalidArgument, web.site->word(call.lang, "reason_required"));
    } else {
      keep(svc.refuse(id, who, ground, text("reasons")));
    }
  }
  if (!done) {
    const Error& e = done.error();
    // Unknown request, storage down: the error page. Refusals of the service: on the page.
    if (e.code == Errc::kNotFound || e.code == Errc::kUnavailable || e.code == Errc::kInternal ||
        e.code == Errc::kPermissionDenied) {
      return e;
    }
    return request_page(web, call, id,
                        web.site->word(call.lang, "action_refused") + " " + e.message,
                        http_status(e.code));
  }
  std::string to = "/console/requests/" + id + "?done=" + action;
  if (call.explicit_lang) to += "&lang=" + *call.explicit_lang;
  return see_other(to);
}

// web_route() does not declare path parameters; the router requires them.
http::Route with_request_id(http::Route r) {
  r.params.push_back(
      {"request_id", http::ParamIn::kPath, "Opaque id (request_id)", {{"type", "string"}}, true});
  return r;
}

}  // namespace

Status add_rights_pages(http::Router& router, std::shared_ptr<const WebContext> web) {
  {
    http::Route r = web_route(http::Method::kGet, "/console/requests", "consoleRequests",
                              "The queue of data-subject requests with deadline status (HTML)");
    r.description =
        "Filters (query): state, right, deadline (on_time, due_soon, overdue), show=all (also "
        "answered requests). " +
        http::describe(http::rules::kRights);
    for (const char* p : {"state", "right", "deadline", "show"}) {
      r.params.push_back({p, http::ParamIn::kQuery, "filter", {{"type", "string"}}, false});
    }
    r.handler = console_page(web, [web](ConsoleCall& call) { return queue_page(*web, call); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = with_request_id(
        web_route(http::Method::kGet, "/console/requests/{request_id}", "consoleRequest",
                  "One data-subject request: details, history, actions (HTML)"));
    r.description = http::describe(http::rules::kRights);
    r.handler = console_page(web, [web](ConsoleCall& call) -> Result<http::Response> {
      CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kRights));
      CHARTER_TRY(std::string id, http::id_param(call.request, "request_id", "dsr"));
      return request_page(*web, call, id);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  const std::pair<const char*, const char*> actions[] = {
      {"classify", "Say which right the request exercises (form: type)"},
      {"identity", "The identity is established otherwise (form: note)"},
      {"code", "E-mail a one-time code to the requester"},
      {"proof", "Accept or refuse an heir's or agent's proof (form: decision, subject_id, note)"},
      {"extend", "Extend by two months, within the first month only (form: reason)"},
      {"fulfil", "Carry the right out and send the answer (form: note)"},
      {"refuse", "Refuse (form: ground, reasons; art. 12(5))"}};
  for (const auto& [action, summary] : actions) {
    std::string name(action);
    std::string op = "consoleRequest" + name;
    op[14] = static_cast<char>(std::toupper(static_cast<unsigned char>(op[14])));
    http::Route r =
        with_request_id(web_route(http::Method::kPost, "/console/requests/{request_id}/" + name, op,
                                  std::string(summary) + " (HTML form with csrf_token)"));
    r.description =
        "Through the rights service (audited). Done: 303 to the request page; "
        "refused by the service: the page with the reason and its status. " +
        http::describe(http::rules::kRights);
    r.replies = {{303, "Done: to the request page", "", nullptr}};
    r.handler = console_page(
        web, [web, name](ConsoleCall& call) { return request_action(*web, call, name); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::web
