// Data Rights Protocol over the real `charter serve` (docs/DRP.md), with a client that is an
// independent implementation: its own Ed25519 key pair made with OpenSSL (the server verifies
// with libsodium), trusted through `charter drp trust-agent`, signing every body. The agent pairs
// (POST /v1/agent), checks its token, submits access, deletion and sale:opt-out (both spellings,
// DRP 0.9.4 and 1.0), reads the status, revokes with DELETE, and the DPO's queue shows the
// requests. Refusals: tampered signature, unknown agent and token, expired, wrong version, each
// with the DRP error body (application/json, code as a string), not problem+json. SQLite, and
// PostgreSQL when CHARTER_TEST_PG_URL is set.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>

#include "e2e/api_client.h"
#include "e2e/dpo_server.h"
#include "e2e/server_process.h"
#include "store/testing.h"

namespace charter::testing {
namespace {

using nlohmann::json;

std::string b64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

// An agent's Ed25519 key pair (OpenSSL).
class AgentKey {
 public:
  AgentKey() {
    EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    if (c && EVP_PKEY_keygen_init(c) == 1) EVP_PKEY_keygen(c, &key_);
    EVP_PKEY_CTX_free(c);
  }
  ~AgentKey() { EVP_PKEY_free(key_); }
  AgentKey(const AgentKey&) = delete;
  AgentKey& operator=(const AgentKey&) = delete;

  std::string public_base64() const {
    unsigned char raw[32];
    std::size_t n = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key_, raw, &n) != 1) return "";
    return b64(raw, n);
  }
  // base64(signature || message), the DRP signed body.
  std::string sign(const std::string& message) const {
    unsigned char sig[64];
    std::size_t n = sizeof sig;
    EVP_MD_CTX* m = EVP_MD_CTX_new();
    bool ok = EVP_DigestSignInit(m, nullptr, nullptr, nullptr, key_) == 1 &&
              EVP_DigestSign(m, sig, &n, reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()) == 1;
    EVP_MD_CTX_free(m);
    if (!ok) return "";
    std::string combined(reinterpret_cast<char*>(sig), n);
    combined += message;
    return b64(reinterpret_cast<const unsigned char*>(combined.data()), combined.size());
  }
  std::string sign(const json& j) const { return sign(j.dump()); }

 private:
  EVP_PKEY* key_ = nullptr;
};

// ISO 8601 with "+00:00", as Python's isoformat() writes it.
std::string iso(std::chrono::seconds from_now) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr
};

struct Env : DpoServer {
  AgentKey key;    // trusted as AGENT_E2E
  AgentKey other;  // trusted by nobody
  std::string token;
};

constexpr const char* kAgent = "AGENT_E2E";

class Drp : public SharedServerSuite<Env> {
 protected:
  void prepare(Env& env) override {
    // The operator trusts the agent out of band.
    CliRun t = cli("drp trust-agent " + std::string(kAgent) + " " + env.key.public_base64() +
                   " --name 'E2E agent'");
    ASSERT_EQ(t.code, 0) << t.out;
    EXPECT_NE(t.out.find(std::string("trusted\t") + kAgent), std::string::npos) << t.out;
  }

