#include "drp/service.h"

#include <variant>

#include "core/id.h"
#include "crypto/hash.h"
#include "rights/answer.h"
#include "vault/normalize.h"

namespace charter::drp {
namespace {

using nlohmann::json;

std::int64_t us(Timestamp t) { return to_unix_micros(t); }

std::string actor_of(const std::string& agent_id) {
  return agent_id.empty() ? std::string("drp") : "drp:" + agent_id;
}

// Rights transitions are made by the component "drp" (the queue takes [a-z0-9_] names); the
// agent is named by the "drp.exercise" / "drp.revoke" audit entries with the same request id.
rights::Actor rights_actor() { return rights::Actor{rights::Actor::Kind::kSystem, "drp"}; }

DrpReply error_reply(int status, std::string check, std::string message, bool fatal = false) {
  DrpReply r;
  r.status = status;
  r.check = std::move(check);
  r.body = {{"code", std::to_string(status)}, {"message", std::move(message)}};
  if (fatal) r.body["fatal"] = true;
  return r;
}

// An optional string claim of at most `max` bytes: nullopt when absent, an error when malformed.
Result<std::optional<std::string>> optional_claim(const json& c, const char* name,
                                                  std::size_t max) {
  auto it = c.find(name);
  if (it == c.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string() || it->get_ref<const std::string&>().size() > max) {
    return make_error(Errc::kInvalidArgument, std::string(name) + ": a string of at most " +
                                                  std::to_string(max) + " bytes");
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<DrpLink> read_link(const store::Row& row) {
  DrpLink l;
  CHARTER_TRY(auto id, row[0].as_text(0));
  l.request_id = std::string(id);
  CHARTER_TRY(auto agent, row[1].as_text(1));
  l.agent_id = std::string(agent);
  CHARTER_TRY(auto arid, row[2].as_text(2));
  l.agent_request_id = std::string(arid);
  CHARTER_TRY(auto version, row[3].as_text(3));
  l.version = std::string(version);
  CHARTER_TRY(auto exercise, row[4].as_text(4));
  l.exercise = std::string(exercise);
  CHARTER_TRY(auto regime, row[5].as_text(5));
  l.regime = std::string(regime);
  CHARTER_TRY(auto cb, row[6].as_text(6));
  l.status_callback = std::string(cb);
  CHARTER_TRY(auto at, row[7].as_int(7));
  l.created_at = from_unix_micros(at);
  return l;
}

std::string refusal_actor(AgentRegistry& agents, const Refusal& r, const Call& call) {
  // The agent is known once its token is: its id goes in the refusal's audit entry.
  if (r.check == "no_token" || r.check == "unknown_token" || r.check == "not_base64" ||
      r.check == "not_signed") {
    return "drp";
  }
  if (auto t = bearer_token(call.authorization)) {
    if (auto a = agents.agent_of_token(*t); a && *a) return actor_of((*a)->id);
  }
  return "drp";
}

constexpr std::string_view kLinkColumns =
    "request_id, agent_id, agent_request_id, drp_version, exercise, regime, status_callback, "
    "created_at";

}  // namespace

std::optional<rights::RightType> right_of(std::string_view exercise) {
  if (exercise == "access") return rights::RightType::kAccess;
  if (exercise == "deletion") return rights::RightType::kErasure;
  if (exercise == "sale:opt-out" || exercise == "sale:opt_out") {
    return rights::RightType::kObjection;
  }
  return std::nullopt;
}

DrpService::DrpService(DrpDeps deps, DrpOptions options, const Clock& clock)
    : d_(std::move(deps)),
      options_(std::move(options)),
      clock_(clock),
      checker_(*d_.agents, clock) {
  // The policy's channel for authorised agents when it declares one.
  channel_ = d_.queue->policy().find_channel("authorized_agent") ? "authorized_agent" : "api";
}

Result<std::string> DrpService::business_id() {
  CHARTER_TRY(auto set, d_.agents->business_id());
  return set ? *set : options_.default_business_id;
}

void DrpService::audit(const std::string& actor_id, std::string action, audit::Decision decision,
                       std::string reason, const Call& call, std::string_view request_id) {
  if (!d_.audit) return;
  audit::AuditEvent e;
  e.actor = {audit::ActorKind::kSystem, actor_id, ""};
  e.action = std::move(action);
  e.decision = decision;
  e.reason = std::move(reason);
  if (!request_id.empty()) {
    e.request_id = std::string(request_id);
  } else if (call.http_request_id.size() <= 64) {
    e.request_id = std::string(call.http_request_id);
  }
  Status st = d_.audit({std::move(e)});
  (void)st;  // a refusal is answered even when the log cannot be written
}

DrpReply DrpService::refused(const Refusal& r, const std::string& actor_id, const Call& call) {
  audit(actor_id, "drp.refused", audit::Decision::kDeny, r.check, call);
  return error_reply(r.status, r.check, r.message, r.fatal);
}

DrpReply DrpService::failed(const Error& e, const std::string& actor_id, const Call& call) {
  const int status = charter::http_status(e.code);
  std::string check = status == 429 ? "rate_limited" : status >= 500 ? "unavailable" : "refused";
  if (status < 500) audit(actor_id, "drp.refused", audit::Decision::kDeny, check, call);
  // Store and outbox messages name tables or limits, never personal data.
  return error_reply(status, std::move(check),
                     status == 500 ? std::string("internal error") : e.message);
}

std::variant<Agent, Refusal> DrpService::token_agent(const Call& call) {
  auto bearer = bearer_token(call.authorization);
  if (!bearer) {
    return Refusal{401, "no_token",
                   "Authorization: a bearer token from POST /v1/agent/{agent-id} is required"};
  }
  auto a = d_.agents->agent_of_token(*bearer);
  if (!a) return Refusal{503, "unavailable", "the agent registry cannot be read now; retry later"};
  if (!*a) {
    return Refusal{403, "unknown_token",
                   "bearer token: unknown or revoked; get a new one with POST /v1/agent/{id}"};
  }
  return std::move(**a);
}

DrpReply DrpService::pair(std::string_view path_agent, const Call& call) {
  auto business = business_id();
  if (!business) return failed(business.error(), "drp", call);
  Checked c = checker_.check(Kind::kSetup, std::nullopt, path_agent, *business, call.body);
  if (c.refusal) {
    if (c.refusal->status >= 500) return error_reply(503, "unavailable", c.refusal->message);
    // The path names a trusted agent once its key was found (checks after the lookup).
    const std::string& check = c.refusal->check;
    const bool known = check != "unknown_agent" && check != "not_base64" && check != "not_signed";
    DrpReply r = refused(*c.refusal, actor_of(known ? std::string(path_agent) : ""), call);
    // DRP 2.05.1: a failed validation is 403 with no response body.
    r.status = 403;
    r.no_body = true;
    return r;
  }
  const std::string actor = actor_of(c.ok.agent.id);
  auto token = d_.agents->issue_token(c.ok.agent.id);
  if (!token) return failed(token.error(), actor, call);
  audit(actor, "drp.token_issued", audit::Decision::kAllow, "pairwise_setup", call);
  DrpReply r;
  r.body = {{"agent-id", c.ok.agent.id}, {"token", *token}};
  return r;
}

DrpReply DrpService::agent_info(std::string_view path_agent, const Call& call) {
  auto agent = token_agent(call);
  if (auto* r = std::get_if<Refusal>(&agent)) {
    if (r->status >= 500) return error_reply(r->status, r->check, r->message);
    return refused(*r, "drp", call);
  }
  const Agent& a = std::get<Agent>(agent);
  if (a.id != path_agent) {
    return refused(Refusal{403, "agent_mismatch", "agent-id: not the agent of the bearer token"},
                   actor_of(a.id), call);
  }
  return DrpReply{};
}

DrpReply DrpService::exercise(const Call& call) {
  auto business = business_id();
  if (!business) return failed(business.error(), "drp", call);
  Checked c =
      checker_.check(Kind::kExercise, bearer_token(call.authorization), "", *business, call.body);
  if (c.refusal) {
    if (c.refusal->status >= 500) return error_reply(503, "unavailable", c.refusal->message);
    return refused(*c.refusal, refusal_actor(*d_.agents, *c.refusal, call), call);
  }
  const Agent& agent = c.ok.agent;
  const json& claims = c.ok.claims;
  const std::string actor = actor_of(agent.id);

  // The rights action.
  std::string exercise;
  if (auto it = claims.find("exercise"); it != claims.end() && it->is_string()) {
    exercise = it->get<std::string>();
  }
  auto type = right_of(exercise);
  if (!type) {
    return refused(Refusal{400, "unsupported_exercise",
                           "Unsupported rights actions submitted. exercise: access, deletion or "
                           "sale:opt-out (sale:opt_out) are supported"},
                   actor, call);
  }
  auto agent_request_id = optional_claim(claims, "agent-request-id", 200);
  if (!agent_request_id)
    return refused({400, "bad_claim", agent_request_id.error().message}, actor, call);
  auto regime = optional_claim(claims, "regime", 32);
  if (!regime) return refused({400, "bad_claim", regime.error().message}, actor, call);
  auto callback = optional_claim(claims, "status_callback", 2000);
  if (!callback) return refused({400, "bad_claim", callback.error().message}, actor, call);
  if (*callback && !(*callback)->starts_with("https://")) {
    return refused({400, "bad_claim", "status_callback: an https:// URL"}, actor, call);
  }
  if (auto it = claims.find("relationships"); it != claims.end()) {
    bool ok = it->is_array() && it->size() <= 32;
    if (ok) {
      for (const auto& e : *it)
        ok = ok && e.is_string() && e.get_ref<const std::string&>().size() <= 64;
    }
    if (!ok) {
      return refused({400, "bad_claim", "relationships: a list of at most 32 short strings"}, actor,
                     call);
    }
  }
  // Identity (DRP 3.04): the e-mail address, attested or to be verified by a code.
  auto email_claim = optional_claim(claims, "email", 254);
  if (!email_claim || !*email_claim) {
    return refused({400, "no_identity",
                    "email: the user's e-mail address is required (DRP 3.04); answers are sent "
                    "to it"},
                   actor, call);
  }
  auto email = vault::normalize_email(**email_claim);
  if (!email)
    return refused({400, "no_identity", "email: not a valid e-mail address"}, actor, call);
  bool attested = false;
  if (auto it = claims.find("email_verified"); it != claims.end()) {
    if (!it->is_boolean()) {
      return refused({400, "bad_claim", "email_verified: true or false"}, actor, call);
    }
    attested = it->get<bool>();
  }

  // A body already used answers the status of the request it created (a retry, not a new one).
  const std::string sig_hash = to_hex(crypto::sha256(crypto::ByteView(c.ok.body.signature)));
  {
    auto tx = d_.agents->store().read();
    if (!tx) return failed(tx.error(), actor, call);
    auto row = tx->query_one(
        "SELECT " + std::string(kLinkColumns) + " FROM drp_requests WHERE signature_hash = ?",
        {sig_hash});
    if (!row) return failed(row.error(), actor, call);
    if (*row) {
      auto l = read_link(**row);
      if (!l) return failed(l.error(), actor, call);
      if (l->agent_id != agent.id) {
        return refused({403, "agent_mismatch", "this signed body belongs to another agent"}, actor,
                       call);
      }
      return status_reply(*l);
    }
  }

  rights::NewRequest n;
  n.type = *type;
  n.requester = attested ? rights::Requester::kAgent : rights::Requester::kSubject;
  n.channel = channel_;
  n.language = options_.language;
  n.email = *email;
  n.text = "Data Rights Protocol " + c.ok.version + ": " + exercise +
           " from the authorised agent " + agent.id +
           (*regime ? " (regime " + **regime + ")" : std::string());
  json params = {{"drp_exercise", exercise}};
  if (*type == rights::RightType::kObjection) params["scope"] = "any_transfer";
  n.params_json = params.dump();

  const rights::Actor by = rights_actor();
  Result<rights::Request> made = make_error(Errc::kInternal, "unset");
  if (attested) {
    made = d_.queue->create(n, by, "drp_intake");
    if (!made) return failed(made.error(), actor, call);
    auto ids = d_.vault->find("email", *email);
    if (!ids) return failed(ids.error(), actor, call);
    rights::Changes ch;
    ch.verified = true;
    ch.subject_id = ids->empty() ? std::string() : ids->front();
    ch.proof = rights::ProofState::kAccepted;
    ch.proof_document = std::string(call.body);
    made = d_.queue->transition(made->id, rights::State::kInProgress, by, "agent_attested", {}, ch);
    if (!made) return failed(made.error(), actor, call);
    if (d_.retention && !made->subject_id.empty()) {
      Status st = d_.retention->reindex(made->subject_id);
      (void)st;  // rebuilt by the next sweep if this fails
    }
  } else {
    if (d_.outbox == nullptr || d_.verifier == nullptr) {
      return failed(make_error(Errc::kUnavailable,
                               "outbox not configured: the user's address cannot be verified"),
                    actor, call);
    }
    if (Status st = d_.verifier->admit(*email, ""); !st.ok())
      return failed(st.error(), actor, call);
    made = d_.queue->create(n, by, "drp_intake");
    if (!made) return failed(made.error(), actor, call);
    auto code = d_.verifier->issue(made->id);
    if (!code) return failed(code.error(), actor, call);
    const int ttl = static_cast<int>(d_.verifier->options().code_ttl.count());
    auto sent = d_.outbox->send_email(rights::code_email(d_.queue->policy(), *made, *code, ttl));
    if (!sent) return failed(sent.error(), actor, call);
    made = d_.queue->transition(made->id, rights::State::kAwaitingVerification, by, "code_sent");
    if (!made) return failed(made.error(), actor, call);
  }

  DrpLink link;
  link.request_id = made->id;
  link.agent_id = agent.id;
  link.agent_request_id = agent_request_id->value_or("");
  link.version = c.ok.version;
  link.exercise = exercise;
  link.regime = regime->value_or("");
  link.status_callback = callback->value_or("");
  link.created_at = made->created_at;
  auto tx = d_.agents->store().write();
  if (!tx) return failed(tx.error(), actor, call);
  auto ins = tx->exec(
      "INSERT INTO drp_requests (request_id, agent_id, agent_request_id, drp_version, exercise, "
      "regime, status_callback, signature_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {link.request_id, link.agent_id, link.agent_request_id, link.version, link.exercise,
       link.regime, link.status_callback, sig_hash, us(link.created_at)});
  if (!ins) return failed(ins.error(), actor, call);
  if (Status st = tx->commit(); !st.ok()) return failed(st.error(), actor, call);
  audit(actor, "drp.exercise", audit::Decision::kAllow, rights::to_string(*type), call, made->id);
  return DrpReply{200, status_object(*made, link, ""), false, ""};
}

Result<std::optional<DrpLink>> DrpService::link(std::string_view request_id) {
  CHARTER_TRY(auto tx, d_.agents->store().read());
  CHARTER_TRY(auto row, tx.query_one("SELECT " + std::string(kLinkColumns) +
                                         " FROM drp_requests WHERE request_id = ?",
                                     {request_id}));
  if (!row) return std::optional<DrpLink>();
  CHARTER_TRY(DrpLink l, read_link(*row));
  return std::optional<DrpLink>(std::move(l));
}

DrpReply DrpService::status_reply(const DrpLink& link) {
  auto r = d_.queue->get(link.request_id);
  if (!r)
    return error_reply(charter::http_status(r.error().code), "unavailable", r.error().message);
  std::string closing;
  if (rights::is_final(r->state)) {
    auto h = d_.queue->history(link.request_id);
    if (!h)
      return error_reply(charter::http_status(h.error().code), "unavailable", h.error().message);
    if (!h->empty()) closing = h->back().reason;
  }
  return DrpReply{200, status_object(*r, link, closing), false, ""};
}

DrpReply DrpService::status(std::string_view request_id, const Call& call) {
  auto agent = token_agent(call);
  if (auto* r = std::get_if<Refusal>(&agent)) {
    if (r->status >= 500) return error_reply(r->status, r->check, r->message);
    return refused(*r, "drp", call);
  }
  const Agent& a = std::get<Agent>(agent);
  auto l = link(request_id);
  if (!l) return failed(l.error(), actor_of(a.id), call);
  // Unknown ids and other agents' requests look alike (DRP 2.02.1: 403).
  if (!*l || (*l)->agent_id != a.id) {
    return refused({403, "not_agents_request", "request_id: not a request of this agent"},
                   actor_of(a.id), call);
  }
  return status_reply(**l);
}

DrpReply DrpService::revoke(std::string_view request_id, const Call& call) {
  auto business = business_id();
  if (!business) return failed(business.error(), "drp", call);
  Checked c =
      checker_.check(Kind::kRevoke, bearer_token(call.authorization), "", *business, call.body);
  if (c.refusal) {
    if (c.refusal->status >= 500) return error_reply(503, "unavailable", c.refusal->message);
    return refused(*c.refusal, refusal_actor(*d_.agents, *c.refusal, call), call);
  }
  const Agent& a = c.ok.agent;
  const std::string actor = actor_of(a.id);
  auto reason = optional_claim(c.ok.claims, "reason", 2000);
  if (!reason) return refused({400, "bad_claim", reason.error().message}, actor, call);
  auto l = link(request_id);
  if (!l) return failed(l.error(), actor, call);
  if (!*l || (*l)->agent_id != a.id) {
    return refused({403, "not_agents_request", "request_id: not a request of this agent"}, actor,
                   call);
  }
  auto r = d_.queue->get(request_id);
  if (!r) return failed(r.error(), actor, call);
  if (rights::is_final(r->state)) {
    DrpReply now = status_reply(**l);
    // Revoking a revoked request again is a retry: the same answer.
    if (now.status == 200 && now.body.value("status", "") == "revoked") return now;
    return refused({409, "final",
                    std::string("request is ") + now.body.value("status", "closed") +
                        ": it can no longer be revoked"},
                   actor, call);
  }
  auto after = d_.queue->transition(request_id, rights::State::kRefused, rights_actor(), "revoked",
                                    reason->value_or(""));
  if (!after) return failed(after.error(), actor, call);
  audit(actor, "drp.revoke", audit::Decision::kAllow, "revoked", call, request_id);
  return status_reply(**l);
}

}  // namespace charter::drp
