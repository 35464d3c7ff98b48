// Fuzz target: a request through the real API in process: every route `charter serve` has
// (build_api over open_serve_state on a throw-away SQLite data folder, made once per process),
// driven through the Pipeline as a connection does (route, authentication, JSON body limits,
// idempotency, the handler, problem+json). So each route's JSON body reader (http/json_input.h)
// and handler meet hostile bodies, targets and headers.
//
// Input: a first line "<who> <METHOD> <target>" then the body; who is "svc" (a service token
// bound to every purpose of the policy) or "dpo" (a staff member with every role); "SUBJ" in the
// target stands for a subject the world created at start (so inputs reach past the 404). The test
// authenticator maps those two bearer tokens to principals (no password hashing per input).
// Properties: no crash or sanitizer report; never a 500 (an exception in a handler is a bug);
// every response is a valid status.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "cli/serve_state.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/api.h"
#include "http/pipeline.h"
#include "http/target.h"
#include "policy/loader.h"
#include "spdlog/spdlog.h"

namespace {

using namespace charter;

class FuzzAuthenticator final : public http::Authenticator {
 public:
  explicit FuzzAuthenticator(const policy::Policy& policy) {
    service_.kind = http::Principal::Kind::kService;
    service_.id = "svc_0000000000000000000000000A";
    for (const auto& p : policy.purposes) service_.purposes.push_back(p.id);
    staff_.kind = http::Principal::Kind::kStaff;
    staff_.id = "stf_0000000000000000000000000A";
    staff_.roles = {"dpo", "support", "auditor", "sales", "accounting", "engineering"};
  }
  Result<http::Principal> authenticate(const http::Credentials& c) override {
    if (c.secret == "svc") return service_;
    if (c.secret == "dpo") return staff_;
    return make_error(Errc::kUnauthenticated, "unknown credential");
  }

 private:
  http::Principal service_;
  http::Principal staff_;
};

struct World {
  SystemClock clock;
  SystemRandom random;
  std::string dir;
  std::unique_ptr<cli::ServeState> state;
  std::unique_ptr<FuzzAuthenticator> auth;
  std::unique_ptr<http::Api> api;
  http::Limits limits;
  std::unique_ptr<http::Pipeline> pipeline;
  std::string subject;  // created at start
};

http::Response run(World* w, http::Request& req) {
  req.id = w->pipeline->new_request_id();
  auto early = w->pipeline->route(req);
  return early ? *early : w->pipeline->execute(req);
}

World* world() {
  static World* w = [] {
    spdlog::set_level(spdlog::level::off);  // one access-log line per input otherwise
    auto* w = new World;
    char tmpl[] = "/tmp/charter-fuzz-router.XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    w->dir = tmpl;
    cli::VaultOptions options;
    options.store.data = w->dir;
    options.store.policy = std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml";
    auto policy = policy::load_policy(options.store.policy);
    if (!policy.ok()) std::abort();
    auto shared = std::make_shared<const policy::Policy>(std::move(policy).value());
    auto state = cli::open_serve_state(options, shared, w->clock, w->random);
    if (!state.ok()) {
      std::fprintf(stderr, "open_serve_state: %s\n", state.error().to_string().c_str());
      std::abort();
    }
    w->state = std::move(state).value();
    w->auth = std::make_unique<FuzzAuthenticator>(*shared);
    http::ApiContext context;
    context.policy = shared;
    context.gpc_last_update = "2025-01-01";
    w->state->wire(context, w->clock);
    auto api = http::build_api(context);
    if (!api.ok()) std::abort();
    w->api = std::move(api).value();
    w->limits.credential = {1e9, 1e9};
    w->limits.anonymous = {1e9, 1e9};
    w->pipeline = std::make_unique<http::Pipeline>(w->api->router, w->auth.get(), w->clock,
                                                   w->random, *w->api->http_metrics, w->limits);
    http::Request create;
    create.method = http::Method::kPost;
    create.path = "/v1/subjects";
    create.segments = {"v1", "subjects"};
    create.headers.add("Authorization", "Bearer svc");
    create.headers.add("Content-Type", "application/json");
    create.body = R"({"purposes":["prospecting"],"fields":{"email":"fuzz@example.net"}})";
    auto made = run(w, create);
    auto body = nlohmann::json::parse(made.body, nullptr, false);
    if (made.status != 201 || !body.is_object() || !body.contains("id")) {
      std::fprintf(stderr, "creating the subject: %d %s\n", made.status, made.body.c_str());
      std::abort();
    }
    w->subject = body["id"].get<std::string>();
    // Registered last, so it runs before the destructors of statics made above (spdlog's):
    // the serve state's threads stop before the process tears down.
    std::atexit([] {
      World* x = world();
      x->pipeline.reset();
      x->api.reset();
      x->state.reset();
      std::filesystem::remove_all(x->dir);
    });
    return w;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World* w = world();
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto eol = in.find('\n');
  const std::string_view line = in.substr(0, eol);
  const std::string_view body = eol == std::string_view::npos ? "" : in.substr(eol + 1);
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return 0;
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return 0;
  std::string raw(line.substr(sp2 + 1));
  for (auto at = raw.find("SUBJ"); at != std::string::npos; at = raw.find("SUBJ", at)) {
    raw.replace(at, 4, w->subject);
  }
  auto target = http::parse_target(raw);
  if (!target.ok()) return 0;
  http::Request req;
  req.method = http::parse_method(line.substr(sp1 + 1, sp2 - sp1 - 1));
  req.path = target->path;
  req.segments = target->segments;
  req.query = target->query;
  req.headers.add("Authorization", "Bearer " + std::string(line.substr(0, sp1)));
  req.headers.add("Content-Type", "application/json");
  req.body = std::string(body);
  req.remote_ip = "192.0.2.1";
  http::Response res = run(w, req);
  if (res.status >= 500 && res.status != 503) {
    std::fprintf(stderr, "status %d: %s\n", res.status, res.body.c_str());
    std::abort();
  }
  if (res.status < 100 || res.status > 599) std::abort();
  return 0;
}