  CliRun cli(const std::string& args) {
    // The data folder holds the keys of the audit trail, also with --database.
    std::string store = " --data " + env_->server->dir() + "/data";
    if (GetParam() == "postgres") store += " --database '" + env_->pg->target() + "'";
    std::string cmd = std::string(CHARTER_BINARY) + " " + args + store + " --policy " +
                      default_policy() + " 2>&1";
    CliRun r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) r.out += buf;
    int st = pclose(p);
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
  }

  // A DRP call: text/plain signed body, the bearer token when given.
  Reply drp(const std::string& method, const std::string& target, const std::string& body,
            const std::string& token = "") {
    std::string headers = "Content-Type: text/plain\r\n";
    if (!token.empty()) headers += "Authorization: Bearer " + token + "\r\n";
    RawClient c(env_->port());
    Reply r;
    auto res = c.request(method, target, headers, body);
    if (!res) return r;
    r.status = res->status;
    r.raw = *res;
    r.body = json::parse(res->body, nullptr, false);
    if (r.body.is_discarded()) r.body = nullptr;
    return r;
  }

  json claims(const std::string& exercise = "access", const std::string& version = "1.0") {
    return {{"agent-id", kAgent},
            {"business-id", "OXEMIS_SARL"},
            {"issued-at", iso(std::chrono::seconds(-2))},
            {"expires-at", iso(std::chrono::seconds(600))},
            {"drp.version", version},
            {"exercise", exercise},
            {"regime", "ccpa"},
            {"relationships", {"customer"}},
            {"agent-request-id", "e2e-" + exercise + "-" + version},
            {"email", "drp-user." + GetParam() + "@example.net"},
            {"email_verified", true}};
  }

  std::string pair() {
    json c = claims();
    for (const char* k :
         {"exercise", "regime", "relationships", "agent-request-id", "email", "email_verified"})
      c.erase(k);
    auto r = drp("POST", std::string("/v1/agent/") + kAgent, env_->key.sign(c));
    EXPECT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(r.raw.header("content-type"), "application/json");
    EXPECT_EQ(r.body.value("agent-id", ""), kAgent);
    return r.body.is_object() ? r.body.value("token", "") : "";
  }

  const std::string& token() {
    if (env_->token.empty()) env_->token = pair();
    return env_->token;
  }

  void expect_error(const Reply& r, int status, bool fatal = false) {
    EXPECT_EQ(r.status, status) << r.raw.body;
    EXPECT_EQ(r.raw.header("content-type"), "application/json") << "not problem+json";
    ASSERT_TRUE(r.body.is_object()) << r.raw.body;
    EXPECT_EQ(r.body["code"], std::to_string(status)) << "code is the status as a string";
    EXPECT_TRUE(r.body["message"].is_string());
    if (fatal) {
      EXPECT_EQ(r.body.value("fatal", false), true);
    }
  }
};

TEST_P(Drp, CliChecksKeysAndListsAgents) {
  CliRun bad = cli("drp trust-agent AGENT_X not-a-key");
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("PUBLIC_KEY_BASE64"), std::string::npos) << bad.out;
  CliRun short_key = cli("drp trust-agent AGENT_X AAAA");
  EXPECT_EQ(short_key.code, 2) << short_key.out;
  EXPECT_NE(short_key.out.find("32 bytes"), std::string::npos) << short_key.out;
  CliRun list = cli("drp agents");
  ASSERT_EQ(list.code, 0) << list.out;
  EXPECT_NE(list.out.find(std::string(kAgent) + "\t" + env_->key.public_base64()),
            std::string::npos)
      << list.out;
  EXPECT_EQ(list.out.find("AGENT_X"), std::string::npos);
  CliRun business = cli("drp business-id");
  ASSERT_EQ(business.code, 0) << business.out;
  EXPECT_EQ(business.out, "OXEMIS_SARL\n");
}

