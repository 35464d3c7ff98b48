// Tiny in-test servers on 127.0.0.1 (tests of src/notify and src/archive only): an HTTP
// receiver that answers each POST with the next status of a script and records what it got,
// and an SMTP listener that accepts one message per connection and records it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace charter::notify::testing {

class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  virtual ~Listener() { shutdown(); }
  void start() {
    thread_ = std::thread([this] {
      while (!stop_) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) break;
        if (stop_) {
          ::close(c);
          break;
        }
        serve(c);
        ::close(c);
      }
    });
  }
  void shutdown() {
    if (stop_.exchange(true)) return;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }

 protected:
  virtual void serve(int fd) = 0;
  static bool read_until(int fd, std::string& buf, const std::string& marker) {
    char tmp[4096];
    while (buf.find(marker) == std::string::npos) {
      ssize_t n = ::read(fd, tmp, sizeof tmp);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<std::size_t>(n));
    }
    return true;
  }
  static void write_all(int fd, const std::string& s) {
    std::size_t at = 0;
    while (at < s.size()) {
      ssize_t n = ::write(fd, s.data() + at, s.size() - at);
      if (n <= 0) return;
      at += static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct HttpHit {
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int answered = 0;
};

class HttpReceiver final : public Listener {
 public:
  explicit HttpReceiver(std::vector<int> script = {200}) : script_(std::move(script)) { start(); }
  ~HttpReceiver() override { shutdown(); }
  std::vector<HttpHit> hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }
  void set_script(std::vector<int> script) {
    std::lock_guard lock(mu_);
    script_ = std::move(script);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/hook"; }

 private:
  void serve(int fd) override {
    std::string buf;
    if (!read_until(fd, buf, "\r\n\r\n")) return;
    auto end = buf.find("\r\n\r\n");
    HttpHit hit;
    std::size_t line = buf.find("\r\n") + 2;
    while (line < end) {
      auto e = buf.find("\r\n", line);
      std::string h = buf.substr(line, e - line);
      auto colon = h.find(':');
      if (colon != std::string::npos) {
        std::string k = h.substr(0, colon);
        for (auto& ch : k) ch = static_cast<char>(std::tolower(ch));
        std::string v = h.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        hit.headers[k] = v;
      }
      line = e + 2;
    }
    std::size_t length =
        std::stoul(hit.headers.count("content-length") ? hit.headers["content-length"] : "0");
    std::string body = buf.substr(end + 4);
    char tmp[4096];
    while (body.size() < length) {
      ssize_t n = ::read(fd, tmp, sizeof tmp);
      if (n <= 0) break;
      body.append(tmp, static_cast<std::size_t>(n));
    }
    hit.body = body;
    int status;
    {
      std::lock_guard lock(mu_);
      status = script_.empty() ? 200 : script_.front();
      if (script_.size() > 1) script_.erase(script_.begin());
      hit.answered = status;
      hits_.push_back(hit);
    }
    write_all(fd, "HTTP/1.1 " + std::to_string(status) +
                      " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  }
  std::mutex mu_;
  std::vector<int> script_;
  std::vector<HttpHit> hits_;
};

struct SmtpMail {
  std::string from;
  std::vector<std::string> to;
  std::string data;
};

class SmtpListener final : public Listener {
 public:
  SmtpListener() { start(); }
  ~SmtpListener() override { shutdown(); }
  std::vector<SmtpMail> mails() {
    std::lock_guard lock(mu_);
    return mails_;
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }

 private:
  void serve(int fd) override {
    write_all(fd, "220 test ESMTP\r\n");
    SmtpMail mail;
    std::string buf;
    while (true) {
      if (!read_until(fd, buf, "\r\n")) return;
      auto e = buf.find("\r\n");
      std::string cmd = buf.substr(0, e);
      buf.erase(0, e + 2);
      std::string up = cmd.substr(0, 4);
      for (auto& ch : up) ch = static_cast<char>(std::toupper(ch));
      if (up == "EHLO" || up == "HELO") {
        write_all(fd, "250 test\r\n");
      } else if (up == "MAIL") {
        mail.from = cmd.substr(10);
        write_all(fd, "250 ok\r\n");
      } else if (up == "RCPT") {
        mail.to.push_back(cmd.substr(8));
        write_all(fd, "250 ok\r\n");
      } else if (up == "DATA") {
        write_all(fd, "354 go\r\n");
        if (!read_until(fd, buf, "\r\n.\r\n")) return;
        auto d = buf.find("\r\n.\r\n");
        mail.data = buf.substr(0, d + 2);
        buf.erase(0, d + 5);
        {
          std::lock_guard lock(mu_);
          mails_.push_back(mail);
        }
        write_all(fd, "250 queued\r\n");
      } else if (up == "QUIT") {
        write_all(fd, "221 bye\r\n");
        return;
      } else {
        write_all(fd, "250 ok\r\n");
      }
    }
  }
  std::mutex mu_;
  std::vector<SmtpMail> mails_;
};

}  // namespace charter::notify::testing
