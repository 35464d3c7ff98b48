#include "web/mustache_view.h"

namespace charter::web {

using kainjow::mustache::data;

data to_mustache(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      data d;
      for (const auto& [k, item] : v.items()) d.set(k, to_mustache(item));
      return d;
    }
    case nlohmann::json::value_t::array: {
      data d{data::type::list};
      for (const auto& item : v) d.push_back(to_mustache(item));
      return d;
    }
    case nlohmann::json::value_t::string:
      // An empty string is false, as in other mustache implementations: `{{#error}}` must not
      // render an empty alert box (kainjow renders a section for any string). `{{x}}` of false
      // renders nothing, like the empty string.
      if (v.get_ref<const std::string&>().empty()) return data(false);
      return data(v.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return data(v.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return data(v.dump());
    default:
      return data(false);
  }
}

}  // namespace charter::web
