// An in-memory LogStore for tests and benchmarks, with fault injection and raw access for
// tamper tests. "Durable" here means "in this object".
//
// Contract: as LogStore. fail_appends(n) makes the next n append()/put_head() calls fail with
// kUnavailable and write nothing; fail_reads(n) the same for reads. Thread safe (one mutex).
// The raw accessors (mutable_rows, mutable_heads) bypass every rule: they exist to simulate
// an attacker or a corrupted disk, and callers must not use the store concurrently meanwhile.
#pragma once

#include <map>
#include <mutex>

#include "audit/log_store.h"

namespace charter::audit {

class MemoryLogStore final : public LogStore {
 public:
  Result<std::uint64_t> size() override;
  Status append(std::span<const StoredEntry> entries, const SignedTreeHead* head) override;
  Status put_head(const SignedTreeHead& head) override;
  Result<std::vector<StoredEntry>> read(std::uint64_t from_sequence, std::size_t limit) override;
  Result<std::vector<SignedTreeHead>> heads() override;
  Result<std::optional<SignedTreeHead>> latest_head() override;
  Result<std::vector<StoredEntry>> read_subject(std::string_view pseudonym,
                                                std::uint64_t from_sequence,
                                                std::size_t limit) override;

  void fail_appends(int n);
  void fail_reads(int n);

  // Rows in sequence-key order, like a table keyed by sequence: tamper with the contents, or
  // erase/insert rows keeping the keys sorted and unique (as a database would).
  std::vector<StoredEntry>& mutable_rows() { return rows_; }
  std::map<std::uint64_t, SignedTreeHead>& mutable_heads() { return heads_; }

 private:
  Status check_read_fault();
  std::size_t lower_bound(std::uint64_t sequence) const;

  std::mutex mu_;
  std::vector<StoredEntry> rows_;
  std::map<std::uint64_t, SignedTreeHead> heads_;
  std::map<std::string, std::vector<std::uint64_t>, std::less<>> by_subject_;
  int failing_appends_ = 0;
  int failing_reads_ = 0;
};

}  // namespace charter::audit
