#include "audit/memory_log_store.h"

#include <algorithm>

namespace charter::audit {
namespace {

Error injected(std::string_view op) {
  return make_error(Errc::kUnavailable, "audit store: injected " + std::string(op) + " failure");
}

}  // namespace

void MemoryLogStore::fail_appends(int n) {
  std::lock_guard lock(mu_);
  failing_appends_ = n;
}

void MemoryLogStore::fail_reads(int n) {
  std::lock_guard lock(mu_);
  failing_reads_ = n;
}

Status MemoryLogStore::check_read_fault() {
  if (failing_reads_ > 0) {
    --failing_reads_;
    return injected("read");
  }
  return ok_status();
}

std::size_t MemoryLogStore::lower_bound(std::uint64_t sequence) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), sequence,
                             [](const StoredEntry& e, std::uint64_t s) { return e.sequence < s; });
  return static_cast<std::size_t>(it - rows_.begin());
}

Result<std::uint64_t> MemoryLogStore::size() {
  std::lock_guard lock(mu_);
  CHARTER_TRY_STATUS(check_read_fault());
  return rows_.empty() ? 0 : rows_.back().sequence + 1;
}

Status MemoryLogStore::append(std::span<const StoredEntry> entries, const SignedTreeHead* head) {
  std::lock_guard lock(mu_);
  if (failing_appends_ > 0) {
    --failing_appends_;
    return injected("append");
  }
  std::uint64_t next = rows_.empty() ? 0 : rows_.back().sequence + 1;
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].sequence != next + i)
      return make_error(Errc::kConflict, "audit store: append out of sequence (expected " +
                                             std::to_string(next + i) + ")");
  if (head) {
    auto it = heads_.find(head->head.tree_size);
    if (it != heads_.end() && it->second != *head)
      return make_error(Errc::kConflict, "audit store: another head with this size exists");
  }
  for (const auto& e : entries) {
    if (!e.subject.empty()) {
      auto it = by_subject_.find(e.subject);
      if (it == by_subject_.end())
        it = by_subject_.emplace(e.subject, std::vector<std::uint64_t>{}).first;
      it->second.push_back(e.sequence);
    }
    rows_.push_back(e);
  }
  if (head) heads_[head->head.tree_size] = *head;
  return ok_status();
}

Status MemoryLogStore::put_head(const SignedTreeHead& head) {
  return append(std::span<const StoredEntry>(), &head);
}

Result<std::vector<StoredEntry>> MemoryLogStore::read(std::uint64_t from_sequence,
                                                      std::size_t limit) {
  std::lock_guard lock(mu_);
  CHARTER_TRY_STATUS(check_read_fault());
  std::size_t begin = lower_bound(from_sequence);
  std::size_t end = begin + std::min(limit, rows_.size() - begin);
  return std::vector<StoredEntry>(rows_.begin() + begin, rows_.begin() + end);
}

Result<std::vector<SignedTreeHead>> MemoryLogStore::heads() {
  std::lock_guard lock(mu_);
  CHARTER_TRY_STATUS(check_read_fault());
  std::vector<SignedTreeHead> out;
  out.reserve(heads_.size());
  for (const auto& [size, h] : heads_) out.push_back(h);
  return out;
}

Result<std::optional<SignedTreeHead>> MemoryLogStore::latest_head() {
  std::lock_guard lock(mu_);
  CHARTER_TRY_STATUS(check_read_fault());
  if (heads_.empty()) return std::optional<SignedTreeHead>();
  return std::optional<SignedTreeHead>(heads_.rbegin()->second);
}

Result<std::vector<StoredEntry>> MemoryLogStore::read_subject(std::string_view pseudonym,
                                                              std::uint64_t from_sequence,
                                                              std::size_t limit) {
  std::lock_guard lock(mu_);
  CHARTER_TRY_STATUS(check_read_fault());
  std::vector<StoredEntry> out;
  auto it = by_subject_.find(pseudonym);
  if (it == by_subject_.end()) return out;
  const auto& seqs = it->second;
  for (auto s = std::lower_bound(seqs.begin(), seqs.end(), from_sequence);
       s != seqs.end() && out.size() < limit; ++s) {
    std::size_t i = lower_bound(*s);
    if (i < rows_.size() && rows_[i].sequence == *s) out.push_back(rows_[i]);
  }
  return out;
}

}  // namespace charter::audit
