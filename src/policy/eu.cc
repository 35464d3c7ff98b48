#include "policy/eu.h"

#include <array>
#include <string_view>

namespace charter::policy {
namespace {
constexpr std::array<std::string_view, 27> kEu = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
}  // namespace

bool is_eu_country(std::string_view iso2) {
  for (auto c : kEu)
    if (c == iso2) return true;
  return false;
}

const char* eu_country_list() {
  return "AT, BE, BG, HR, CY, CZ, DK, EE, FI, FR, DE, GR, HU, IE, IT, LV, LT, LU, MT, NL, PL, PT, "
         "RO, SK, SI, ES, SE";
}

}  // namespace charter::policy
