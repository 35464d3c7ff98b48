// Streamed bulk decisions over HTTP (docs/HTTP.md "Streamed bulk decisions"): POST
// /v1/decisions/bulk?purpose= with Content-Type text/plain, against the real `charter serve`
// (SQLite, then PostgreSQL). The server reads the body as it arrives and answers in a chunked
// response: one line per non-blank input line, in order, then the `#end` trailer once the
// request is audited. Checked: every answer line of a 200,000-line stream of allowed, withdrawn,
// unconsented, unknown and invalid lines; the body size limit does not apply but the per-line
// limit does; memory stays bounded (the server's peak resident memory from /proc, not timing);
// a client that stops sending is cut off by the body timeout; decisions are counted in the
// metrics; a stream in progress when the server is asked to stop is answered in full.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "e2e/api_client.h"
#include "e2e/server_process.h"
#include "store/testing.h"

namespace charter::testing {
namespace {

using nlohmann::json;

struct Answer {
  int status = 0;
  std::string headers;  // raw header block
  std::string body;     // de-chunked
  bool last_chunk = false;
};

// Decodes a chunked body; `last` says whether the zero-size chunk was seen.
std::string dechunk(std::string_view in, bool& last) {
  std::string out;
  last = false;
  while (true) {
    auto eol = in.find("\r\n");
    if (eol == std::string_view::npos) break;
    std::size_t size = std::stoul(std::string(in.substr(0, eol)), nullptr, 16);
    in.remove_prefix(eol + 2);
    if (size == 0) {
      last = true;
      break;
    }
    if (in.size() < size + 2) break;
    out.append(in.substr(0, size));
    in.remove_prefix(size + 2);
  }
  return out;
}

// One exchange on its own connection ("Connection: close"): a thread sends `head` and then the
// pieces `next` produces (chunk-encoded when `chunked`), while this thread reads the whole
// answer until the server closes the connection.
// `headed` (optional) is set once the answer's header has arrived.
Answer exchange(std::uint16_t port, const std::string& head,
                const std::function<bool(std::string&)>& next, bool chunked,
                std::atomic<bool>* headed = nullptr) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Answer a;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return a;
  }
  timeval tv{60, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto send_all = [fd](std::string_view d) {
    while (!d.empty()) {
      ssize_t n = ::send(fd, d.data(), d.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      d.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  };
  std::thread writer([&] {
    if (!send_all(head)) return;
    std::string piece;
    while (true) {
      piece.clear();
      bool more = next(piece);
      if (!piece.empty()) {
        if (chunked) {
          char size[32];
          std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
          if (!send_all(size) || !send_all(piece) || !send_all("\r\n")) return;
        } else if (!send_all(piece)) {
          return;
        }
      }
      if (!more) break;
    }
    if (chunked) send_all("0\r\n\r\n");
  });
  std::string raw;
  char buf[65536];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
    if (headed && raw.find("\r\n\r\n") != std::string::npos) headed->store(true);
  }
  ::shutdown(fd, SHUT_RDWR);
  writer.join();
  ::close(fd);
  auto end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) return a;
  a.status = std::atoi(raw.c_str() + 9);
  a.headers = raw.substr(0, end);
  std::string_view rest(raw);
  rest.remove_prefix(end + 4);
  if (a.headers.find("Transfer-Encoding: chunked") != std::string::npos) {
    a.body = dechunk(rest, a.last_chunk);
  } else {
    a.body = std::string(rest);
  }
  return a;
}

std::string stream_head(const std::string& token, const std::string& purpose, bool chunked,
                        std::size_t length = 0) {
  std::string h = "POST /v1/decisions/bulk" + (purpose.empty() ? "" : "?purpose=" + purpose) +
                  " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                  "Content-Type: text/plain; charset=utf-8\r\n";
  if (!token.empty()) h += "Authorization: Bearer " + token + "\r\n";
  h += chunked ? "Transfer-Encoding: chunked\r\n"
               : "Content-Length: " + std::to_string(length) + "\r\n";
  return h + "\r\n";
}

std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < body.size()) {
    auto nl = body.find('\n', at);
    if (nl == std::string::npos) nl = body.size();
    out.push_back(body.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

// The pid of the newest child process of this test named `charter` (the server ServerProcess
// forked), from /proc.
pid_t server_pid() {
  pid_t found = -1;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    auto close = stat.rfind(')');
    if (close == std::string::npos || stat.find("(charter)") == std::string::npos) continue;
    // After ") ": state, then ppid.
    pid_t ppid = std::atoi(stat.c_str() + close + 4);
    pid_t pid = std::atoi(name.c_str());
    if (ppid == getpid() && pid > found) found = pid;
  }
  return found;
}

// Peak resident memory of a process (VmHWM, KiB), from /proc.
long peak_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

class BulkStream : public ::testing::TestWithParam<std::string> {
 protected:
  // Starts a server (extra `args`), with a service token bound to prospecting and three
  // subjects: allowed (consent given), withdrawn (given then withdrawn), missing (none).
  void start(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--rate-anonymous", "1000"});
    if (GetParam() == "postgres") {
      if (!store::test_pg_url()) GTEST_SKIP() << "CHARTER_TEST_PG_URL is not set";
      auto made = store::TestStore::make(store::Backend::kPostgres);
      ASSERT_TRUE(made.ok()) << made.error().to_string();
      pg_ = std::move(made).value();
      args.insert(args.end(), {"--database", pg_->target()});
    }
    // A small ASan quarantine (test builds): freed memory is reused, so the peak resident
    // memory measures what the server holds, not what the sanitizer delays freeing.
    const char* asan = std::getenv("ASAN_OPTIONS");
    std::string saved = asan ? asan : "";
    setenv("ASAN_OPTIONS", (saved + (saved.empty() ? "" : ":") + "quarantine_size_mb=4").c_str(),
           1);
    server_ = std::make_unique<ServerProcess>(args);
    if (asan) {
      setenv("ASAN_OPTIONS", saved.c_str(), 1);
    } else {
      unsetenv("ASAN_OPTIONS");
    }
    ASSERT_TRUE(server_->started()) << server_->log();
    std::string email, password;
    for (int i = 0; i < 4 && password.empty(); ++i) {
      parse_dpo_line(server_->read_line(), email, password);
    }
    ASSERT_FALSE(password.empty());
    Caller dpo = first_dpo_login(port(), email, password);
    ASSERT_FALSE(dpo.cookie.empty());
    auto svc = call(port(), "POST", "/v1/services", dpo,
                    {{"name", "emailing-platform"}, {"purposes", {"prospecting"}}});
    ASSERT_EQ(svc.status, 201) << svc.body.dump();
    auto tok = call(port(), "POST", "/v1/services/" + svc.body["id"].get<std::string>() + "/tokens",
                    dpo, {{"validity", "P30D"}});
    ASSERT_EQ(tok.status, 201) << tok.body.dump();
    service_.bearer = tok.body["token"];
    auto subject = [&](const std::string& address, const std::vector<std::string>& actions) {
      auto r = call(port(), "POST", "/v1/subjects", service_,
                    {{"purposes", {"prospecting"}}, {"fields", {{"email", address}}}});
      EXPECT_EQ(r.status, 201) << r.body.dump();
      std::string id = r.body.value("id", "");
      for (const auto& action : actions) {
        auto c = call(port(), "POST", "/v1/subjects/" + id + "/consents", service_,
                      {{"purpose", "prospecting"},
                       {"action", action},
                       {"channel", action == "give" ? "api" : "one_click_unsubscribe"}});
        EXPECT_EQ(c.status, 201) << c.body.dump();
      }
      return id;
    };
    allowed_id_ = subject(kAllowed, {"give"});
    subject(kWithdrawn, {"give", "withdraw"});
    subject(kMissing, {});
  }

  std::uint16_t port() const { return server_->port(); }

  double metric(const std::string& series) {
    auto r = call(port(), "GET", "/metrics");
    const std::string& text = r.raw.body;
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }

  // Line i of the generated input (period 8) and the answer it must get; `n` is the number of
  // non-blank lines before it (answers number invalid lines 1-based among non-blank lines).
  std::string input(std::size_t i) const {
    switch (i % 8) {
      case 0:
        return kAllowed;
      case 1:
        return kWithdrawn;
      case 2:
        return "u" + std::to_string(i) + "@unknown.example.net";
      case 3:
        return allowed_id_;
      case 4:
        return kMissing;
      case 5:
        return "not an address";
      case 6:
        return "";
      default:
        return std::string("  ") + kWithdrawn + " \r";  // trimmed; CRLF
    }
  }
  std::string expected(std::size_t i) const {
    const std::size_t n = i - i / 8 - (i % 8 > 6 ? 1 : 0) + 1;  // non-blank lines up to i
    switch (i % 8) {
      case 0:
        return std::string(kAllowed) + "\tallowed\tallowed";
      case 1:
      case 7:
        return std::string(kWithdrawn) + "\tdenied\tconsent_withdrawn";
      case 2:
        return input(i) + "\tdenied\tunknown_subject";
      case 3:
        return allowed_id_ + "\tallowed\tallowed";
      case 4:
        return std::string(kMissing) + "\tdenied\tconsent_missing";
      default:
        return "#" + std::to_string(n) + "\tdenied\tinvalid_input";
    }
  }

  static constexpr const char* kAllowed = "allowed.person@example.org";
  static constexpr const char* kWithdrawn = "withdrawn.person@example.org";
  static constexpr const char* kMissing = "never.asked@example.org";

  std::unique_ptr<store::TestStore> pg_;
  std::unique_ptr<ServerProcess> server_;
  Caller service_;
  std::string allowed_id_;
};

// 200,000 lines with a Content-Length (5 MB: over the 1 MiB body limit, which the streamed form
// does not apply), then 2,000,000 lines chunk-encoded (about 47 MB) while the server's peak
// resident memory stays within a bound far below the body's size.
TEST_P(BulkStream, AnswersEveryLineInOrderWithBoundedMemory) {
  start();
  if (IsSkipped() || HasFatalFailure()) return;
  const std::string allow_series = R"(charter_decisions_total{outcome="allow",reason="allowed"})";
  const std::string withdrawn_series =
      R"(charter_decisions_total{outcome="deny",reason="consent_withdrawn"})";
  const double allow_before = metric(allow_series);
  const double withdrawn_before = metric(withdrawn_series);

  const std::size_t n = 200'000;
  std::string body;
  for (std::size_t i = 0; i < n; ++i) body += input(i) + "\n";
  ASSERT_GT(body.size(), 1024u * 1024u);
  bool sent = false;
  Answer a = exchange(
      port(), stream_head(service_.bearer, "prospecting", false, body.size()),
      [&](std::string& piece) {
        if (!sent) piece = body;
        sent = true;
        return false;
      },
      false);
  ASSERT_EQ(a.status, 200) << a.headers << "\n" << a.body.substr(0, 500);
  EXPECT_NE(a.headers.find("Content-Type: text/tab-separated-values"), std::string::npos);
  EXPECT_NE(a.headers.find("X-Request-Id: req_"), std::string::npos);
  EXPECT_TRUE(a.last_chunk);
  auto got = lines_of(a.body);
  const std::size_t asked = n - n / 8, allowed = 2 * (n / 8);
  ASSERT_EQ(got.size(), asked + 1) << got.back();
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 8 == 6) continue;
    ASSERT_EQ(got[k], expected(i)) << "input line " << i;
    ++k;
  }
  EXPECT_EQ(got.back(),
            "#end\tasked=" + std::to_string(asked) + "\tallowed=" + std::to_string(allowed));
  // Counted in the metrics, one per answered line.
  EXPECT_EQ(metric(allow_series), allow_before + allowed);
  EXPECT_EQ(metric(withdrawn_series), withdrawn_before + 2 * (n / 8));

  // Memory: 2M lines (about 60 MB), generated as they are sent.
  const pid_t pid = server_pid();
  ASSERT_GT(pid, 0);
  const long before = peak_rss_kib(pid);
  ASSERT_GT(before, 0);
  const std::size_t big = 2'000'000;
  std::size_t next = 0, body_bytes = 0;
  a = exchange(
      port(), stream_head(service_.bearer, "prospecting", true),
      [&](std::string& piece) {
        for (int j = 0; j < 4096 && next < big; ++j, ++next) piece += input(next) + "\n";
        body_bytes += piece.size();
        return next < big;
      },
      true);
  ASSERT_EQ(a.status, 200) << a.headers;
  const long after = peak_rss_kib(pid);
  const std::size_t big_asked = big - big / 8;
  EXPECT_EQ(a.body.substr(a.body.rfind("#end")), "#end\tasked=" + std::to_string(big_asked) +
                                                     "\tallowed=" + std::to_string(2 * (big / 8)) +
                                                     "\n");
  EXPECT_EQ(lines_of(a.body).size(), big_asked + 1);
  ASSERT_GT(body_bytes, 40u * 1024 * 1024);
  std::cout << "server peak RSS " << before << " KiB before, " << after << " KiB after a "
            << body_bytes << "-byte stream\n";
  EXPECT_LT(after - before, 24 * 1024) << "peak RSS grew from " << before << " KiB to " << after
                                       << " KiB for a " << body_bytes << "-byte stream";
}

