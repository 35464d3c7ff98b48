// Header fields of a request or response: ordered, duplicates kept, names compared without
// regard to ASCII case (RFC 9110 5.1).
//
// Contract: get() gives the first field of that name; set() replaces every field of that name.
// Values are stored as given (the connection has already rejected CR, LF and NUL). Not thread
// safe; a Request/Response is owned by one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace charter::http {

bool iequals(std::string_view a, std::string_view b);

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  std::size_t size() const { return fields_.size(); }

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace charter::http
