#include "http/json_body.h"

#include <string>
#include <vector>

namespace charter::http {

namespace {

using nlohmann::json;

// Builds the DOM like nlohmann's own SAX DOM parser, and stops at the first limit.
class BoundedSax final : public nlohmann::json_sax<json> {
 public:
  explicit BoundedSax(const JsonLimits& limits) : limits_(limits) {}

  json root;
  std::string failure;

  bool null() override { return value(json(nullptr)); }
  bool boolean(bool v) override { return value(json(v)); }
  bool number_integer(number_integer_t v) override { return value(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return value(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return value(json(v)); }
  bool string(string_t& v) override {
    if (!check_string(v)) return false;
    return value(json(std::move(v)));
  }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool key(string_t& k) override {
    if (!check_string(k)) return false;
    if (stack_.back()->contains(k)) return fail("duplicate member name in a JSON object");
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    if (failure.empty()) failure = "malformed JSON at byte " + std::to_string(position);
    return false;
  }

 private:
  bool fail(std::string why) {
    failure = std::move(why);
    return false;
  }
  bool check_string(const string_t& s) {
    if (s.size() > limits_.max_string_bytes) {
      return fail("JSON string longer than " + std::to_string(limits_.max_string_bytes) + " bytes");
    }
    return true;
  }
  json* place(json v) {
    if (++values_ > limits_.max_values) {
      fail("JSON has more than " + std::to_string(limits_.max_values) + " values");
      return nullptr;
    }
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }
  bool value(json v) { return place(std::move(v)) != nullptr; }
  bool open(json container) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      return fail("JSON nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    json* p = place(std::move(container));
    if (!p) return false;
    stack_.push_back(p);
    return true;
  }

  const JsonLimits& limits_;
  std::vector<json*> stack_;
  std::string key_;
  std::size_t values_ = 0;
};

}  // namespace

Result<nlohmann::json> parse_json_body(std::string_view text, const JsonLimits& limits) {
  BoundedSax sax(limits);
  bool ok = json::sax_parse(text, &sax, json::input_format_t::json, /*strict=*/true,
                            /*ignore_comments=*/false);
  if (!ok) {
    return make_error(Errc::kInvalidArgument,
                      sax.failure.empty() ? "malformed JSON" : std::move(sax.failure));
  }
  return std::move(sax.root);
}

}  // namespace charter::http
