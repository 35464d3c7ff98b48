#include "drp/checks.h"

#include "drp/iso8601.h"

namespace charter::drp {
namespace {

Checked refuse(int status, std::string check, std::string message, bool fatal = false) {
  Checked c;
  c.refusal = Refusal{status, std::move(check), std::move(message), fatal};
  return c;
}

// The string claim `name`: nullopt when absent; a refusal when present but not a string.
std::optional<Checked> string_claim(const nlohmann::json& claims, const char* name, bool required,
                                    std::string& out) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    if (required) {
      return refuse(400, "missing_claim", std::string(name) + ": required claim is missing");
    }
    return std::nullopt;
  }
  if (!it->is_string()) {
    return refuse(400, "missing_claim", std::string(name) + ": must be a string");
  }
  out = it->get<std::string>();
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> bearer_token(std::optional<std::string_view> authorization) {
  if (!authorization) return std::nullopt;
  std::string_view v = *authorization;
  if (v.size() < 7) return std::nullopt;
  for (std::size_t i = 0; i < 6; ++i) {
    char c = v[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != "bearer"[i]) return std::nullopt;
  }
  if (v[6] != ' ') return std::nullopt;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return v;
}

Checked Checker::check(Kind kind, std::optional<std::string_view> bearer,
                       std::string_view path_agent, std::string_view business_id,
                       std::string_view text) {
  const bool all_required = kind != Kind::kRevoke;
  // 1. The message decodes from base64 into a binary buffer.
  auto body = decode_signed_body(text);
  if (!body) {
    const bool short_body = body.error().message.find("too short") != std::string::npos;
    return refuse(400, short_body ? "not_signed" : "not_base64", body.error().message);
  }
  // 2. The signature validates with the key of the agent presented (bearer token, or the path
  // of the pair-wise setup, which has no token yet).
  std::optional<Agent> agent;
  if (kind == Kind::kSetup) {
    auto a = agents_.find(path_agent);
    if (!a) return refuse(503, "store", "the agent registry cannot be read now; retry later");
    if (!*a) return refuse(403, "unknown_agent", "agent-id: not an agent this business trusts");
    agent = std::move(*a);
  } else {
    if (!bearer) {
      return refuse(401, "no_token",
                    "Authorization: a bearer token from POST /v1/agent/{agent-id} is required");
    }
    auto a = agents_.agent_of_token(*bearer);
    if (!a) return refuse(503, "store", "the agent registry cannot be read now; retry later");
    if (!*a) {
      return refuse(403, "unknown_token",
                    "bearer token: unknown or revoked; get a new one with POST /v1/agent/{id}");
    }
    agent = std::move(*a);
  }
  if (!verify_signed_body(*body, agent->verify_key)) {
    return refuse(403, "bad_signature",
                  "signature: does not verify with the verify key of the agent");
  }
  auto claims = parse_claims(body->message);
  if (!claims) return refuse(400, "bad_json", claims.error().message);
  const nlohmann::json& c = *claims;

  // 3. The agent-id claim is the agent of the token (or of the path).
  std::string agent_id;
  if (auto r = string_claim(c, "agent-id", all_required, agent_id)) return std::move(*r);
  if (c.contains("agent-id") && agent_id != agent->id) {
    return refuse(403, "agent_mismatch",
                  "agent-id: not the agent of the bearer token (or of the path)");
  }
  // 4. The business-id claim is this Covered Business.
  std::string business;
  if (auto r = string_claim(c, "business-id", all_required, business)) return std::move(*r);
  if (c.contains("business-id") && business != business_id) {
    return refuse(403, "business_mismatch", "business-id: not this Covered Business");
  }
  const Timestamp now = clock_.now();
  // 5. Now is after issued-at.
  std::string issued;
  if (auto r = string_claim(c, "issued-at", all_required, issued)) return std::move(*r);
  if (c.contains("issued-at")) {
    auto t = parse_iso8601(issued);
    if (!t) return refuse(400, "bad_time", "issued-at: " + t.error().message);
    if (now < *t) {
      return refuse(403, "issued_in_future",
                    "issued-at: in the future (is the agent's clock ahead?)");
    }
  }
  // 6. Now is before expires-at.
  std::string expires;
  if (auto r = string_claim(c, "expires-at", all_required, expires)) return std::move(*r);
  if (c.contains("expires-at")) {
    auto t = parse_iso8601(expires);
    if (!t) return refuse(400, "bad_time", "expires-at: " + t.error().message);
    if (now >= *t) {
      return refuse(403, "expired", "expires-at: the request has expired; sign a new one", true);
    }
  }
  // Outside 3.07: the protocol version.
  std::string version;
  if (auto r = string_claim(c, "drp.version", all_required, version)) {
    r->refusal->check = "unsupported_version";
    return std::move(*r);
  }
  if (c.contains("drp.version") && version != kVersion094 && version != kVersion10) {
    return refuse(400, "unsupported_version", "drp.version: \"0.9.4\" or \"1.0\" is supported");
  }
  Checked ok;
  ok.ok.agent = std::move(*agent);
  ok.ok.body = std::move(*body);
  ok.ok.claims = std::move(*claims);
  ok.ok.version = std::move(version);
  return ok;
}

}  // namespace charter::drp
