#include "vault/normalize.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

#include "core/clock.h"

namespace charter::vault {
namespace {

Error invalid(std::string message) {
  return make_error(Errc::kInvalidArgument, std::move(message));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alpha(char c) { return c >= 'a' && c <= 'z'; }

bool is_atext(char c) {
  if (is_lower_alpha(c) || is_digit(c)) return true;
  return std::strchr("!#$%&'*+/=?^_`{|}~-", c) != nullptr && c != '\0';
}

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!is_lower_alpha(c) && !is_digit(c) && c != '-') return false;
  }
  return true;
}

bool valid_tld(std::string_view label) {
  if (label.size() >= 4 && label.substr(0, 4) == "xn--") return true;  // IDN TLD in punycode
  if (label.size() < 2) return false;
  for (char c : label) {
    if (!is_lower_alpha(c)) return false;
  }
  return true;
}

// Overseas departments and collectivities numbered in the French plan but with their own
// country codes: national prefix (4 digits, with the trunk 0) -> country code.
struct Overseas {
  std::string_view prefix;
  std::string_view country_code;
};
constexpr std::array<Overseas, 14> kOverseas{{
    {"0262", "262"},
    {"0263", "262"},
    {"0692", "262"},
    {"0693", "262"},  // La Réunion
    {"0269", "262"},
    {"0639", "262"},  // Mayotte
    {"0590", "590"},
    {"0690", "590"},
    {"0691", "590"},  // Guadeloupe, St-Barthélemy, St-Martin
    {"0594", "594"},
    {"0694", "594"},  // Guyane
    {"0596", "596"},
    {"0696", "596"},
    {"0697", "596"},  // Martinique
}};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// Country codes whose national significant numbers follow the French 9-digit plan.
bool is_french_plan(std::string_view digits, std::string_view* nsn) {
  for (std::string_view cc : {"33", "262", "590", "594", "596"}) {
    if (digits.substr(0, cc.size()) == cc) {
      *nsn = digits.substr(cc.size());
      return true;
    }
  }
  return false;
}

Result<std::string> check_text(std::string_view raw, std::size_t max, bool allow_newlines,
                               bool allow_spaces, std::string_view what) {
  std::string_view s = trim(raw);
  if (s.empty()) return invalid(std::string(what) + " is empty");
  if (s.size() > max) {
    return invalid(std::string(what) + " is longer than " + std::to_string(max) + " bytes");
  }
  if (!is_valid_utf8(s)) return invalid(std::string(what) + " is not valid UTF-8");
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u == '\n' || u == '\r' || u == '\t') {
      if (!allow_newlines) {
        return invalid(std::string(what) + " contains a line break or tab, which is not allowed");
      }
      continue;
    }
    if (u < 0x20 || u == 0x7f) return invalid(std::string(what) + " contains a control character");
    if (u == ' ' && !allow_spaces) return invalid(std::string(what) + " contains white space");
  }
  return std::string(s);
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c == 0) return false;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    p += n + 1;
  }
  return true;
}

Result<std::string> normalize_email(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return invalid("not an e-mail address: empty");
  if (s.size() > 254) return invalid("not an e-mail address: longer than 254 characters");
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      return invalid("not an e-mail address: only ASCII addresses are accepted");
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  auto at = out.find('@');
  if (at == std::string::npos || out.find('@', at + 1) != std::string::npos) {
    return invalid("not an e-mail address: expected exactly one '@'");
  }
  std::string_view local(out.data(), at);
  std::string_view domain(out.data() + at + 1, out.size() - at - 1);
  if (local.empty() || local.size() > 64) {
    return invalid("not an e-mail address: the part before '@' must have 1 to 64 characters");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return invalid("not an e-mail address: misplaced '.' before '@'");
  }
  for (char c : local) {
    if (c != '.' && !is_atext(c)) {
      return invalid("not an e-mail address: a character not allowed before '@'");
    }
  }
  if (domain.empty() || domain.size() > 253) {
    return invalid("not an e-mail address: bad domain length");
  }
  std::size_t labels = 0;
  std::string_view last;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = domain.find('.', start);
    std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!valid_label(label)) {
      return invalid(
          "not an e-mail address: the domain must be dot-separated labels of letters, digits "
          "and '-'");
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2 || !valid_tld(last)) {
    return invalid("not an e-mail address: the domain needs a top-level domain such as .fr");
  }
  return out;
}

