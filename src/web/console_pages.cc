// The console's pages: subject search (for a purpose, through access decisions), the register of
// processing, retention sweeps and legal holds, staff and training, the audit log. Who may see
// which page follows http/roles.h; what a member sees of a subject follows the access decision
// (access::AccessService), which is recorded in the audit log before any value is read.
#include <map>

#include "access/actor.h"
#include "audit/verifier.h"
#include "core/id.h"
#include "http/roles.h"
#include "policy/phrases.h"
#include "web/console_gate.h"
#include "web/policy_views.h"
#include "web/routes.h"

namespace charter::web {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxMatches = 10;
constexpr std::size_t kMaxHolds = 100;
constexpr std::size_t kMaxSweeps = 10;
// Staff and training: the DPO and the auditor (training records are not personal data of
// subjects; names and e-mails of members are not shown).
const http::Rule kStaffStatus{false, {"dpo", "auditor"}};

std::string date_text(const std::optional<Date>& d) { return d ? format_date(*d) : "—"; }

json search_view(const WebContext& web, const ConsoleCall& call, const std::string& purpose) {
  return {{"purposes", purpose_options(web.policy(), call.lang, purpose)},
          {"error", ""},
          {"searched", false},
          {"results", json::array()}};
}

Result<http::Response> search(const WebContext& web, ConsoleCall& call) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kSubjectRead));
  const policy::Policy& policy = web.policy();
  std::string purpose_id = field(call.form, "purpose").value_or("");
  json view = search_view(web, call, purpose_id);
  auto page = [&](int status) {
    return render_console(web, call, "search", view, "search_title", "/console/search", status);
  };
  if (call.request.method == http::Method::kGet) return page(200);
  std::string email = field(call.form, "email").value_or("");
  const policy::Purpose* purpose = policy.find_purpose(purpose_id);
  if (!purpose) {
    view["error"] = web.site->word(call.lang, "purpose_required");
    return page(400);
  }
  if (email.empty() || email.size() > 320) {
    view["error"] = web.site->word(call.lang, "email_required");
    return page(400);
  }
  CHARTER_TRY(std::vector<std::string> ids, web.api.vault->find("email", email));
  if (ids.size() > kMaxMatches) ids.resize(kMaxMatches);
  CHARTER_TRY(staff::Identity who, web.api.staff->identity(call.member.id));
  access::Actor actor = access::actor_from(who);
  json results = json::array();
  for (const auto& id : ids) {
    access::AccessRequest ar{purpose->id, {}};
    auto d = web.api.access->decide(actor, id, ar, call.request.id);
    if (!d) {
      if (d.error().code == Errc::kNotFound) continue;  // erased meanwhile
      return std::move(d).error();
    }
    json item = {{"id", id},
                 {"allowed", d->allowed},
                 {"sentence", d->sentence},
                 {"reason", d->reasons.empty() ? std::string() : d->reasons.front()},
                 {"values", json::array()}};
    if (d->allowed) {
      vault::ReadRequest rr;
      rr.subject_id = id;
      rr.purpose = purpose->id;
      for (const auto& f : policy.fields) {
        if (f.kind != policy::FieldKind::kValue) continue;
        for (const auto& c : purpose->categories) {
          if (f.category == c) rr.fields.push_back(f.id);
        }
      }
      if (rr.fields.empty()) rr.values = false;
      CHARTER_TRY(vault::SubjectData data, web.api.vault->read(rr));
      for (const auto& v : data.values) {
        const policy::Field* f = policy.find_field(v.field);
        item["values"].push_back(
            {{"label", f ? f->label.in(call.lang) : v.field}, {"value", v.value}});
      }
    }
    results.push_back(std::move(item));
  }
  view["searched"] = true;
  view["results"] = std::move(results);
  return page(200);
}

