// charter serve --policy FILE --data DIR [--database URL] [--listen HOST:PORT]
//               [--tls-cert F --tls-key F] [limits...]
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/serve_state.h"
#include "cli/vault_cli.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/api.h"
#include "http/server.h"
#include "policy/loader.h"
#include "policy/version.h"
#include "store/open.h"
#ifdef CHARTER_HAVE_WEB
#include "web/web_routes.h"
#endif

namespace charter::cli {

namespace {

struct ServeOptions {
  VaultOptions vault;
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert, tls_key;
  int threads = 0;
  int workers = 0;
  std::size_t max_connections = 4096;
  std::size_t max_body = 1024 * 1024;
  double rate_anonymous = 20;
  double rate_credential = 10'000;
  int grace_seconds = 10;
  int sweep_every = 3600;  // seconds between retention sweeps (0: none)
  int outbox_retry = 30;   // seconds before the first retry of a refused delivery
  NotifyConfig notify;     // outbox delivery: .eml files in <data>/outbox unless --smtp-url
  double header_timeout = 10, body_timeout = 30, idle_timeout = 60;
  std::string log_level = "info";
};

// "HOST:PORT" or "[V6]:PORT".
Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& s) {
  auto bad = make_error(Errc::kInvalidArgument,
                        "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
  std::size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad;
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return bad;
  }
  return std::make_pair(host, static_cast<std::uint16_t>(std::stoi(port)));
}

// The date the policy file last changed, for /.well-known/gpc.json.
std::string policy_date(const std::string& path, const Clock& clock) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return format_date(date_of(clock.now()));
  return format_date(date_of(from_unix_micros(static_cast<int64_t>(st.st_mtime) * 1'000'000)));
}

// stderr with a buffer: spdlog's stderr sink flushes every line (one write(2) per request,
// a third of the ceiling in docs/BENCHMARKS.md "HTTP"). Lines are written when 32 KiB are
// buffered, every second, and at once for warnings and errors.
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (buffer_.size() >= 32 * 1024) flush_();
  }
  void flush_() override {
    const char* p = buffer_.data();
    std::size_t n = buffer_.size();
    while (n > 0) {
      ssize_t w = ::write(STDERR_FILENO, p, n);
      if (w <= 0) break;
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    buffer_.clear();
  }

 private:
  spdlog::memory_buf_t buffer_;
};

void setup_logging(const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("charter", std::make_shared<BufferedStderrSink>());
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
}

int serve(const ServeOptions& o) {
  auto loaded = policy::check_policy_file(o.vault.store.policy);
  if (!loaded.policy) {
    for (auto& issue : loaded.issues) std::fprintf(stderr, "%s\n", issue.to_string().c_str());
    std::fprintf(stderr, "charter: %zu problem(s); the policy is not valid; not starting\n",
                 loaded.issues.size());
    return 2;
  }
  auto policy = std::make_shared<const policy::Policy>(std::move(*loaded.policy));
  auto listen = parse_listen(o.listen);
  if (!listen) return fail(listen.error());
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return fail(make_error(Errc::kInvalidArgument, "--tls-cert and --tls-key go together"));
  }
  setup_logging(o.log_level);

  SystemClock clock;
  SystemRandom random;
  NotifyConfig notify = o.notify;
  notify.first_retry = std::chrono::seconds(o.outbox_retry);
  auto state =
      open_serve_state(o.vault, policy, clock, random, std::chrono::seconds(o.sweep_every), notify);
  if (!state) return fail(state.error());
  const auto& is = (*state)->index_stats;
  spdlog::info("decision index: {} subjects ({} with an e-mail) loaded in {:.2f} s, {} bytes",
               is.subjects, is.with_email, is.load_seconds, is.bytes);

  http::ApiContext context;
  context.policy = policy;
  context.gpc_last_update = policy_date(o.vault.store.policy, clock);
  (*state)->wire(context, clock);
#ifdef CHARTER_HAVE_WEB
  context.extra_routes = web::add_web_routes;  // the privacy center and the console (docs/WEB.md)
