#include "audit/verifier.h"

#include <algorithm>
#include <bit>
#include <future>
#include <limits>
#include <thread>

#include "audit/compact_range.h"
#include "audit/entry_codec.h"
#include "audit/worker_pool.h"

namespace charter::audit {
namespace {

constexpr unsigned kMaxChunkLevels = 24;
constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();

std::string num(std::uint64_t v) { return std::to_string(v); }

// What an entry-level check found (before resolving duplicate vs. insertion).
struct LocalProblem {
  enum Kind { kNoProblem, kMalformed, kMissing, kReordered, kSeqBelow, kLeaf, kSubject, kTime };
  Kind kind = kNoProblem;
  std::uint64_t index = kNone;  // position where it was detected
  std::uint64_t other = 0;      // the sequence number found (kMissing, kReordered, kSeqBelow)
  std::string_view why;         // kMalformed: what is wrong
};

struct BlockResult {
  LocalProblem problem;
  bool any = false;  // at least one row checked
  Timestamp first_time{};
  Timestamp last_time{};
};

struct Checkpoint {
  SignedTreeHead sth;
  bool trusted = false;
};

Problem make_problem(ProblemKind kind, std::uint64_t index, std::string message,
                     std::uint64_t range_end = 0) {
  return Problem{kind, index, range_end ? range_end : index + 1, std::move(message)};
}

class Verifier {
 public:
  Verifier(LogStore& store, const VerifyOptions& options, std::vector<Checkpoint> checkpoints)
      : store_(store),
        options_(options),
        checkpoints_(std::move(checkpoints)),
        pool_(thread_count(options.threads)) {
    std::size_t chunk = std::bit_floor(
        std::clamp<std::size_t>(options.chunk, pool_.size(), std::size_t{1} << kMaxChunkLevels));
    chunk_levels_ = static_cast<unsigned>(std::countr_zero(chunk));
    chunk_ = chunk;
    block_ = chunk_ / pool_.size();
    levels_.resize(chunk_levels_ + 1);
  }

  Result<VerifyReport> run();

 private:
  static unsigned thread_count(unsigned wanted) {
    unsigned n = wanted ? wanted : std::max(1u, std::thread::hardware_concurrency());
    return std::bit_floor(std::min(n, 64u));
  }

  void check_block(unsigned t);
  void advance(std::size_t n);  // adds the chunk's first n leaves to the frontier
  void build_levels(std::size_t valid);
  Hash root_at(std::uint64_t size) const;  // size in (begin_, begin_ + valid]
  Result<Problem> resolve(const LocalProblem& lp);
  // The sequence number carried by the row after position p, if any and decodable.
  Result<std::optional<std::uint64_t>> sequence_after(std::uint64_t p);
  // Compares heads with size <= limit; returns the first mismatch (a root problem).
  std::optional<Problem> check_heads(std::uint64_t limit, std::uint64_t local_index);

  LogStore& store_;
  const VerifyOptions& options_;
  std::vector<Checkpoint> checkpoints_;
  WorkerPool pool_;
  std::size_t chunk_ = 0;  // a power of two
  unsigned chunk_levels_ = 0;
  std::size_t block_ = 0;  // chunk_ / threads

  // Scan state.
  CompactRange frontier_;  // over entries [0, begin_)
  std::uint64_t begin_ = 0;
  bool aligned_ = true;
  Timestamp last_time_{};
  bool have_time_ = false;
  std::size_t next_checkpoint_ = 0;
  std::uint64_t matched_size_ = 0;  // size of the last head that matched
  std::uint64_t heads_checked_ = 0;

