// Where the outbox delivers: e-mails to a folder of .eml files (the embedded default) or by
// SMTP; webhooks by HTTP POST. Both SMTP and HTTP go through libcurl.
//
// Contract: send()/post() return success only once the message is accepted (the .eml file
// renamed into place and its folder fsynced; the SMTP server answered 250 to the data; the
// webhook answered 2xx). Errors: kUnavailable (network, refused, non-2xx: retried later) with a
// message that names the host/status, never the recipient or the body. Thread safety: each
// transport may be used by one thread at a time (the delivery worker).
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace charter::notify {

struct OutgoingEmail {
  std::string id;  // outbox message id: the .eml file name and the Message-ID's left part
  std::string from;
  std::string to;
  std::string rfc5322;  // the whole message, CRLF line ends
};

class EmailTransport {
 public:
  virtual ~EmailTransport() = default;
  virtual Status send(const OutgoingEmail& email) = 0;
};

struct WebhookPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // application/json
};

class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  virtual Status post(const WebhookPost& post) = 0;
};

// Writes <folder>/<id>.eml atomically (temporary file, fsync, rename over any earlier copy,
// fsync of the folder): a redelivery after a crash replaces the file rather than adding one.
// The folder is created (mode 0700) if missing; files are mode 0600.
class EmlFolder final : public EmailTransport {
 public:
  explicit EmlFolder(std::string folder) : folder_(std::move(folder)) {}
  Status send(const OutgoingEmail& email) override;
  const std::string& folder() const { return folder_; }

 private:
  std::string folder_;
};

// SMTP through libcurl: url "smtp://host:port" (or smtps://), MAIL FROM the envelope sender.
class SmtpTransport final : public EmailTransport {
 public:
  SmtpTransport(std::string url, std::chrono::milliseconds timeout = std::chrono::seconds(30))
      : url_(std::move(url)), timeout_(timeout) {}
  Status send(const OutgoingEmail& email) override;

 private:
  std::string url_;
  std::chrono::milliseconds timeout_;
};

// HTTP(S) POST through libcurl; success is a 2xx status. Redirects are not followed.
class CurlWebhookTransport final : public WebhookTransport {
 public:
  explicit CurlWebhookTransport(std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : timeout_(timeout) {}
  Status post(const WebhookPost& post) override;

 private:
  std::chrono::milliseconds timeout_;
};

}  // namespace charter::notify