#endif
  auto api = http::build_api(context);
  if (!api) return fail(api.error());
  audit::Appender& appender = (*state)->trail->appender();
  if (Status st = (*api)->registry.gauge_callback(
          "charter_audit_backlog",
          "Audit entries submitted and not yet committed (durable) or failed", {},
          [&appender] { return static_cast<double>(appender.backlog()); });
      !st.ok()) {
    return fail(st.error());
  }

  http::ServerOptions options;
  options.host = listen->first;
  options.port = listen->second;
  options.tls_cert = o.tls_cert;
  options.tls_key = o.tls_key;
  options.io_threads = o.threads;
  options.workers = o.workers;
  options.grace = std::chrono::seconds(o.grace_seconds);
  auto ms = [](double seconds) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  };
  options.limits.header_timeout = ms(o.header_timeout);
  options.limits.body_timeout = ms(o.body_timeout);
  options.limits.idle_timeout = ms(o.idle_timeout);
  options.limits.max_connections = o.max_connections;
  options.limits.max_body_bytes = o.max_body;
  options.limits.anonymous = {o.rate_anonymous, 2 * o.rate_anonymous};
  options.limits.credential = {o.rate_credential, 2 * o.rate_credential};
  // Keep room for the store's files and the listener under the descriptor limit.
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur > 128 &&
      options.limits.max_connections > nofile.rlim_cur - 64) {
    options.limits.max_connections = nofile.rlim_cur - 64;
    spdlog::warn("--max-connections lowered to {} (open file limit {})",
                 options.limits.max_connections, nofile.rlim_cur);
  }

  auto server = http::Server::create(
      options, http::ServerDeps{(*api)->router, *(*api)->http_metrics, clock, random,
                                (*state)->authenticator.get(), (*state)->refusal_hook(),
                                (*state)->idempotency.get()});
  if (!server) return fail(server.error());
  std::printf("Charter listening on %s (policy %s, store %s)\n", (*server)->url().c_str(),
              policy::short_version(policy->version).c_str(),
              std::string(store::backend_name((*state)->store->backend())).c_str());
  // Printed once, on stdout only (the first DPO's password is never logged).
  for (const auto& notice : (*state)->notices) std::printf("%s\n", notice.c_str());
  (*state)->notices.clear();
  std::fflush(stdout);
  (*server)->run();
  spdlog::default_logger()->flush();
  spdlog::shutdown();
  return 0;
}

}  // namespace

void register_serve_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the HTTP API server");
  add_vault_options(cmd, o->vault);
  cmd->add_option("--listen", o->listen, "Address and port, HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate chain: serve HTTPS");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert");
  cmd->add_option("--threads", o->threads, "I/O threads (0: one per core)")->capture_default_str();
  cmd->add_option("--workers", o->workers, "Handler threads (0: 8)")->capture_default_str();
  cmd->add_option("--max-connections", o->max_connections, "Open connections at most")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-body", o->max_body, "Request body size limit in bytes")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rate-anonymous", o->rate_anonymous,
                  "Requests per second per client address without credential (burst: twice)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rate-credential", o->rate_credential,
                  "Requests per second per credential (burst: twice)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--smtp-url", o->notify.smtp_url,
                  "Send the outbox's e-mails by SMTP (smtp://host:port or smtps://host:port); "
                  "default: .eml files in <data>/outbox");
  cmd->add_option("--smtp-from", o->notify.smtp_from,
                  "From: address of the outbox's e-mails (default: the policy's DPO e-mail)");
  cmd->add_option("--outbox-retry", o->outbox_retry,
                  "Seconds before the first retry of a refused e-mail or webhook delivery (then "
                  "doubled up to an hour, each with jitter)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--sweep-every", o->sweep_every,
                  "Seconds between retention sweeps run by the server (0: none; the first runs a "
                  "minute after start)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--grace", o->grace_seconds,
                  "Seconds to finish requests in progress on SIGTERM/SIGINT")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--header-timeout", o->header_timeout,
                  "Seconds to receive a whole request header once it has begun (then 408)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--body-timeout", o->body_timeout,
                  "Seconds to receive a whole request body (then 408)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--idle-timeout", o->idle_timeout,
                  "Seconds a keep-alive connection may wait for its next request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--log-level", o->log_level, "trace, debug, info (one line per request), warn")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  cmd->callback([&action, o] { action = [o] { return serve(*o); }; });
}

}  // namespace charter::cli