  // Current chunk.
  std::vector<StoredEntry> rows_;
  std::vector<std::vector<Hash>> levels_;
  std::vector<BlockResult> blocks_;
};

void Verifier::check_block(unsigned t) {
  BlockResult& out = blocks_[t];
  out = BlockResult{};
  const std::size_t lo = t * block_, hi = std::min(rows_.size(), (t + 1) * block_);
  std::vector<Hash>& leaves = levels_[0];
  Timestamp prev{};
  for (std::size_t j = lo; j < hi; ++j) {
    const std::uint64_t p = begin_ + j;
    const StoredEntry& r = rows_[j];
    auto fail = [&](LocalProblem::Kind kind, std::uint64_t other = 0, std::string_view why = {}) {
      out.problem = LocalProblem{kind, p, other, why};
    };
    if (r.sequence != p) {
      fail(r.sequence > p ? LocalProblem::kMissing : LocalProblem::kSeqBelow, r.sequence);
      return;
    }
    // Bytes changed after writing come first: that pinpoints this very row, whatever the
    // change makes the bytes say (another sequence number, an undecodable field...).
    const Hash h = leaf_hash(r.encoded);
    if (h != r.leaf_hash) return fail(LocalProblem::kLeaf);
    EntryView v;
    if (std::string_view why = decode_entry_view(r.encoded, v); !why.empty()) {
      fail(LocalProblem::kMalformed, 0, why);
      return;
    }
    if (v.sequence != p) {
      fail(v.sequence > p ? LocalProblem::kReordered : LocalProblem::kSeqBelow, v.sequence);
      return;
    }
    if (r.subject != v.event.subject) return fail(LocalProblem::kSubject);
    if (out.any && v.time < prev) return fail(LocalProblem::kTime);
    if (!out.any) out.first_time = v.time;
    out.any = true;
    prev = out.last_time = v.time;
    leaves[j] = h;
  }
}

void Verifier::build_levels(std::size_t valid) {
  for (unsigned k = 1; k <= chunk_levels_; ++k) levels_[k].resize(valid >> k);
  const unsigned block_levels = static_cast<unsigned>(std::countr_zero(block_));
  auto level_range = [&](unsigned k, std::size_t lo, std::size_t hi) {
    auto& up = levels_[k];
    const auto& down = levels_[k - 1];
    for (std::size_t j = lo; j < hi; ++j) up[j] = node_hash(down[2 * j], down[2 * j + 1]);
  };
  pool_.run([&](unsigned t) {
    const std::size_t lo = t * block_, hi = std::min(valid, (t + 1) * block_);
    if (lo >= hi) return;
    for (unsigned k = 1; k <= block_levels; ++k) level_range(k, lo >> k, hi >> k);
  });
  for (unsigned k = block_levels + 1; k <= chunk_levels_; ++k) level_range(k, 0, levels_[k].size());
}

Hash Verifier::root_at(std::uint64_t size) const {
  CompactRange cr = frontier_;
  const std::uint64_t d = size - begin_;
  if (aligned_) {
    std::uint64_t off = 0;
    for (int k = chunk_levels_; k >= 0; --k) {
      if ((d >> k) & 1) {
        cr.append_subtree(static_cast<unsigned>(k), levels_[k][off >> k]);
        off += std::uint64_t{1} << k;
      }
    }
  } else {
    for (std::uint64_t j = 0; j < d; ++j) cr.append(levels_[0][j]);
  }
  return cr.root();
}

std::optional<Problem> Verifier::check_heads(std::uint64_t limit, std::uint64_t local_index) {
  for (; next_checkpoint_ < checkpoints_.size(); ++next_checkpoint_) {
    const Checkpoint& cp = checkpoints_[next_checkpoint_];
    const std::uint64_t s = cp.sth.head.tree_size;
    if (s > limit) break;
    ++heads_checked_;
    const Hash root = s == 0 ? empty_root() : root_at(s);
    if (root == cp.sth.head.root) {
      matched_size_ = std::max(matched_size_, s);
      continue;
    }
    // An entry-level problem inside [matched, s) explains the mismatch, and more precisely.
    if (local_index >= matched_size_ && local_index < s) return std::nullopt;
    const std::string which = cp.trusted ? "the trusted tree head" : "the signed tree head";
    return make_problem(ProblemKind::kRootMismatch, matched_size_,
                        "entries [" + num(matched_size_) + ", " + num(s) + ") do not match " +
                            which + " at size " + num(s) +
                            ": at least one was changed, inserted or removed",
                        s);
  }
  return std::nullopt;
}

Result<Problem> Verifier::resolve(const LocalProblem& lp) {
  const std::uint64_t p = lp.index, q = lp.other;
  switch (lp.kind) {
    case LocalProblem::kMalformed:
      return make_problem(ProblemKind::kMalformedEntry, p,
                          "entry " + num(p) + " does not decode: " + std::string(lp.why));
    case LocalProblem::kMissing:
      return make_problem(ProblemKind::kMissingEntry, p,
                          "entry " + num(p) + " is missing: the next stored entry has sequence " +
                              num(q) + " (entries removed)",
                          q);
    case LocalProblem::kReordered:
      return make_problem(ProblemKind::kReorderedEntry, p,
                          "entry at position " + num(p) + " carries sequence " + num(q) +
                              ": entries reordered or removed");
    case LocalProblem::kSeqBelow: {
      // Positions q and p both carry sequence q. Same bytes: p is a copy. Otherwise one of them
      // is not authentic: q is, if a verified head covers it; p alone is wrong if the entries
      // after it are not shifted; else entries [q, p) were inserted (shifting the rest).
      crypto::Bytes earlier;
      if (q >= begin_) {
        earlier = rows_[q - begin_].encoded;
      } else {
        CHARTER_TRY(std::vector<StoredEntry> r, store_.read(q, 1));
        if (!r.empty() && r[0].sequence == q) earlier = std::move(r[0].encoded);
      }
      if (earlier == rows_[p - begin_].encoded)
        return make_problem(ProblemKind::kDuplicateEntry, p,
                            "entry at position " + num(p) + " duplicates entry " + num(q));
      const Problem wrong_at_p =
          make_problem(ProblemKind::kReorderedEntry, p,
                       "entry at position " + num(p) + " carries sequence " + num(q) +
                           ", which belongs to the entry at position " + num(q));
      if (q < matched_size_) return wrong_at_p;
      CHARTER_TRY(std::optional<std::uint64_t> next_seq, sequence_after(p));
      if (next_seq && *next_seq == p + 1) return wrong_at_p;
      return make_problem(ProblemKind::kInsertedEntry, q,
                          "entries at positions " + num(q) + " and " + num(p) +
                              " both carry sequence " + num(q) + " and the entries after are " +
                              "shifted: " + (p - q == 1 ? "an entry was" : "entries were") +
                              " inserted at " + num(q),
                          p);
    }
    case LocalProblem::kLeaf:
      return make_problem(ProblemKind::kLeafHashMismatch, p,
                          "entry " + num(p) +
                              ": its bytes do not match the leaf hash recorded when it was "
                              "written (changed after writing)");
    case LocalProblem::kSubject:
      return make_problem(ProblemKind::kSubjectIndexMismatch, p,
                          "entry " + num(p) + ": the subject index differs from the entry");
    case LocalProblem::kTime:
      return make_problem(ProblemKind::kTimeReversed, p,
                          "entry " + num(p) + ": time is before the previous entry's");
    case LocalProblem::kNoProblem:
      break;
  }
  return make_error(Errc::kInternal, "verifier: unresolved problem");
}

void Verifier::advance(std::size_t n) {
  if (aligned_) {
    std::uint64_t off = 0;
    for (int k = chunk_levels_; k >= 0; --k) {
      if ((n >> k) & 1) {
        frontier_.append_subtree(static_cast<unsigned>(k), levels_[k][off >> k]);
        off += std::uint64_t{1} << k;
      }
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) frontier_.append(levels_[0][j]);
  }
  begin_ += n;
}

Result<std::optional<std::uint64_t>> Verifier::sequence_after(std::uint64_t p) {
  StoredEntry next;
  if (p + 1 < begin_ + rows_.size()) {
    next = rows_[p + 1 - begin_];
  } else {
    CHARTER_TRY(std::vector<StoredEntry> r, store_.read(rows_[p - begin_].sequence + 1, 1));
    if (r.empty()) return std::optional<std::uint64_t>();
    next = std::move(r[0]);
  }
  EntryView v;
  if (!decode_entry_view(next.encoded, v).empty()) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(v.sequence);
}

Result<VerifyReport> Verifier::run() {
  VerifyReport report;
  levels_[0].resize(chunk_);
  blocks_.resize(pool_.size());
  std::optional<Problem> problem;
  // A head whose root differs: before reporting the whole range, keep reading through its end
  // in case an entry-level check pinpoints the bad entry inside it.
  std::optional<Problem> pending_root;
  // The next chunk is read while this one is hashed (the store read is serial work: a database
  // query, copies), so reading overlaps hashing.
  auto read_chunk = [this](std::uint64_t from_key, std::uint64_t position) {
    return std::async(std::launch::async, [this, from_key, position] {
      return store_.read(from_key, chunk_ - position % chunk_);
    });
  };
  auto next_chunk = read_chunk(0, 0);
  for (;;) {
    aligned_ = begin_ % chunk_ == 0;
    CHARTER_TRY(rows_, next_chunk.get());
    if (rows_.empty()) break;
    next_chunk = read_chunk(rows_.back().sequence + 1, begin_ + rows_.size());
    pool_.run([this](unsigned t) { check_block(t); });

    // Join the blocks: first local problem, and time order across block boundaries.
    LocalProblem first;
    for (unsigned t = 0; t < blocks_.size(); ++t) {
      const BlockResult& b = blocks_[t];
      if (b.any && have_time_ && b.first_time < last_time_) {
        first = LocalProblem{LocalProblem::kTime, begin_ + t * block_, 0, {}};
        break;
      }
      if (b.any) {
        last_time_ = b.last_time;
        have_time_ = true;
      }
      if (b.problem.kind != LocalProblem::kNoProblem) {
        first = b.problem;
        break;
      }
    }
    const std::size_t valid =
        first.kind == LocalProblem::kNoProblem ? rows_.size() : first.index - begin_;
    // Heads up to the first problem first: they tell which entries are authentic.
    const std::uint64_t candidate = first.kind == LocalProblem::kNoProblem  ? kNone
                                    : first.kind == LocalProblem::kSeqBelow ? first.other
                                                                            : first.index;
    if (!pending_root) {
      if (aligned_) build_levels(valid);
      pending_root = check_heads(begin_ + valid, candidate);
    }
    std::optional<Problem> local;
    if (first.kind != LocalProblem::kNoProblem) {
      CHARTER_TRY(Problem resolved, resolve(first));
      local = std::move(resolved);
    }
    if (pending_root) {
      if (local && local->index < pending_root->range_end)
        problem = std::move(local);
      else if (local || begin_ + rows_.size() > pending_root->range_end)
        problem = std::move(pending_root);
    } else if (local) {
      problem = std::move(local);
    }
    if (problem) break;
    const std::size_t n = rows_.size();
    if (pending_root)
      begin_ += n;  // the frontier is no longer needed, only positions
    else
      advance(n);
    if (options_.progress) options_.progress(begin_);
  }
  if (!problem && pending_root) problem = std::move(pending_root);
  if (!problem && next_checkpoint_ < checkpoints_.size()) {
    // Heads beyond the end: the tail is gone.
    const Checkpoint& cp = checkpoints_.back();
    const std::uint64_t s = cp.sth.head.tree_size;
    problem =
        make_problem(ProblemKind::kTruncated, begin_,
                     "log truncated: " + std::string(cp.trusted ? "the trusted" : "a signed") +
                         " tree head has size " + num(s) + " but the log holds " + num(begin_) +
                         " entries; entries [" + num(begin_) + ", " + num(s) + ") are missing",
                     s);
  }
  if (!problem) report.root = frontier_.root();
  report.entries = problem ? std::min(problem->index, begin_) : begin_;
  report.heads_checked = heads_checked_;
  report.signed_size = matched_size_;
  report.problem = std::move(problem);
  return report;
}

}  // namespace

std::string_view problem_kind_name(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kMalformedEntry:
      return "malformed-entry";
    case ProblemKind::kMissingEntry:
      return "missing-entry";
    case ProblemKind::kReorderedEntry:
      return "reordered-entry";
    case ProblemKind::kDuplicateEntry:
      return "duplicate-entry";
    case ProblemKind::kInsertedEntry:
      return "inserted-entry";
    case ProblemKind::kLeafHashMismatch:
      return "leaf-hash-mismatch";
    case ProblemKind::kSubjectIndexMismatch:
      return "subject-index-mismatch";
    case ProblemKind::kTimeReversed:
      return "time-reversed";
    case ProblemKind::kRootMismatch:
      return "root-mismatch";
    case ProblemKind::kBadSignature:
      return "bad-signature";
    case ProblemKind::kTruncated:
      return "truncated";
  }
  return "unknown";
}

