// The record of processing activities (GDPR art. 30), rendered from the policy.
//
// Contract: render_ropa(policy, format, lang) gives the register of the policy's purposes:
//   kCsv     RFC 4180 (csv.h): a header row of the CNIL register columns in `lang`, then one
//            row per purpose (ropa_table.h), texts in `lang`;
//   kJson    the "charter-ropa/1" document (ropa_json.h), every language of the policy;
//   kJsonLd  the W3C DPV JSON-LD document (ropa_jsonld.h), every language of the policy.
// JSON outputs are pretty-printed with two-space indentation and end with a newline (invalid
// UTF-8 in a policy text is replaced by U+FFFD rather than failing); all
// outputs are reproducible byte for byte. Errors: kInvalidArgument when `lang` is not a language
// of the policy or has no phrasebook (checked for every format). Pure; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "policy/model.h"

namespace charter::policy {

enum class RopaFormat { kCsv, kJson, kJsonLd };

// "csv" / "json" / "jsonld" <-> RopaFormat.
std::optional<RopaFormat> parse_ropa_format(std::string_view name);
const char* to_string(RopaFormat format);

Result<std::string> render_ropa(const Policy& policy, RopaFormat format,
                                const std::string& lang = "fr");

}  // namespace charter::policy
