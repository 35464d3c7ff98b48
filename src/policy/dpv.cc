#include "policy/dpv.h"

#include <array>
#include <utility>

namespace charter::policy::dpv {

std::optional<std::string> expand_iri(std::string_view compact) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kPrefixes = {{
      {"dpv:", kDpvNamespace},
      {"pd:", kPdNamespace},
      {"eu-gdpr:", kEuGdprNamespace},
  }};
  for (const auto& [prefix, ns] : kPrefixes) {
    if (compact.size() > prefix.size() && compact.substr(0, prefix.size()) == prefix) {
      return std::string(ns) + std::string(compact.substr(prefix.size()));
    }
  }
  return std::nullopt;
}

std::string basis_iri(BasisKind kind) {
  switch (kind) {
    case BasisKind::kConsent:
      return "eu-gdpr:A6-1-a";
    case BasisKind::kContract:
      return "eu-gdpr:A6-1-b";
    case BasisKind::kLegalObligation:
      return "eu-gdpr:A6-1-c";
    case BasisKind::kVitalInterest:
      return "eu-gdpr:A6-1-d";
    case BasisKind::kPublicTask:
      return "eu-gdpr:A6-1-e";
    case BasisKind::kLegitimateInterest:
      return "eu-gdpr:A6-1-f";
  }
  return "eu-gdpr:A6-1-b";  // unreachable: the switch covers every kind
}

std::optional<std::string> right_iri(const std::string& right_id) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kRights = {{
      {"access", "eu-gdpr:A15"},
      {"rectification", "eu-gdpr:A16"},
      {"erasure", "eu-gdpr:A17"},
      {"restriction", "eu-gdpr:A18"},
      {"portability", "eu-gdpr:A20"},
      {"withdraw_consent", "eu-gdpr:A7-3"},
      {"objection", "eu-gdpr:A21"},
  }};
  for (const auto& [id, iri] : kRights) {
    if (id == right_id) return std::string(iri);
  }
  return std::nullopt;
}

}  // namespace charter::policy::dpv
