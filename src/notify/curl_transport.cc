// SMTP and webhook delivery through libcurl (the only file that sees curl.h).
#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "notify/transport.h"

namespace charter::notify {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Easy {
  CURL* h = nullptr;
  curl_slist* list = nullptr;
  curl_slist* rcpt = nullptr;
  Easy() {
    global_init();
    h = curl_easy_init();
  }
  ~Easy() {
    if (list) curl_slist_free_all(list);
    if (rcpt) curl_slist_free_all(rcpt);
    if (h) curl_easy_cleanup(h);
  }
};

struct Reader {
  const std::string* data;
  std::size_t at = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* user) {
  auto* r = static_cast<Reader*>(user);
  std::size_t room = size * n;
  std::size_t left = r->data->size() - r->at;
  std::size_t k = left < room ? left : room;
  std::memcpy(buf, r->data->data() + r->at, k);
  r->at += k;
  return k;
}

size_t discard_cb(char*, size_t size, size_t n, void*) { return size * n; }

// The host part of a URL, for error messages (no path or query, which could carry secrets).
std::string host_of(const std::string& url) {
  auto s = url.find("://");
  std::string rest = s == std::string::npos ? url : url.substr(s + 3);
  auto e = rest.find_first_of("/?#");
  if (e != std::string::npos) rest.resize(e);
  auto at = rest.rfind('@');
  if (at != std::string::npos) rest = rest.substr(at + 1);
  return rest;
}

}  // namespace

Status SmtpTransport::send(const OutgoingEmail& email) {
  Easy e;
  if (!e.h) return make_error(Errc::kUnavailable, "smtp: cannot initialise libcurl");
  Reader reader{&email.rfc5322};
  const std::string from = "<" + email.from + ">";
  const std::string to = "<" + email.to + ">";
  e.rcpt = curl_slist_append(nullptr, to.c_str());
  curl_easy_setopt(e.h, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(e.h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(e.h, CURLOPT_MAIL_RCPT, e.rcpt);
  curl_easy_setopt(e.h, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(e.h, CURLOPT_READDATA, &reader);
  curl_easy_setopt(e.h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e.h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  CURLcode rc = curl_easy_perform(e.h);
  if (rc != CURLE_OK) {
    return make_error(Errc::kUnavailable, "smtp " + host_of(url_) + ": " + curl_easy_strerror(rc));
  }
  return {};
}

Status CurlWebhookTransport::post(const WebhookPost& post) {
  Easy e;
  if (!e.h) return make_error(Errc::kUnavailable, "webhook: cannot initialise libcurl");
  e.list = curl_slist_append(e.list, "Content-Type: application/json");
  e.list = curl_slist_append(e.list, "Expect:");
  for (const auto& [k, v] : post.headers)
    e.list = curl_slist_append(e.list, (k + ": " + v).c_str());
  curl_easy_setopt(e.h, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, e.list);
  curl_easy_setopt(e.h, CURLOPT_POST, 1L);
  curl_easy_setopt(e.h, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(e.h, CURLOPT_POSTFIELDSIZE, static_cast<long>(post.body.size()));
  curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, discard_cb);
  curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e.h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  CURLcode rc = curl_easy_perform(e.h);
  if (rc != CURLE_OK) {
    return make_error(Errc::kUnavailable,
                      "webhook " + host_of(post.url) + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return make_error(Errc::kUnavailable,
                      "webhook " + host_of(post.url) + ": HTTP " + std::to_string(status));
  }
  return {};
}

}  // namespace charter::notify
