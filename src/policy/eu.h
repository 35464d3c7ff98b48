// The member states of the European Union (ISO 3166-1 alpha-2), for hosting and recipients (C10).
#pragma once

#include <string_view>

namespace charter::policy {

bool is_eu_country(std::string_view iso2);
// "AT, BE, ..." for error messages.
const char* eu_country_list();

}  // namespace charter::policy