// Lines over 512 bytes (here 600 bytes and 100 KB) are answered invalid_input and the stream
// goes on; blank lines are skipped.
TEST_P(BulkStream, LongLinesAreAnsweredInvalidAndTheStreamGoesOn) {
  start();
  if (IsSkipped() || HasFatalFailure()) return;
  std::string body = std::string(kAllowed) + "\n" + std::string(600, 'x') + "@example.org\n\n" +
                     std::string(100'000, 'y') + "\n" + allowed_id_;  // no final newline
  bool sent = false;
  Answer a = exchange(
      port(), stream_head(service_.bearer, "prospecting", true),
      [&](std::string& piece) {
        if (!sent) piece = body;
        sent = true;
        return false;
      },
      true);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, std::string(kAllowed) + "\tallowed\tallowed\n#2\tdenied\tinvalid_input\n" +
                        "#3\tdenied\tinvalid_input\n" + allowed_id_ +
                        "\tallowed\tallowed\n#end\tasked=4\tallowed=2\n");
}

// Refused before any body byte is read: no credential (401), no or unknown purpose (400). The
// JSON form keeps its body limit (413 on the declared length).
TEST_P(BulkStream, RefusalsComeBeforeTheBody) {
  start();
  if (IsSkipped() || HasFatalFailure()) return;
  auto once = [&](const std::string& token, const std::string& purpose) {
    bool sent = false;
    return exchange(
        port(), stream_head(token, purpose, true),
        [&](std::string& piece) {
          if (!sent) piece = std::string(kAllowed) + "\n";
          sent = true;
          return false;
        },
        true);
  };
  Answer a = once("", "prospecting");
  EXPECT_EQ(a.status, 401) << a.body;
  EXPECT_NE(a.headers.find("application/problem+json"), std::string::npos);
  a = once(service_.bearer, "");
  EXPECT_EQ(a.status, 400) << a.body;
  a = once(service_.bearer, "no_such_purpose");
  EXPECT_EQ(a.status, 400) << a.body;
  // A purpose the token is not bound to: every line says so (the decision's reason).
  a = once(service_.bearer, "statistics");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body,
            std::string(kAllowed) + "\tdenied\tservice_not_bound\n#end\tasked=1\tallowed=0\n");

  RawClient c(port());
  ASSERT_TRUE(c.send(
      "POST /v1/decisions/bulk HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
      service_.bearer + "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
}

// A client that stops sending is cut off by the body timeout (each read, not the whole body):
// the answer ends with an #error line and no #end, and the connection closes.
TEST_P(BulkStream, SlowClientTimesOut) {
  start({"--body-timeout", "1"});
  if (IsSkipped() || HasFatalFailure()) return;
  int pieces = 0;
  Answer a = exchange(
      port(), stream_head(service_.bearer, "prospecting", true),
      [&](std::string& piece) {
        // 3 pieces 0.5 s apart (each within the timeout), then silence.
        if (pieces > 0) usleep(500'000);
        piece = std::string(kAllowed) + "\n";
        if (++pieces < 3) return true;
        usleep(3'000'000);
        return false;
      },
      true);
  ASSERT_EQ(a.status, 200);
  EXPECT_NE(a.body.find("#error\ttimeout\t"), std::string::npos) << a.body;
  EXPECT_EQ(a.body.find("#end"), std::string::npos) << a.body;
}

// Graceful stop: a stream in progress when the server is asked to stop is answered to its end
// (within the grace period), then the server exits cleanly.
TEST_P(BulkStream, StreamInProgressFinishesOnGracefulStop) {
  start();
  if (IsSkipped() || HasFatalFailure()) return;
  int pieces = 0;
  std::atomic<bool> headed{false};
  Answer a = exchange(
      port(), stream_head(service_.bearer, "prospecting", true),
      [&](std::string& piece) {
        for (int j = 0; j < 1000; ++j) piece += std::string(kAllowed) + "\n";
        ++pieces;
        if (pieces == 2) {
          // Once the stream has begun (a connection still waiting for its request is idle,
          // and a stop closes idle connections at once).
          for (int w = 0; w < 1000 && !headed.load(); ++w) usleep(10'000);
          server_->signal(SIGTERM);
          usleep(300'000);
        }
        return pieces < 4;
      },
      true, &headed);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body.substr(a.body.rfind("#end")), "#end\tasked=4000\tallowed=4000\n");
  EXPECT_EQ(server_->wait(), 0) << server_->log();
}

INSTANTIATE_TEST_SUITE_P(Backends, BulkStream, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace charter::testing
