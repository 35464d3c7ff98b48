// Access: reading a subject's data for a purpose (decided and audited first), single decisions
// and bulk decisions. The decision is the access layer's (src/access, docs/ACCESS.md); these
// handlers turn the authenticated principal into its actor, ask, and answer.
#include "access/actor.h"
#include "access/bulk.h"
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/purpose.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};
constexpr std::size_t kMaxBulkLines = 100000;  // per JSON request (docs/HTTP.md)

// The actor of an access decision: a staff member as the registry knows them now (roles,
// training, confidentiality, suspension), or a service with the purposes its token is bound to.
Result<access::Actor> actor_of(const Principal& p, staff::StaffRegistry* staff) {
  if (p.kind == Principal::Kind::kStaff) {
    if (!staff) return make_error(Errc::kUnavailable, "staff registry not available");
    CHARTER_TRY(staff::Identity who, staff->identity(p.id));
    return access::actor_from(who);
  }
  access::Actor a;
  a.kind = access::Actor::Kind::kService;
  a.id = p.id;
  a.purposes = p.purposes;
  return a;
}

json decision_json(const access::Decision& d) {
  json out = {{"allowed", d.allowed}, {"reasons", d.reasons}, {"sentence", d.sentence}};
  if (d.valid_until) out["valid_until"] = format_timestamp(*d.valid_until);
  return out;
}

Error denied(const access::Decision& d) {
  return make_error(Errc::kPermissionDenied,
                    "access denied: " + (d.reasons.empty() ? std::string("denied") : d.reasons[0]) +
                        " (" + d.sentence + ")");
}

std::string_view first_reason(const access::Decision& d) {
  return d.reasons.empty() ? std::string_view() : std::string_view(d.reasons[0]);
}

// The streamed text form of POST /v1/decisions/bulk: access::BulkDecider over the body's
// bytes; each line's decision counted in the metrics when the exchange ends.
class BulkStream final : public BodyStream {
 public:
  BulkStream(access::DecisionIndex& index, access::DecisionLog& log, const Clock& clock,
             access::Actor actor, std::string purpose, std::string request_id,
             DecisionMetrics& metrics)
      : decider_(index, log, clock, std::move(actor), {std::move(purpose), {}},
                 std::move(request_id)),
        metrics_(metrics) {}

  Status feed(std::string_view bytes, std::string& out) override {
    return decider_.feed(bytes, out);
  }
  Status finish(std::string& out) override {
    CHARTER_TRY(auto summary, decider_.finish(out));
    (void)summary;
    return ok_status();
  }
  void close() override {
    for (const auto& t : decider_.tally()) {
      metrics_.count(std::string_view(t.reason) == access::reason::kAllowed, t.reason, t.count);
    }
  }

 private:
  access::BulkDecider decider_;
  DecisionMetrics& metrics_;
};

Result<std::vector<std::string>> categories_of(const json& body) {
  if (!body.contains("categories")) return std::vector<std::string>{};
  return string_array(body, "categories", 64, 64);
}

}  // namespace

