// nlohmann::json -> kainjow mustache data, for the page views of the web module.
// Contract: objects and arrays map to mustache objects and lists, strings as they are (the empty
// string as false, so `{{#s}}` skips it), booleans to true/false, numbers to their decimal text,
// null to false. Pure; thread safe.
#pragma once

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

namespace charter::web {

kainjow::mustache::data to_mustache(const nlohmann::json& value);

}  // namespace charter::web
