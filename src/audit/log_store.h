// Where the audit log lives: the storage-agnostic interface the appender, the verifier, the
// prover and the access history use. Implementations: MemoryLogStore (tests, benchmarks) and the
// database-backed stores.
//
// Model: entries are rows keyed by sequence number, append-only, dense from 0. Each row holds
// the canonical encoding (the exact leaf input), its leaf hash as computed when written, and
// the subject pseudonym (a copy of the entry's own field, for the subject index). Signed tree
// heads are rows keyed by tree size.
//
// Contract for implementations:
//   - append(): atomic and durable. On ok, the rows and the head (if any) are durable; on error,
//     none of them were written. It refuses (kConflict) a batch whose first sequence number is
//     not the current size() or whose sequence numbers are not consecutive.
//   - read(from, limit): the rows with sequence >= from, in sequence order, at most `limit`.
//     It returns what is stored without checking it (the verifier's job).
//   - Storage failures: kUnavailable. All methods are thread safe (one writer, many readers).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle_hash.h"
#include "audit/tree_head.h"
#include "core/result.h"
#include "crypto/bytes.h"

namespace charter::audit {

struct StoredEntry {
  std::uint64_t sequence = 0;
  std::string subject;    // the entry's subject pseudonym, "" if none (index column)
  crypto::Bytes encoded;  // canonical encoding (entry_codec.h)
  Hash leaf_hash{};       // leaf_hash(encoded) when written
  bool operator==(const StoredEntry&) const = default;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // Number of entries (= the next sequence number).
  virtual Result<std::uint64_t> size() = 0;
  // Appends `entries` (consecutive, starting at size()) and, when given, a signed tree head,
  // in one durable transaction.
  virtual Status append(std::span<const StoredEntry> entries, const SignedTreeHead* head) = 0;
  // Stores a tree head alone (for heads issued on a timer). kConflict if a different head
  // with the same size exists; storing an identical head again is ok.
  virtual Status put_head(const SignedTreeHead& head) = 0;

  virtual Result<std::vector<StoredEntry>> read(std::uint64_t from_sequence, std::size_t limit) = 0;
  // All heads, in increasing tree size.
  virtual Result<std::vector<SignedTreeHead>> heads() = 0;
  // The head with the largest tree size, if any.
  virtual Result<std::optional<SignedTreeHead>> latest_head() = 0;
  // Rows whose subject column equals `pseudonym`, sequence >= from, in sequence order.
  virtual Result<std::vector<StoredEntry>> read_subject(std::string_view pseudonym,
                                                        std::uint64_t from_sequence,
                                                        std::size_t limit) = 0;
};

}  // namespace charter::audit
