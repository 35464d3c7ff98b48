// Full verification of a stored audit log: recomputes every leaf hash and the Merkle root at
// every signed tree head, checks every head's signature, and names the FIRST bad entry.
//
// Per entry, in log order (position p = number of rows before it):
//   store key == p, leaf hash of its bytes == the hash recorded when written, entry decodes
//   canonically, its own sequence number == p, subject index column == its subject, time not
//   before the previous entry's.
// Per signed head (stored ones with a valid signature, plus an optional trusted head from
// outside the store): the root recomputed at its size == its root. A head larger than the
// log means the tail was truncated.
// The first problem is the one with the smallest entry index; a head whose root differs names
// the range after the last head that matched, unless an entry-level check pinpoints the entry
// inside it. docs/AUDIT.md lists what each kind of tampering looks like.
//
// Contract: returns a VerifyReport (problem or not) when the store could be read; errors:
// kUnavailable from the store, kInvalidArgument when the trusted head's signature does not
// verify under `key` (wrong key or file). Uses options.threads threads (0: one per core) and
// about 500 bytes of memory per entry of options.chunk (two chunks of rows, one being read).
// Thread safe with respect to other readers of the store; the store must not be written
// during the call for a stable answer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "audit/log_store.h"
#include "audit/tree_head.h"

namespace charter::audit {

enum class ProblemKind {
  kMalformedEntry,        // bytes do not decode as a canonical entry
  kMissingEntry,          // a sequence number is absent (entry removed)
  kReorderedEntry,        // an entry carries a later sequence number (swap, removal)
  kDuplicateEntry,        // an entry is a byte-identical copy of an earlier one
  kInsertedEntry,         // two different entries carry the same sequence number
  kLeafHashMismatch,      // entry bytes changed after they were written
  kSubjectIndexMismatch,  // the subject index column was changed
  kTimeReversed,          // time goes backwards
  kRootMismatch,          // entries in a range do not match a signed head
  kBadSignature,          // a stored tree head's signature does not verify
  kTruncated,             // a signed head covers entries the log no longer has
};
std::string_view problem_kind_name(ProblemKind kind);  // "malformed-entry", ...

struct Problem {
  ProblemKind kind;
  std::uint64_t index = 0;      // the first entry that is bad (or may be bad, for ranges)
  std::uint64_t range_end = 0;  // kRootMismatch/kTruncated: end of the suspect range; else index+1
  std::string message;
};

struct VerifyOptions {
  std::optional<SignedTreeHead> trusted_head;  // e.g. from `--trusted-head FILE`
  unsigned threads = 0;
  std::size_t chunk = 65536;  // entries read and hashed at once (a power of two, >= threads)
  std::function<void(std::uint64_t entries_done)> progress;  // called after each chunk
};

struct VerifyReport {
  std::uint64_t entries = 0;        // entries checked before the first problem
  std::uint64_t heads_checked = 0;  // heads whose root was compared (including the trusted one)
  std::uint64_t signed_size = 0;    // largest size covered by a head that matched
  Hash root{};                      // root of the whole log (when ok)
  std::optional<Problem> problem;

  bool ok() const { return !problem.has_value(); }
  // ok, or kIntegrity with the problem's message.
  Status status() const;
};

Result<VerifyReport> verify_log(LogStore& store, const crypto::PublicKey& key,
                                const VerifyOptions& options = {});

}  // namespace charter::audit
