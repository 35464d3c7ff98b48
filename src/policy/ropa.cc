#include "policy/ropa.h"

#include <algorithm>

#include "policy/csv.h"
#include "policy/phrases.h"
#include "policy/ropa_json.h"
#include "policy/ropa_jsonld.h"
#include "policy/ropa_table.h"

namespace charter::policy {

std::optional<RopaFormat> parse_ropa_format(std::string_view name) {
  if (name == "csv") return RopaFormat::kCsv;
  if (name == "json") return RopaFormat::kJson;
  if (name == "jsonld") return RopaFormat::kJsonLd;
  return std::nullopt;
}

const char* to_string(RopaFormat format) {
  switch (format) {
    case RopaFormat::kCsv:
      return "csv";
    case RopaFormat::kJson:
      return "json";
    case RopaFormat::kJsonLd:
      return "jsonld";
  }
  return "?";
}

Result<std::string> render_ropa(const Policy& policy, RopaFormat format, const std::string& lang) {
  if (std::find(policy.languages.begin(), policy.languages.end(), lang) == policy.languages.end()) {
    std::string known;
    for (const auto& l : policy.languages) known += (known.empty() ? "" : ", ") + l;
    return make_error(Errc::kInvalidArgument,
                      "language '" + lang + "' is not a language of the policy; allowed: " + known);
  }
  CHARTER_TRY(Phrases phrases, Phrases::for_language(lang));
  switch (format) {
    case RopaFormat::kCsv: {
      std::vector<std::vector<std::string>> rows{ropa_columns(phrases)};
      for (auto& row : ropa_rows(policy, phrases)) rows.push_back(std::move(row));
      return to_csv(rows);
    }
    case RopaFormat::kJson:
      return ropa_json(policy).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    case RopaFormat::kJsonLd:
      return ropa_jsonld(policy).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
  }
  return make_error(Errc::kInternal, "unknown register format");
}

}  // namespace charter::policy
