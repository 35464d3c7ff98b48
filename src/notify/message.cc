#include "notify/message.h"

#include <cstdio>
#include <ctime>
#include <vector>

#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/mac.h"

namespace charter::notify {
namespace {

std::string base64(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += i + 1 < in.size() ? k[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string encode_header(std::string_view text) {
  if (ascii(text)) return std::string(text);
  return "=?UTF-8?B?" + base64(text) + "?=";
}

std::string rfc5322_date(Timestamp t) {
  std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string mac_input(std::int64_t t, std::string_view body) {
  std::string m = std::to_string(t);
  m += '.';
  m.append(body);
  return m;
}

crypto::ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Status check_header_text(std::string_view text, std::string_view field) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f)
      return make_error(Errc::kInvalidArgument,
                        std::string(field) + ": control characters (line breaks) are not allowed");
  }
  return {};
}

Status check_address(std::string_view a, std::string_view field) {
  auto bad = [&] {
    return make_error(Errc::kInvalidArgument,
                      std::string(field) + ": must be one e-mail address local@domain");
  };
  if (a.empty() || a.size() > 254) return bad();
  auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size()) return bad();
  for (unsigned char c : a) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' ||
        c == '(' || c == ')' || c == '\\')
      return bad();
  }
  return {};
}

std::string format_email(const Email& e, const EmailEnvelope& env) {
  std::string m;
  m += "From: " + env.from + "\r\n";
  m += "To: " + e.to + "\r\n";
  m += "Subject: " + encode_header(e.subject) + "\r\n";
  m += "Date: " + rfc5322_date(env.date) + "\r\n";
  m += "Message-ID: <" + env.message_id + "@" + env.domain + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n";
  m += "Content-Language: " + e.language + "\r\n";
  m += "X-Charter-Kind: " + e.kind + "\r\n";
  if (!e.reference.empty()) m += "X-Charter-Reference: " + e.reference + "\r\n";
  m += "\r\n";
  std::string body = base64(e.text);
  for (std::size_t i = 0; i < body.size(); i += 76) {
    m += body.substr(i, 76);
    m += "\r\n";
  }
  return m;
}

std::string webhook_signature(const crypto::SecretKey& secret, Timestamp at,
                              std::string_view body) {
  const std::int64_t t =
      std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  const std::string input = mac_input(t, body);
  auto tag = crypto::mac(secret, view(input));
  return "t=" + std::to_string(t) + ",v1=" + to_hex(tag);
}

bool verify_webhook_signature(const crypto::SecretKey& secret, std::string_view header,
                              std::string_view body, Timestamp now, Micros tolerance) {
  if (!header.starts_with("t=")) return false;
  auto comma = header.find(",v1=");
  if (comma == std::string_view::npos) return false;
  std::int64_t t = 0;
  for (char c : header.substr(2, comma - 2)) {
    if (c < '0' || c > '9') return false;
    t = t * 10 + (c - '0');
  }
  auto tag = crypto::from_hex(header.substr(comma + 4));
  if (!tag.ok()) return false;
  const Timestamp signed_at = Timestamp(std::chrono::seconds(t));
  if (now - signed_at > tolerance || signed_at - now > tolerance) return false;
  const std::string input = mac_input(t, body);
  return crypto::mac_verify(secret, view(input), *tag);
}

}  // namespace charter::notify