Result<std::string> normalize_phone(std::string_view text, std::string_view region) {
  if (region != "FR") {
    return invalid("phone numbers without '+' are read in region FR only");
  }
  std::string_view s = trim(text);
  if (s.empty()) return invalid("not a phone number: empty");
  if (s.size() > 64) return invalid("not a phone number: too long");
  std::string compact;  // digits, '+' and brackets
  for (char c : s) {
    if (is_digit(c) || c == '+' || c == '(' || c == ')') {
      compact.push_back(c);
    } else if (c == ' ' || c == '.' || c == '-' || c == '/' || c == '\t') {
      continue;
    } else {
      return invalid("not a phone number: only digits, '+', spaces, '.', '-', '/' and brackets");
    }
  }
  auto strip_brackets = [](const std::string& in) {
    std::string out;
    for (char c : in) {
      if (c != '(' && c != ')') out.push_back(c);
    }
    return out;
  };
  std::string plain = strip_brackets(compact);
  bool international = !plain.empty() && (plain.front() == '+' || plain.substr(0, 2) == "00");
  if (international) {
    // "+33 (0)6 12 34 56 78": the "(0)" is the national trunk prefix, written by convention.
    auto trunk = compact.find("(0)");
    if (trunk != std::string::npos) {
      compact.erase(trunk, 3);
      plain = strip_brackets(compact);
    }
  }
  std::string_view rest = plain;
  if (international) rest.remove_prefix(rest.front() == '+' ? 1 : 2);
  if (!all_digits(rest)) return invalid("not a phone number: '+' only at the start");
  std::string digits(rest);
  if (international) {
    if (digits.front() == '0')
      return invalid("not a phone number: a country code cannot start with 0");
    std::string_view nsn;
    if (is_french_plan(digits, &nsn)) {
      std::string cc = digits.substr(0, digits.size() - nsn.size());
      std::string national(nsn);
      if (national.size() == 10 && national.front() == '0') national.erase(0, 1);
      if (national.size() != 9 || national.front() == '0') {
        return invalid("not a phone number: +" + cc + " must be followed by 9 digits");
      }
      return "+" + cc + national;
    }
    if (digits.front() == '1' && digits.size() != 11) {
      return invalid("not a phone number: +1 must be followed by 10 digits");
    }
    if (digits.size() < 7 || digits.size() > 15) {
      return invalid("not a phone number: an international number has 7 to 15 digits");
    }
    return "+" + digits;
  }
  if (digits.size() != 10 || digits.front() != '0') {
    return invalid(
        "not a phone number: expected a French number (0 and 9 digits) or an international "
        "number starting with + or 00");
  }
  for (const Overseas& o : kOverseas) {
    if (std::string_view(digits).substr(0, 4) == o.prefix) {
      return "+" + std::string(o.country_code) + digits.substr(1);
    }
  }
  return "+33" + digits.substr(1);
}

Result<std::string> normalize_ip(std::string_view text) {
  std::string s(trim(text));
  if (s.empty() || s.size() > 64) return invalid("not an IP address");
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
    if (!inet_ntop(AF_INET, buf, out, sizeof out)) return invalid("not an IP address");
    return std::string(out);
  }
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    if (!inet_ntop(AF_INET6, buf, out, sizeof out)) return invalid("not an IP address");
    return std::string(out);
  }
  return invalid("not an IP address (IPv4 or IPv6 expected)");
}

Result<std::string> normalize_value(policy::FieldType type, std::string_view text) {
  using policy::FieldType;
  switch (type) {
    case FieldType::kEmail:
      return normalize_email(text);
    case FieldType::kPhone:
      return normalize_phone(text);
    case FieldType::kIpAddress:
      return normalize_ip(text);
    case FieldType::kDate: {
      auto d = parse_date(trim(text));
      if (!d) return invalid("not a date: expected YYYY-MM-DD");
      return format_date(*d);
    }
    case FieldType::kIdentifier:
      return check_text(text, 256, false, false, "identifier");
    case FieldType::kText:
      return check_text(text, kMaxValueBytes, false, true, "text");
    case FieldType::kPostalAddress:
      return check_text(text, kMaxValueBytes, true, true, "postal address");
    case FieldType::kRecord:
      return check_text(text, kMaxRecordBytes, true, true, "record");
  }
  return invalid("unknown field type");
}

}  // namespace charter::vault
