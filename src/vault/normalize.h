// Normalisation and type checks of field values before they are sealed or blind-indexed, so one
// person written two ways gives one value and one blind index (docs/VAULT.md, "Normalisation").
//
//   email           trimmed, lower-cased, checked: ASCII local@domain (RFC 5321 sizes: local
//                   part <= 64, whole <= 254), dot-atom local part, domain of >= 2 LDH labels
//                   with an alphabetic top-level label. Internationalised addresses are refused.
//   phone           E.164 ("+33612345678"). Separators (space, ".", "-", "/", "(", ")") are
//                   ignored; "+" or "00" starts an international number; otherwise the number is
//                   national in the default region, FR only: "0" + 9 digits -> +33 + 9 digits,
//                   except the overseas departments' prefixes (0262, 0590, 0594, 0596, 0639,
//                   0690 ...) which map to their own country codes (+262, +590, +594, +596).
//                   "+33 (0)6 ..." drops the "(0)". A French number has 9 digits after +33 and
//                   does not start with 0; other countries: 7 to 15 digits in all.
//   date            ISO "YYYY-MM-DD" (a real calendar date).
//   ip_address      IPv4 or IPv6 (inet_pton), written back in canonical form (inet_ntop).
//   identifier      1..256 bytes, no white space or control characters.
//   text, postal_address, record
//                   valid UTF-8 without NUL; text and identifier are trimmed; text and postal
//                   address at most 4 KiB, record (event payloads) at most 64 KiB. postal_address
//                   may span lines. Empty (after trimming) is refused.
// Errors: kInvalidArgument with a message that names what was expected and NEVER repeats the
// value (it is personal data); the caller prefixes the field name. Pure; thread safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "policy/model.h"

namespace charter::vault {

inline constexpr std::size_t kMaxValueBytes = 4096;
inline constexpr std::size_t kMaxRecordBytes = 65536;

Result<std::string> normalize_email(std::string_view text);
// `region`: ISO 3166-1 alpha-2 region for national numbers; only "FR" is supported.
Result<std::string> normalize_phone(std::string_view text, std::string_view region = "FR");
Result<std::string> normalize_ip(std::string_view text);

// The normalised form of `text` for a field of type `type` (see above).
Result<std::string> normalize_value(policy::FieldType type, std::string_view text);

// True when `text` is valid UTF-8 (no overlong forms, no surrogates) without NUL bytes.
bool is_valid_utf8(std::string_view text);

}  // namespace charter::vault
