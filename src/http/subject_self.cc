#include "http/subject_self.h"

#include <regex>

#include "audit/history.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "http/cookies.h"
#include "http/csrf.h"
#include "http/json_input.h"
#include "http/principal.h"

namespace charter::http {

using nlohmann::json;

namespace {

constexpr std::string_view kPurpose = "rights_management";
constexpr std::string_view kChannel = "privacy_center";

std::string label(const policy::Text& t, const std::string& lang) {
  return t.by_lang.empty() ? std::string() : t.in(lang);
}

std::string purpose_label(const policy::Policy& p, const std::string& id, const std::string& lang) {
  const policy::Purpose* pu = p.find_purpose(id);
  return pu ? label(pu->label, lang) : id;
}

json opt_time(const std::optional<Timestamp>& t) {
  return t ? json(format_timestamp(*t)) : json(nullptr);
}

// The "/archives/<token>" link of an access or portability answer.
std::string archive_link(const std::string& answer) {
  static const std::regex link("/archives/[A-Za-z0-9_-]+");
  std::smatch m;
  return std::regex_search(answer, m, link) ? m.str() : std::string();
}

audit::Actor subject_actor(const ApiContext& ctx, const std::string& subject_id) {
  audit::Actor a{audit::ActorKind::kSubject, "", ""};
  if (ctx.pseudonym) {
    if (auto p = ctx.pseudonym(subject_id)) a.id = *p;
  }
  return a;
}

Result<directives::Person> person(const json& j, const std::string& where) {
  if (!j.is_object()) {
    return make_error(Errc::kInvalidArgument, where + ": an object {name, email}");
  }
  CHARTER_TRY_STATUS(check_members(j, {"name", "email"}));
  directives::Person p;
  CHARTER_TRY(p.name, string_member(j, "name", 200));
  CHARTER_TRY(p.email, string_member(j, "email", 254));
  return p;
}

json person_json(const directives::Person& p) { return {{"name", p.name}, {"email", p.email}}; }

Error no_data() {
  return make_error(Errc::kNotFound, "subject: we hold no data for the session's address");
}

}  // namespace

std::string self_csrf_token(std::string_view secret) {
  std::string input = "charter-subject-csrf-v1:";
  input += secret;
  return crypto::to_base64url(crypto::sha256(crypto::as_bytes(input)));
}

std::string subject_session_cookie(const std::string& secret, std::int64_t max_age) {
  return std::string(rights::kSubjectCookie) + "=" + secret +
         "; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
}

Result<SelfSession> self_session(const Request& req, rights::RightsService& rights) {
  std::optional<std::string_view> secret;
  if (auto cookie = req.headers.get("Cookie"))
    secret = find_cookie(*cookie, rights::kSubjectCookie);
  if (!secret || secret->empty()) {
    return make_error(Errc::kUnauthenticated, "subject session: sign in with a code first");
  }
  SelfSession s;
  s.secret = std::string(*secret);
  CHARTER_TRY(s.index, rights.sessions().check(s.secret));
  CHARTER_TRY(s.who, rights.session_subject(s.index));
  s.csrf_token = self_csrf_token(s.secret);
  return s;
}

Status check_self_csrf(const Request& req, const SelfSession& s) {
  Principal p;
  p.by_session_cookie = true;
  p.csrf_token = s.csrf_token;
  return check_csrf(req, p);
}

Result<std::string> SubjectSelf::subject(const SelfSession& s) const {
  if (s.who.subject_id.empty()) return no_data();
  return s.who.subject_id;
}

Result<json> SubjectSelf::data(const SelfSession& s, const std::string& lang,
                               std::string_view request_id) {
  const policy::Policy& p = *ctx_.policy;
  json out = {{"known", !s.who.subject_id.empty()}, {"purpose", std::string(kPurpose)}};
  if (s.who.subject_id.empty()) return out;
  CHARTER_TRY(auto info, ctx_.vault->subject(s.who.subject_id));
  // The decision first, recorded before anything is read (fail closed).
  access::Decision d;
  d.allowed = info.status != vault::SubjectStatus::kErased;
  d.reasons = {d.allowed ? access::reason::kAllowed : access::reason::kSubjectErased};
  d.sentence = d.allowed ? "The verified subject reads their own data (GDPR art. 15)."
                         : "The subject is erased.";
  access::Actor actor{access::Actor::Kind::kService, std::string(kChannel), {}, {}, {}, false,
                      {std::string(kPurpose)}};
  access::AccessRequest ar{std::string(kPurpose), {}};
  if (ctx_.decision_log == nullptr) {
    return make_error(Errc::kUnavailable, "decision log not configured: data cannot be shown");
  }
  CHARTER_TRY_STATUS(ctx_.decision_log->record(actor, s.who.subject_id, ar, d, request_id));
  out["decision"] = {{"allowed", d.allowed}, {"reason", d.reasons.front()}};
  if (!d.allowed) return out;
  CHARTER_TRY(auto data, ctx_.vault->export_subject(s.who.subject_id));
  out["status"] = vault::to_string(data.info.status);
  out["relationship"] = vault::to_string(data.info.relationship);
  out["collected_at"] = opt_time(data.info.collected_at);
  json values = json::array();
  for (const auto& v : data.values) {
    const policy::Field* f = p.find_field(v.field);
    const policy::Category* c = p.find_category(v.category);
    values.push_back({{"field", v.field},
                      {"label", f ? label(f->label, lang) : v.field},
                      {"category", v.category},
                      {"category_label", c ? label(c->label, lang) : v.category},
                      {"value", v.value},
                      {"collected_at", format_timestamp(v.collected_at)},
                      {"updated_at", format_timestamp(v.updated_at)}});
  }
  json events = json::array();
  for (const auto& e : data.events) {
    const policy::Field* f = p.find_field(e.field);
    events.push_back({{"field", e.field},
                      {"label", f ? label(f->label, lang) : e.field},
                      {"category", e.category},
                      {"occurred_at", format_timestamp(e.occurred_at)},
                      {"payload", e.payload}});
    if (events.size() >= 200) break;
  }
  out["values"] = values;
  out["events"] = events;
  out["events_total"] = data.events.size();
  json purposes = json::array();
  for (const auto& id : data.info.purposes) {
    purposes.push_back({{"purpose", id}, {"label", purpose_label(p, id, lang)}});
  }
  out["purposes"] = purposes;
  return out;
}

Result<json> SubjectSelf::consents(const SelfSession& s, const std::string& lang) {
  CHARTER_TRY(std::string id, subject(s));
  CHARTER_TRY(auto states, ctx_.ledger->states(id));
  json list = json::array();
  for (const auto& pu : ctx_.policy->purposes) {
    if (!pu.consent) continue;
    consent::ConsentState st;
    if (auto it = states.find(pu.id); it != states.end()) st = it->second;
    list.push_back({{"purpose", pu.id},
                    {"label", label(pu.label, lang)},
                    {"notice", label(pu.consent->notice, lang)},
                    {"status", consent::to_string(st.status)},
                    {"given", st.status == consent::ConsentStatus::kGiven},
                    {"at", opt_time(st.at)},
                    {"expires_at", opt_time(st.expires_at)}});
  }
  return json{{"consents", list}};
}

Result<json> SubjectSelf::set_consent(const SelfSession& s, std::string_view purpose, bool give,
                                      const std::string& lang, const Request& req) {
  CHARTER_TRY(std::string id, subject(s));
  const policy::Purpose* pu = ctx_.policy->find_purpose(std::string(purpose));
  if (pu == nullptr || !pu->consent) {
    return make_error(Errc::kInvalidArgument,
                      "purpose: a purpose of the policy resting on consent");
  }
  consent::Evidence ev;
  ev.channel = std::string(kChannel);
  ev.language = lang;
  if (!req.remote_ip.empty()) ev.ip = req.remote_ip;
  if (auto ua = req.headers.get("User-Agent")) ev.user_agent = std::string(ua->substr(0, 1024));
  ev.gpc = req.headers.get("Sec-GPC") == std::optional<std::string_view>("1");
  CHARTER_TRY(auto e,
              give ? ctx_.ledger->give(id, purpose, ev) : ctx_.ledger->withdraw(id, purpose, ev));
  return json{{"purpose", std::string(purpose)},
              {"event_id", e.event_id},
              {"kind", give ? "given" : "withdrawn"},
              {"at", format_timestamp(e.at)}};
}

Result<json> SubjectSelf::objections(const SelfSession& s, const std::string& lang) {
  CHARTER_TRY(std::string id, subject(s));
  CHARTER_TRY(auto states, ctx_.objections->states(id));
  json list = json::array();
  for (const auto& pu : ctx_.policy->purposes) {
    if (pu.objection == policy::Objection::kNone) continue;
    consent::ObjectionState st;
    if (auto it = states.find(pu.id); it != states.end()) st = it->second;
    list.push_back(
        {{"purpose", pu.id},
         {"label", label(pu.label, lang)},
         {"kind", pu.objection == policy::Objection::kAbsolute ? "absolute" : "overridable"},
         {"objected", st.objected},
         {"overridden", st.overridden}});
  }
  CHARTER_TRY(auto r, ctx_.restrictions->state(id));
  json restriction = {{"restricted", r.restricted}, {"since", opt_time(r.since)}};
  restriction["ground"] = r.ground ? json(consent::to_string(*r.ground)) : json(nullptr);
  return json{{"objections", list},
              {"restriction", restriction},
              {"grounds",
               {"accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"}}};
}

Result<json> SubjectSelf::set_objection(const SelfSession& s, std::string_view purpose,
                                        bool object) {
  CHARTER_TRY(std::string id, subject(s));
  CHARTER_TRY(auto e, object ? ctx_.objections->object(id, purpose, kChannel)
                             : ctx_.objections->lift(id, purpose, kChannel));
  return json{{"purpose", std::string(purpose)},
              {"kind", consent::to_string(e.kind)},
              {"at", format_timestamp(e.at)}};
}

Result<json> SubjectSelf::set_restriction(const SelfSession& s, bool restrict,
                                          std::string_view ground) {
  CHARTER_TRY(std::string id, subject(s));
  if (!restrict) {
    CHARTER_TRY(auto e, ctx_.restrictions->lift(id, kChannel));
    return json{{"restricted", false}, {"at", format_timestamp(e.at)}};
  }
  auto g = consent::parse_restriction_ground(ground.empty() ? "accuracy_contested" : ground);
  if (!g) {
    return make_error(Errc::kInvalidArgument,
                      "ground: accuracy_contested, unlawful_processing, legal_claims or "
                      "objection_pending (GDPR art. 18(1))");
  }
  CHARTER_TRY(auto e, ctx_.restrictions->place(id, *g, kChannel));
  return json{
      {"restricted", true}, {"ground", consent::to_string(*g)}, {"at", format_timestamp(e.at)}};
}

Result<json> SubjectSelf::requests(const SelfSession& s) {
  CHARTER_TRY(auto own, ctx_.rights->own_requests(s.index));
  const Date today = date_of(ctx_.clock->now());
  json list = json::array();
  for (auto it = own.rbegin(); it != own.rend(); ++it) {
    const auto& r = *it;
    const auto d = rights::deadline_view(r, today);
    json j = {{"request_id", r.id},
              {"type", rights::to_string(r.type)},
              {"state", rights::to_string(r.state)},
              {"received", format_date(r.received)},
              {"due", format_date(d.due)},
              {"extended", r.extended_due.has_value()},
              {"answer", r.answer}};
    j["deadline_status"] = d.status ? json(rights::to_string(*d.status)) : json(nullptr);
    const bool archive =
        r.type == rights::RightType::kAccess || r.type == rights::RightType::kPortability;
    j["archive_link"] = archive ? json(archive_link(r.answer)) : json("");
    list.push_back(std::move(j));
  }
  return json{{"requests", list}};
}

Result<json> SubjectSelf::make_request(const SelfSession& s, std::string_view type,
                                       std::string_view text, const std::string& lang) {
  auto t = rights::parse_right(type);
  if (!t || *t == rights::RightType::kUnclassified) {
    return make_error(Errc::kInvalidArgument,
                      "type: one of access, rectification, erasure, restriction, portability, "
                      "withdraw_consent, objection, post_mortem");
  }
  if (text.size() > 10000) return make_error(Errc::kInvalidArgument, "text: at most 10,000 bytes");
  rights::NewRequest n;
  n.type = *t;
  n.language = lang == "fr" ? "fr" : "en";
  n.text = std::string(text);
  n.channel = std::string(kChannel);
  CHARTER_TRY(auto r, ctx_.rights->submit_in_session(s.index, n));
  const auto d = rights::deadline_view(r, date_of(ctx_.clock->now()));
  json j = {{"request_id", r.id},
            {"type", rights::to_string(r.type)},
            {"state", rights::to_string(r.state)},
            {"received", format_date(r.received)},
            {"due", format_date(d.due)}};
  j["deadline_status"] = d.status ? json(rights::to_string(*d.status)) : json(nullptr);
  return j;
}

Result<directives::Directives> SubjectSelf::parse_directives(const json& body) {
  CHARTER_TRY_STATUS(check_members(body, {"actions", "executor", "language", "note"}));
  directives::Directives d;
  if (!body.contains("actions") || !body["actions"].is_array() || body["actions"].empty()) {
    return make_error(Errc::kInvalidArgument,
                      "actions: required, a list of {type: erase|keep|pass, recipient}");
  }
  std::size_t i = 0;
  for (const auto& a : body["actions"]) {
    const std::string where = "actions[" + std::to_string(i++) + "]";
    if (!a.is_object() || !a.contains("type") || !a["type"].is_string()) {
      return make_error(Errc::kInvalidArgument, where + ".type: erase, keep or pass");
    }
    CHARTER_TRY_STATUS(check_members(a, {"type", "recipient"}));
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
  if (body.contains("executor") && !body["executor"].is_null()) {
    CHARTER_TRY(auto p, person(body["executor"], "executor"));
    d.executor = p;
  }
  CHARTER_TRY(auto lang, optional_string(body, "language", 8));
  if (lang) d.language = *lang;
  CHARTER_TRY(auto note, optional_string(body, "note", 4000));
  if (note) d.note = *note;
  return d;
}

Result<json> SubjectSelf::directives(const SelfSession& s) {
  CHARTER_TRY(std::string id, subject(s));
  if (ctx_.directives == nullptr) {
    return make_error(Errc::kUnavailable, "post-mortem directives are not configured");
  }
  CHARTER_TRY(auto cur, ctx_.directives->current(id));
  if (!cur) return json{{"directives", nullptr}};
  json actions = json::array();
  for (const auto& a : cur->content.actions) {
    json j = {{"type", directives::to_string(a.type)}};
    if (a.recipient) j["recipient"] = person_json(*a.recipient);
    actions.push_back(j);
  }
  json d = {{"directive_id", cur->directive_id},
            {"recorded_at", format_timestamp(cur->at)},
            {"actions", actions},
            {"language", cur->content.language},
            {"note", cur->content.note}};
  d["executor"] = cur->content.executor ? person_json(*cur->content.executor) : json(nullptr);
  return json{{"directives", d}};
}

Result<json> SubjectSelf::record_directives(const SelfSession& s, const json& body) {
  CHARTER_TRY(std::string id, subject(s));
  if (ctx_.directives == nullptr) {
    return make_error(Errc::kUnavailable, "post-mortem directives are not configured");
  }
  CHARTER_TRY(auto d, parse_directives(body));
  CHARTER_TRY(auto rec, ctx_.directives->record(id, d, subject_actor(ctx_, id)));
  (void)rec;
  return directives(s);
}

Status SubjectSelf::revoke_directives(const SelfSession& s) {
  CHARTER_TRY(std::string id, subject(s));
  if (ctx_.directives == nullptr) {
    return make_error(Errc::kUnavailable, "post-mortem directives are not configured");
  }
  return ctx_.directives->revoke(id, subject_actor(ctx_, id));
}

Result<json> SubjectSelf::history(const SelfSession& s, const std::string& lang) {
  CHARTER_TRY(std::string id, subject(s));
  if (ctx_.audit_log == nullptr || !ctx_.pseudonym) {
    return make_error(Errc::kUnavailable, "the audit log is not configured");
  }
  CHARTER_TRY(auto p, ctx_.pseudonym(id));
  // The newest 1000 records: page through the log, keeping the last ones.
  std::vector<audit::AccessRecord> records;
  audit::HistoryQuery q;
  q.limit = 1000;
  for (;;) {
    CHARTER_TRY(auto page, audit::access_history(*ctx_.audit_log, p, q));
    const bool more = page.size() == q.limit;
    if (!page.empty()) q.from_sequence = page.back().sequence + 1;
    records.insert(records.end(), page.begin(), page.end());
    if (records.size() > 1000) records.erase(records.begin(), records.end() - 1000);
    if (!more) break;
  }
  json list = json::array();
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    const auto& a = *it;
    list.push_back(
        {{"time", format_timestamp(a.time)},
         {"actor_kind", std::string(audit::actor_kind_name(a.actor_kind))},
         {"actor", a.actor},
         {"action", a.action},
         {"purpose", a.purpose},
         {"purpose_label", a.purpose.empty() ? "" : purpose_label(*ctx_.policy, a.purpose, lang)},
         {"decision", std::string(audit::decision_name(a.decision))},
         {"reason", a.reason}});
  }
  return json{{"records", list}};
}

}  // namespace charter::http
