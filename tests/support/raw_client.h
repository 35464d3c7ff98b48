// Test-only HTTP/1.1 client over raw sockets (plain or TLS through OpenSSL), so tests control
// every byte: partial requests, pipelining, oversize headers, slow clients.
//
// Contract: blocking calls with a receive timeout; read_response() parses one response
// (Content-Length or close-delimited; chunked is not used by Charter's server) and returns
// nullopt on timeout or when the connection closes before a whole response. Not thread safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace charter::testing {

struct RawResponse {
  int status = 0;
  std::string reason;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  bool has(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
  // The value of the first Set-Cookie header's first pair ("" when there is none).
  std::string cookie_value() const {
    std::string h = header("set-cookie");
    auto eq = h.find('=');
    auto semi = h.find(';');
    return eq == std::string::npos ? "" : h.substr(eq + 1, semi - eq - 1);
  }
};

class RawClient {
 public:
  // Connects to 127.0.0.1:port; `tls`: TLS handshake without certificate verification.
  explicit RawClient(std::uint16_t port, bool tls = false, int timeout_ms = 5000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_timeout(timeout_ms);
    if (tls) {
      ctx_ = SSL_CTX_new(TLS_client_method());
      ssl_ = SSL_new(ctx_);
      SSL_set_fd(ssl_, fd_);
      SSL_set_tlsext_host_name(ssl_, "localhost");
      if (SSL_connect(ssl_) != 1) {
        close();
        return;
      }
    }
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  void set_timeout(int ms) {
    timeval tv{ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      long n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                    : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads what is available; false on timeout, close or error.
  bool fill() {
    char buf[16384];
    long n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // True when the server closed the connection (reads EOF or reset within the timeout).
  bool wait_closed() {
    for (;;) {
      char buf[4096];
      errno = 0;
      long n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in_.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 && !ssl_) return true;
      return errno != EAGAIN && errno != EWOULDBLOCK;
    }
  }
  // Bytes received and not yet consumed by read_response().
  const std::string& pending() const { return in_; }

  std::optional<RawResponse> read_response(bool head = false) {
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    RawResponse r;
    std::string_view h(in_.data(), end);
    std::size_t eol = h.find("\r\n");
    std::string_view status_line = h.substr(0, eol);
    if (status_line.size() < 12) return std::nullopt;
    r.status = std::stoi(std::string(status_line.substr(9, 3)));
    r.reason = std::string(status_line.substr(std::min<std::size_t>(13, status_line.size())));
    std::string_view rest = eol == std::string_view::npos ? "" : h.substr(eol + 2);
    while (!rest.empty()) {
      std::size_t e = rest.find("\r\n");
      std::string_view line = rest.substr(0, e);
      rest = e == std::string_view::npos ? "" : rest.substr(e + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace(name, std::string(value));
    }
    in_.erase(0, end + 4);
    if (head || r.status == 204 || r.status == 304 || r.status / 100 == 1) return r;
    if (r.has("content-length")) {
      std::size_t len = std::stoul(r.header("content-length"));
      while (in_.size() < len) {
        if (!fill()) return std::nullopt;
      }
      r.body = in_.substr(0, len);
      in_.erase(0, len);
    } else {
      while (fill()) {
      }
      r.body = std::move(in_);
      in_.clear();
    }
    return r;
  }

  std::optional<RawResponse> request(const std::string& method, const std::string& target,
                                     const std::string& extra_headers = "",
                                     const std::string& body = "") {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    if (!send(req)) return std::nullopt;
    return read_response(method == "HEAD");
  }

  void close() {
    if (ssl_) {
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (ctx_) {
      SSL_CTX_free(ctx_);
      ctx_ = nullptr;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string in_;
  bool closed_ = false;
};

}  // namespace charter::testing