Status add_access_routes(Router& router, const ApiContext& ctx, DecisionMetrics& metrics) {
  access::AccessService& service = *ctx.access;
  vault::Vault& vault = *ctx.vault;
  const policy::Policy& policy = *ctx.policy;
  staff::StaffRegistry* staff = ctx.staff;

  {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}", "readSubject",
                         "Read a subject's data for a purpose (decided and audited)", "subjects");
    r.params.push_back({std::string(kPurposeParam),
                        ParamIn::kQuery,
                        "The purpose the data is used for (policy purpose id)",
                        {{"type", "string"}},
                        true});
    r.replies = {{200,
                  "The subject's facts and the values of the purpose's categories",
                  "application/json",
                  {{"type", "object"}}}};
    guard(r, rules::kSubjectRead,
          [&service, &vault, &policy, staff, &metrics](Request& req) -> Result<Response> {
            CHARTER_TRY(const policy::Purpose* purpose, required_purpose(req, policy));
            CHARTER_TRY(access::Actor actor, actor_of(*req.principal, staff));
            const std::string subject_id(req.path_param("subject_id"));
            access::AccessRequest ar{purpose->id, {}};
            CHARTER_TRY(access::Decision d, service.decide(actor, subject_id, ar, req.id));
            metrics.count(d.allowed, first_reason(d));
            if (!d.allowed) return denied(d);
            vault::ReadRequest rr;
            rr.subject_id = subject_id;
            rr.purpose = purpose->id;
            for (const auto& f : policy.fields) {
              if (f.kind != policy::FieldKind::kValue) continue;
              for (const auto& c : purpose->categories) {
                if (f.category == c) rr.fields.push_back(f.id);
              }
            }
            if (rr.fields.empty()) rr.values = false;
            CHARTER_TRY(vault::SubjectData data, vault.read(rr));
            json values = json::object();
            for (const auto& v : data.values) values[v.field] = v.value;
            json out = {{"id", data.info.id},
                        {"status", vault::to_string(data.info.status)},
                        {"relationship", vault::to_string(data.info.relationship)},
                        {"purpose", purpose->id},
                        {"values", values},
                        {"decision", decision_json(d)}};
            return json_response(200, out);
          });
    r.description =
        "The purpose is required; the access decision (actor, purpose, legal basis, consent, "
        "objection, restriction, retention window) is recorded in the audit log before any "
        "value is read; a denial is 403 with the reason code. " +
        describe(rules::kSubjectRead);
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/decisions", "decide",
                         "May the caller use this subject's data for this purpose now?", "access");
    r.body = body_of("The subject, the purpose and optionally the categories",
                     {{"subject_id", {{"type", "string"}}},
                      {"purpose", {{"type", "string"}}},
                      {"categories", kStrings}},
                     {"subject_id", "purpose"});
    r.replies = {{200, "The decision, with reason codes and a sentence", "application/json",
                  object_schema({{"allowed", {{"type", "boolean"}}},
                                 {"reasons", kStrings},
                                 {"sentence", {{"type", "string"}}},
                                 {"valid_until", {{"type", "string"}}}},
                                {"allowed", "reasons", "sentence"})}};
    guard(r, rules::kDecide, [&service, staff, &metrics](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"subject_id", "purpose", "categories"}));
      CHARTER_TRY(std::string subject_id, string_member(req.json, "subject_id", 64));
      CHARTER_TRY(std::string purpose, string_member(req.json, "purpose", 64));
      CHARTER_TRY(auto categories, categories_of(req.json));
      CHARTER_TRY(access::Actor actor, actor_of(*req.principal, staff));
      access::AccessRequest ar{purpose, std::move(categories)};
      CHARTER_TRY(access::Decision d, service.decide(actor, subject_id, ar, req.id));
      metrics.count(d.allowed, first_reason(d));
      return json_response(200, decision_json(d));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  if (ctx.index) {
    access::DecisionIndex& index = *ctx.index;
    access::DecisionLog& log = *ctx.decision_log;
    const Clock& clock = *ctx.clock;
    Route r = make_route(Method::kPost, "/v1/decisions/bulk", "decideBulk",
                         "Which of these subjects or e-mail addresses may be used for a purpose",
                         "access");
    r.body =
        body_of("The purpose and the subject ids or e-mail addresses (one per item)",
                {{"purpose", {{"type", "string"}}}, {"items", kStrings}}, {"purpose", "items"});
    r.replies = {{200, "One answer per item, in order, and the counts", "application/json",
                  object_schema({{"answers", {{"type", "array"}}},
                                 {"asked", {{"type", "integer"}}},
                                 {"allowed", {{"type", "integer"}}}},
                                {"answers", "asked", "allowed"})}};
    guard(r, rules::kDecide,
          [&index, &log, &clock, staff, &metrics](Request& req) -> Result<Response> {
            CHARTER_TRY_STATUS(check_members(req.json, {"purpose", "items"}));
            CHARTER_TRY(std::string purpose, string_member(req.json, "purpose", 64));
            CHARTER_TRY(auto items, string_array(req.json, "items", kMaxBulkLines, 512));
            CHARTER_TRY(access::Actor actor, actor_of(*req.principal, staff));
            std::vector<std::string_view> lines(items.begin(), items.end());
            CHARTER_TRY(auto answers, access::decide_bulk(index, log, clock, actor, {purpose, {}},
                                                          lines, req.id));
            json out = json::array();
            std::uint64_t allowed = 0;
            for (const auto& a : answers) {
              out.push_back({{"allowed", a.allowed}, {"reason", a.reason ? a.reason : ""}});
              if (a.allowed) ++allowed;
              metrics.count(a.allowed, a.reason ? a.reason : "");
            }
            return json_response(
                200, {{"answers", out}, {"asked", answers.size()}, {"allowed", allowed}});
          });
    r.params.push_back({std::string(kPurposeParam),
                        ParamIn::kQuery,
                        "The purpose (policy purpose id); required by the text/plain form, "
                        "ignored by the JSON form (which names it in the body)",
                        {{"type", "string"}},
                        false});
    r.replies.push_back(
        {200,
         "",
         "text/tab-separated-values",
         {{"type", "string"},
          {"description",
           "Text form: one line per non-blank input line, in order: "
           "`<line>\t<allowed|denied>\t<reason>` (`#<n>` instead of an invalid line), then "
           "`#end\tasked=<n>\tallowed=<m>`; or `#error\t<slug>\t<message>` if the stream "
           "fails. Act on the answers only when the last line is `#end`."}}});
    StreamForm form;
    form.media_types = {"text/plain"};
    form.response_type = "text/tab-separated-values; charset=utf-8";
    form.description =
        "Text form (Content-Type: text/plain, `purpose` in the query): one subject id or e-mail "
        "address per line (LF or CRLF), any number of lines, read and answered as it arrives "
        "(chunked answer); lines over 512 bytes are answered `#<n>\tdenied\tinvalid_input`";
    form.response_description = "Chunked text/tab-separated-values, one answer line per line";
    const policy::Policy& policy = *ctx.policy;
    form.open = [&index, &log, &clock, &policy, staff,
                 &metrics](Request& req) -> Result<std::unique_ptr<BodyStream>> {
      if (!req.principal) return make_error(Errc::kUnauthenticated, "no credential");
      CHARTER_TRY_STATUS(allow(*req.principal, rules::kDecide));
      CHARTER_TRY(const policy::Purpose* purpose, required_purpose(req, policy));
      if (!index.loaded()) return make_error(Errc::kUnavailable, "the decision index is loading");
      CHARTER_TRY(access::Actor actor, actor_of(*req.principal, staff));
      return std::unique_ptr<BodyStream>(std::make_unique<BulkStream>(
          index, log, clock, std::move(actor), purpose->id, req.id, metrics));
    };
    r.stream = std::move(form);
    r.description =
        "Answers come from the in-memory decision index, in order; blank items are skipped. One "
        "audit entry records the request (purpose, counts). JSON form: at most 100,000 items "
        "per request, within the body size limit. Text form (`Content-Type: text/plain`, "
        "`?purpose=`): streamed both ways, any number of lines, no body size limit (memory "
        "stays bounded), each read within the body timeout; the answer is chunked "
        "`text/tab-separated-values` ending with `#end` once the request is audited (docs/HTTP.md "
        "\"Streamed bulk decisions\"). " +
        describe(rules::kDecide);
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