Status VerifyReport::status() const {
  if (!problem) return ok_status();
  return make_error(Errc::kIntegrity, "audit log: " + problem->message);
}

Result<VerifyReport> verify_log(LogStore& store, const crypto::PublicKey& key,
                                const VerifyOptions& options) {
  std::vector<Checkpoint> checkpoints;
  std::optional<Problem> bad_signature;
  CHARTER_TRY(std::vector<SignedTreeHead> heads, store.heads());
  for (SignedTreeHead& h : heads) {
    if (verify_tree_head(h, key).ok()) {
      checkpoints.push_back({std::move(h), false});
    } else if (!bad_signature || h.head.tree_size < bad_signature->index) {
      const std::uint64_t s = h.head.tree_size;
      bad_signature = make_problem(ProblemKind::kBadSignature, s,
                                   "the stored tree head at size " + num(s) +
                                       " has a signature that does not verify (forged or "
                                       "damaged head)");
    }
  }
  if (options.trusted_head) {
    if (!verify_tree_head(*options.trusted_head, key).ok())
      return make_error(Errc::kInvalidArgument,
                        "trusted tree head: signature does not verify under the given key");
    checkpoints.push_back({*options.trusted_head, true});
  }
  std::stable_sort(checkpoints.begin(), checkpoints.end(), [](const auto& a, const auto& b) {
    return a.sth.head.tree_size < b.sth.head.tree_size;
  });
  Verifier verifier(store, options, std::move(checkpoints));
  CHARTER_TRY(VerifyReport report, verifier.run());
  if (bad_signature && (!report.problem || bad_signature->index < report.problem->index))
    report.problem = std::move(bad_signature);
  return report;
}

}  // namespace charter::audit
