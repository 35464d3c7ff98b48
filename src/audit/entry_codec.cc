#include "audit/entry_codec.h"

#include <stdexcept>

namespace charter::audit {
namespace {

void put_u64(crypto::Bytes& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_string(crypto::Bytes& out, const std::string& s) {
  out.push_back(static_cast<std::uint8_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

class Reader {
 public:
  explicit Reader(crypto::ByteView b) : b_(b) {}
  bool u8(std::uint8_t& v) {
    if (pos_ + 1 > b_.size()) return false;
    v = b_[pos_++];
    return true;
  }
  bool u64(std::uint64_t& v) {
    if (pos_ + 8 > b_.size()) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | b_[pos_++];
    return true;
  }
  bool str(std::string_view& s) {
    std::uint8_t n = 0;
    if (!u8(n) || pos_ + n > b_.size()) return false;
    s = std::string_view(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool at_end() const { return pos_ == b_.size(); }

 private:
  crypto::ByteView b_;
  std::size_t pos_ = 0;
};

}  // namespace

void encode_entry_to(const AuditEntry& entry, crypto::Bytes& out) {
  encode_entry_to(entry.sequence, entry.time, entry.event, out);
}

void encode_entry_to(std::uint64_t sequence, Timestamp time, const AuditEvent& e,
                     crypto::Bytes& out) {
  if (!check_event(view_of(e)).empty())
    throw std::invalid_argument("encode_entry: event not validated");
  out.push_back(kEntryFormatVersion);
  put_u64(out, sequence);
  put_u64(out, static_cast<std::uint64_t>(to_unix_micros(time)));
  out.push_back(static_cast<std::uint8_t>(e.actor.kind));
  out.push_back(static_cast<std::uint8_t>(e.decision));
  put_string(out, e.actor.id);
  put_string(out, e.actor.role);
  put_string(out, e.action);
  put_string(out, e.purpose);
  put_string(out, e.subject);
  put_string(out, e.reason);
  put_string(out, e.request_id);
}

crypto::Bytes encode_entry(const AuditEntry& entry) {
  crypto::Bytes out;
  out.reserve(64 + 7 * 32);
  encode_entry_to(entry, out);
  return out;
}

std::string_view decode_entry_view(crypto::ByteView bytes, EntryView& out) {
  Reader r(bytes);
  std::uint8_t version = 0, kind = 0, decision = 0;
  std::uint64_t time = 0;
  if (!r.u8(version)) return "empty";
  if (version != kEntryFormatVersion) return "unknown format version";
  if (!r.u64(out.sequence) || !r.u64(time) || !r.u8(kind) || !r.u8(decision))
    return "truncated header";
  if (kind < 1 || kind > 4) return "unknown actor kind";
  if (decision > 2) return "unknown decision";
  out.time = from_unix_micros(static_cast<std::int64_t>(time));
  EventView& e = out.event;
  e.actor_kind = static_cast<ActorKind>(kind);
  e.decision = static_cast<Decision>(decision);
  if (!r.str(e.actor_id) || !r.str(e.actor_role) || !r.str(e.action) || !r.str(e.purpose) ||
      !r.str(e.subject) || !r.str(e.reason) || !r.str(e.request_id))
    return "truncated field";
  if (!r.at_end()) return "trailing bytes";
  return check_event(e);
}

Result<AuditEntry> decode_entry(crypto::ByteView bytes) {
  EntryView v;
  if (std::string_view why = decode_entry_view(bytes, v); !why.empty())
    return make_error(Errc::kIntegrity, "audit entry encoding: " + std::string(why));
  AuditEntry entry;
  entry.sequence = v.sequence;
  entry.time = v.time;
  AuditEvent& e = entry.event;
  e.actor =
      Actor{v.event.actor_kind, std::string(v.event.actor_id), std::string(v.event.actor_role)};
  e.action = v.event.action;
  e.purpose = v.event.purpose;
  e.subject = v.event.subject;
  e.decision = v.event.decision;
  e.reason = v.event.reason;
  e.request_id = v.event.request_id;
  return entry;
}

}  // namespace charter::audit
