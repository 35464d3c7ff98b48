// Canonical associated data (AD): an unambiguous byte encoding of a list of string parts, used to
// bind a sealed value or a wrapped key to where it belongs.
//
// Encoding: for each part, its length as 4 bytes big-endian, then its bytes. So ["ab","c"],
// ["a","bc"] and ["abc"] all differ, and a list never encodes like a longer or shorter one.
// Numbers are added as their decimal text. Every AD made here starts with a domain label
// ("charter/value/v1", "charter/wrap/v1") so the AD of one use never equals that of another.
// Contract: pure; AdBuilder is a value type (not shared between threads). A part longer than
// 4 GiB is a bug (throws std::length_error).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "crypto/bytes.h"

namespace charter::crypto {

class AdBuilder {
 public:
  AdBuilder& add(std::string_view part);
  AdBuilder& add_number(std::uint64_t n);
  const Bytes& bytes() const { return out_; }
  Bytes take() && { return std::move(out_); }

 private:
  Bytes out_;
};

Bytes canonical_ad(std::initializer_list<std::string_view> parts);

// AD of a sealed field value or event payload: ("charter/value/v1", subject id, field or event
// kind, data key version, item id). item_id is empty for a subject's single-valued field; give
// the row/event id for anything that has several rows, so a value cannot move between rows.
Bytes value_ad(std::string_view subject_id, std::string_view field, std::uint32_t key_version,
               std::string_view item_id = {});

// AD of a wrapped data key: ("charter/wrap/v1", subject id, retention class, data key version).
Bytes wrap_ad(std::string_view subject_id, std::string_view retention_class,
              std::uint32_t data_key_version);

// AD of a wrapped system key that belongs to no subject (blind-index root, pseudonym key, token
// key, audit signing seed): ("charter/system-key/v1", name, version).
Bytes system_key_ad(std::string_view name, std::uint32_t version);

}  // namespace charter::crypto
