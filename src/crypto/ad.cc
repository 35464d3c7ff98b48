#include "crypto/ad.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace charter::crypto {

AdBuilder& AdBuilder::add(std::string_view part) {
  if (part.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("associated data part longer than 4 GiB");
  }
  const auto n = static_cast<std::uint32_t>(part.size());
  out_.push_back(static_cast<std::uint8_t>(n >> 24));
  out_.push_back(static_cast<std::uint8_t>(n >> 16));
  out_.push_back(static_cast<std::uint8_t>(n >> 8));
  out_.push_back(static_cast<std::uint8_t>(n));
  out_.insert(out_.end(), part.begin(), part.end());
  return *this;
}

AdBuilder& AdBuilder::add_number(std::uint64_t n) { return add(std::to_string(n)); }

Bytes canonical_ad(std::initializer_list<std::string_view> parts) {
  AdBuilder b;
  for (std::string_view p : parts) b.add(p);
  return std::move(b).take();
}

Bytes value_ad(std::string_view subject_id, std::string_view field, std::uint32_t key_version,
               std::string_view item_id) {
  AdBuilder b;
  b.add("charter/value/v1").add(subject_id).add(field).add_number(key_version).add(item_id);
  return std::move(b).take();
}

Bytes wrap_ad(std::string_view subject_id, std::string_view retention_class,
              std::uint32_t data_key_version) {
  AdBuilder b;
  b.add("charter/wrap/v1").add(subject_id).add(retention_class).add_number(data_key_version);
  return std::move(b).take();
}

Bytes system_key_ad(std::string_view name, std::uint32_t version) {
  AdBuilder b;
  b.add("charter/system-key/v1").add(name).add_number(version);
  return std::move(b).take();
}

}  // namespace charter::crypto