json sweep_json(const retention::SweepReport& s) {
  json rows = json::array();
  for (const auto& r : s.rows) {
    rows.push_back({{"action", r.action},
                    {"category", r.category},
                    {"purpose", r.purpose},
                    {"reason", r.reason},
                    {"subjects", r.subjects},
                    {"values", r.values}});
  }
  return {{"sweep_id", s.sweep_id}, {"started_at", format_timestamp(s.started_at)},
          {"state", s.state},       {"dry_run", s.dry_run},
          {"examined", s.examined}, {"acted", s.acted},
          {"erased", s.erased},     {"held_subjects", s.held_subjects},
          {"rows", rows},           {"has_rows", !rows.empty()}};
}

Result<http::Response> retention_page(const WebContext& web, ConsoleCall& call) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kRetention));
  CHARTER_TRY(auto reports, web.api.retention->reports(kMaxSweeps));
  json sweeps = json::array();
  for (const auto& s : reports) sweeps.push_back(sweep_json(s));
  json view = {{"sweeps", sweeps}, {"holds", json::array()}, {"error", ""}};
  bool may_see_holds = static_cast<bool>(http::allow(call.member, http::rules::kHolds));
  view["holds_hidden"] = !may_see_holds;
  if (may_see_holds) {
    CHARTER_TRY(auto holds, web.api.retention->holds().list());
    std::size_t n = 0;
    for (auto it = holds.rbegin(); it != holds.rend() && n < kMaxHolds; ++it, ++n) {
      view["holds"].push_back(
          {{"hold_id", it->hold_id},
           {"subject_id", it->subject_id},
           {"placed_at", format_timestamp(it->placed_at)},
           {"reason", it->reason},
           {"active", it->active()},
           {"released_at", it->released_at ? format_timestamp(*it->released_at) : ""}});
    }
  }
  view["has_holds"] = !view["holds"].empty();
  return render_console(web, call, "retention", view, "retention_title", "/console/retention");
}

Result<http::Response> staff_page(const WebContext& web, ConsoleCall& call) {
  CHARTER_TRY_STATUS(http::allow(call.member, kStaffStatus));
  CHARTER_TRY(auto members, web.api.staff->list());
  Timestamp now = web.api.clock->now();
  json rows = json::array();
  for (const auto& m : members) {
    std::string roles;
    for (const auto& r : m.roles) roles += (roles.empty() ? "" : ", ") + r;
    auto until = web.api.staff->training_valid_until(m);
    rows.push_back({{"id", m.id},
                    {"roles", roles},
                    {"trained_on", date_text(m.trained_on)},
                    {"training_ok", web.api.staff->training_valid(m, now)},
                    {"valid_until", until ? format_date(date_of(*until)) : ""},
                    {"confidentiality", date_text(m.confidentiality_signed)},
                    {"suspended", m.suspended}});
  }
  CHARTER_TRY(auto phrases, policy::Phrases::for_language(call.lang));
  json view = {{"members", rows},
               {"training_validity", phrases.duration(web.policy().staff.training_validity)},
               {"error", ""}};
  return render_console(web, call, "staff", view, "staff_title", "/console/staff");
}

Result<json> audit_view(const WebContext& web) {
  json view = {{"head", false}, {"verified", false}, {"error", ""}};
  CHARTER_TRY(auto head, web.api.audit_log->latest_head());
  CHARTER_TRY(std::uint64_t size, web.api.audit_log->size());
  if (head) {
    view["head"] = {{"tree_size", head->head.tree_size},
                    {"timestamp", format_timestamp(head->head.time)},
                    {"root", to_hex(head->head.root)},
                    {"entries", size}};
  }
  return view;
}

