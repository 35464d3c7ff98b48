// The canonical binary encoding of an audit entry: the exact bytes that are stored and hashed
// into the Merkle tree (leaf input). Format version 1, documented byte by byte in docs/AUDIT.md:
//
//   u8  version (1) | u64 sequence | i64 time (µs since Unix epoch, UTC) | u8 actor kind |
//   u8  decision | then 7 strings, each u8 length + ASCII bytes, in this order:
//   actor id, actor role, action, purpose, subject, reason, request id.
//   Integers are big-endian (time: two's complement).
//
// Canonical: every entry has exactly one encoding, and decode() accepts only such encodings
// (known version, known enum values, every field valid per validate_event, no trailing bytes),
// so encode(decode(b)) == b for every accepted b.
//
// Contract: encode_entry() requires a valid event (validate_event); encoding an invalid one is
// a bug (std::invalid_argument). decode_entry() errors: kIntegrity naming what is wrong (never
// the field's content). Pure functions, thread safe.
#pragma once

#include "audit/entry.h"
#include "crypto/bytes.h"

namespace charter::audit {

inline constexpr std::uint8_t kEntryFormatVersion = 1;

// A decoded entry whose strings point into the encoded bytes (which must outlive it).
struct EntryView {
  std::uint64_t sequence = 0;
  Timestamp time{};
  EventView event;
};

crypto::Bytes encode_entry(const AuditEntry& entry);
// Appends the encoding to `out` (no allocation when `out` has capacity).
void encode_entry_to(const AuditEntry& entry, crypto::Bytes& out);
void encode_entry_to(std::uint64_t sequence, Timestamp time, const AuditEvent& event,
                     crypto::Bytes& out);
Result<AuditEntry> decode_entry(crypto::ByteView bytes);
// As decode_entry, without allocating: returns "" and fills `out`, or what is wrong.
std::string_view decode_entry_view(crypto::ByteView bytes, EntryView& out);

}  // namespace charter::audit
