#include "audit/json_fields.h"

namespace charter::audit::json_fields {
namespace {

Error member_error(const char* name, std::string_view expected) {
  return make_error(Errc::kInvalidArgument,
                    std::string("\"") + name + "\": expected " + std::string(expected));
}

}  // namespace

Result<nlohmann::json> parse_object(std::string_view text, std::string_view what) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return make_error(Errc::kInvalidArgument, std::string(what) + ": expected a JSON object");
  return j;
}

Result<std::uint64_t> get_u64(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_number_unsigned())
    return member_error(name, "an unsigned integer");
  return it->get<std::uint64_t>();
}

Result<std::string> get_string(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return member_error(name, "a string");
  return it->get<std::string>();
}

Result<Hash> get_hash(const nlohmann::json& obj, const char* name) {
  CHARTER_TRY(std::string hex, get_string(obj, name));
  return parse_hash_hex(hex, std::string("\"") + name + "\"");
}

Result<std::vector<Hash>> get_hash_list(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_array()) return member_error(name, "an array of hex hashes");
  std::vector<Hash> out;
  out.reserve(it->size());
  for (const auto& el : *it) {
    if (!el.is_string()) return member_error(name, "an array of hex hashes");
    CHARTER_TRY(Hash h, parse_hash_hex(el.get<std::string>(), std::string("\"") + name + "\""));
    out.push_back(h);
  }
  return out;
}

}  // namespace charter::audit::json_fields