TEST_P(Drp, SignedRequestsEndToEnd) {
  const std::string tok = token();
  ASSERT_FALSE(tok.empty());
  auto info = drp("GET", std::string("/v1/agent/") + kAgent, "", tok);
  EXPECT_EQ(info.status, 200) << info.raw.body;
  EXPECT_EQ(info.body, json::object());

  struct Case {
    std::string exercise, version, type;
  };
  const std::vector<Case> cases = {
      {"access", "1.0", "access"},          {"deletion", "0.9.4", "erasure"},
      {"sale:opt-out", "1.0", "objection"}, {"sale:opt_out", "0.9.4", "objection"},
      {"sale:opt_out", "1.0", "objection"}, {"access", "0.9.4", "access"}};
  std::map<std::string, std::string> ids;  // request id -> right
  for (const auto& k : cases) {
    auto r =
        drp("POST", "/v1/data-rights-request", env_->key.sign(claims(k.exercise, k.version)), tok);
    ASSERT_EQ(r.status, 200) << k.exercise << " " << k.version << ": " << r.raw.body;
    EXPECT_EQ(r.raw.header("content-type"), "application/json");
    EXPECT_EQ(r.body["status"], "in_progress");
    EXPECT_EQ(r.body["agent_request_id"], "e2e-" + k.exercise + "-" + k.version);
    EXPECT_TRUE(r.body.contains("expected_by"));
    ids[r.body["request_id"]] = k.type;
    auto s =
        drp("GET", "/v1/data-rights-request/" + r.body["request_id"].get<std::string>(), "", tok);
    ASSERT_EQ(s.status, 200) << s.raw.body;
    EXPECT_EQ(s.body["request_id"], r.body["request_id"]);
    EXPECT_EQ(s.body["status"], "in_progress");
  }
  // Revoke one (signed body with a reason).
  const std::string revoked = ids.begin()->first;
  auto rev = drp("DELETE", "/v1/data-rights-request/" + revoked,
                 env_->key.sign(json{{"reason", "The user changed their mind"}}), tok);
  ASSERT_EQ(rev.status, 200) << rev.raw.body;
  EXPECT_EQ(rev.body["status"], "revoked");
  EXPECT_EQ(drp("GET", "/v1/data-rights-request/" + revoked, "", tok).body["status"], "revoked");

  // The DPO's queue sees every request, with its right, from the agents' channel.
  auto queue = call(env_->port(), "GET", "/v1/rights/queue", env_->dpo);
  ASSERT_EQ(queue.status, 200) << queue.body.dump();
  std::size_t seen = 0;
  for (const auto& q : queue.body["requests"]) {
    auto it = ids.find(q.value("request_id", ""));
    if (it == ids.end()) continue;
    ++seen;
    EXPECT_EQ(q["type"], it->second);
    EXPECT_EQ(q["channel"], "authorized_agent");
    EXPECT_EQ(q["state"], it->first == revoked ? "refused" : "in_progress");
  }
  EXPECT_EQ(seen, ids.size());

  // An unverified address: a code is e-mailed; the status says the user must verify.
  json unverified = claims("deletion");
  unverified["email"] = "unverified." + GetParam() + "@example.net";
  unverified.erase("email_verified");
  auto u = drp("POST", "/v1/data-rights-request", env_->key.sign(unverified), tok);
  ASSERT_EQ(u.status, 200) << u.raw.body;
  EXPECT_EQ(u.body["status"], "in_progress");
  EXPECT_EQ(u.body["reason"], "need_user_verification");

  // The routes are in the OpenAPI document.
  auto doc = call(env_->port(), "GET", "/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  for (const char* p : {"/v1/agent/{agent_id}", "/v1/data-rights-request",
                        "/v1/data-rights-request/{request_id}"}) {
    EXPECT_TRUE(doc.body["paths"].contains(p)) << p;
  }
}

TEST_P(Drp, RefusalsCarryTheSpecCodes) {
  const std::string tok = token();
  ASSERT_FALSE(tok.empty());
  // Tampered signature: one character of the signed body changed.
  std::string body = env_->key.sign(claims());
  body[100] = body[100] == 'A' ? 'B' : 'A';
  expect_error(drp("POST", "/v1/data-rights-request", body, tok), 403);
  // Signed by a key nobody trusts.
  expect_error(drp("POST", "/v1/data-rights-request", env_->other.sign(claims()), tok), 403);
  // Unknown agent: the pair-wise setup is 403 with no body (DRP 2.05.1).
  json unknown = claims();
  unknown["agent-id"] = "AGENT_NOBODY";
  auto setup = drp("POST", "/v1/agent/AGENT_NOBODY", env_->other.sign(unknown));
  EXPECT_EQ(setup.status, 403);
  EXPECT_TRUE(setup.raw.body.empty()) << setup.raw.body;
  // Unknown token, no token.
  expect_error(drp("POST", "/v1/data-rights-request", env_->key.sign(claims()), "drpt_nope"), 403);
  expect_error(drp("POST", "/v1/data-rights-request", env_->key.sign(claims())), 401);
  expect_error(drp("GET", std::string("/v1/agent/") + kAgent, "", "drpt_nope"), 403);
  // Expired: fatal.
  json expired = claims();
  expired["issued-at"] = iso(std::chrono::seconds(-1200));
  expired["expires-at"] = iso(std::chrono::seconds(-600));
  expect_error(drp("POST", "/v1/data-rights-request", env_->key.sign(expired), tok), 403, true);
  // Wrong version.
  expect_error(
      drp("POST", "/v1/data-rights-request", env_->key.sign(claims("access", "0.9.3")), tok), 400);
  // Not base64; unsupported action.
  expect_error(drp("POST", "/v1/data-rights-request", "{\"agent-id\": \"x\"}", tok), 400);
  expect_error(drp("POST", "/v1/data-rights-request", env_->key.sign(claims("sale:opt-in")), tok),
               400);
  // Another agent's (or an unknown) request id.
  expect_error(drp("GET", "/v1/data-rights-request/dsr_unknown", "", tok), 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, Drp, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace charter::testing