Result<http::Response> audit_page(const WebContext& web, ConsoleCall& call, bool verify) {
  CHARTER_TRY_STATUS(http::allow(call.member, http::rules::kAudit));
  CHARTER_TRY(json view, audit_view(web));
  if (verify) {
    CHARTER_TRY(audit::VerifyReport report,
                audit::verify_log(*web.api.audit_log, *web.api.audit_key));
    // The log is written while it is read: a head signed after the entries were read looks like
    // a truncation. Verify once more before reporting that.
    if (report.problem && report.problem->kind == audit::ProblemKind::kTruncated) {
      CHARTER_TRY(report, audit::verify_log(*web.api.audit_log, *web.api.audit_key));
    }
    view["verified"] = true;
    view["verify_ok"] = report.ok();
    view["verify_entries"] = report.entries;
    view["verify_heads"] = report.heads_checked;
    view["verify_root"] = report.ok() ? to_hex(report.root) : "";
    view["verify_problem"] = report.problem ? report.problem->message : "";
  }
  return render_console(web, call, "audit", view, "audit_title", "/console/audit");
}

}  // namespace

Status add_console_pages(http::Router& router, std::shared_ptr<const WebContext> web) {
  const http::ApiContext& ctx = web->api;
  if (ctx.vault && ctx.access && ctx.staff) {
    auto page = [web](ConsoleCall& call) { return search(*web, call); };
    http::Route g = web_route(http::Method::kGet, "/console/search", "consoleSearchForm",
                              "Subject search form: an e-mail address and a purpose (HTML)");
    g.handler = console_page(web, page);
    CHARTER_TRY_STATUS(router.add(std::move(g)));
    http::Route p = web_route(http::Method::kPost, "/console/search", "consoleSearch",
                              "Subject search for a purpose (form: email, purpose, csrf_token)");
    p.description =
        "The e-mail address is in the form body, never in the URL. The purpose is required; "
        "for each match the access decision for the member and the purpose is made and audited "
        "before any value is read, and the page shows only the purpose's values when allowed. " +
        http::describe(http::rules::kSubjectRead);
    p.handler = console_page(web, page);
    CHARTER_TRY_STATUS(router.add(std::move(p)));
  }
  {
    auto views = std::make_shared<std::map<std::string, json>>();
    for (const auto& lang : web->policy().languages) {
      CHARTER_TRY((*views)[lang], register_view(web->policy(), lang));
    }
    http::Route r = web_route(http::Method::kGet, "/console/register", "consoleRegister",
                              "The record of processing activities (HTML)");
    r.handler = console_page(web, [web, views](ConsoleCall& call) {
      return render_console(*web, call, "register", views->at(call.lang), "register_title",
                            "/console/register");
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  if (ctx.retention) {
    http::Route r = web_route(http::Method::kGet, "/console/retention", "consoleRetention",
                              "Retention sweep reports and legal holds (HTML)");
    r.description = http::describe(http::rules::kRetention) + " Legal holds: the DPO.";
    r.handler = console_page(web, [web](ConsoleCall& call) { return retention_page(*web, call); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  if (ctx.staff && ctx.clock) {
    http::Route r = web_route(http::Method::kGet, "/console/staff", "consoleStaff",
                              "Staff members, roles, training and confidentiality (HTML)");
    r.description = http::describe(kStaffStatus);
    r.handler = console_page(web, [web](ConsoleCall& call) { return staff_page(*web, call); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  if (ctx.audit_log && ctx.audit_key) {
    http::Route r = web_route(http::Method::kGet, "/console/audit", "consoleAudit",
                              "Audit log status: the latest signed tree head (HTML)");
    r.description = http::describe(http::rules::kAudit);
    r.handler =
        console_page(web, [web](ConsoleCall& call) { return audit_page(*web, call, false); });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
    http::Route v = web_route(http::Method::kPost, "/console/audit/verify", "consoleAuditVerify",
                              "Verify the whole audit log now and show the result (HTML form)");
    v.description =
        "Recomputes every leaf hash and root and checks every signed head (audit/verifier.h). " +
        http::describe(http::rules::kAudit);
    v.handler =
        console_page(web, [web](ConsoleCall& call) { return audit_page(*web, call, true); });
    CHARTER_TRY_STATUS(router.add(std::move(v)));
  }
  return ok_status();
}

}  // namespace charter::web
