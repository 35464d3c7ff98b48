// The tamper suite: a pristine log of 10,000 entries, changed the ways an attacker with write
// access to the storage (but not the signing key) could change it; the verifier must name the
// first bad entry every time. Runs over every backend in tamper_backends() and with small
// chunks and several threads, so chunk and block boundaries are crossed.
#include "audit/verifier.h"

#include <gtest/gtest.h>

#include "audit/db_tamper_support.h"
#include "audit/entry_codec.h"
#include "audit/tamper_support.h"

namespace charter::audit {
namespace {

using testing::pristine_log;
using testing::PristineLog;
using testing::TamperableLog;

struct Backend {
  std::string name;
  // A tamperable copy of the pristine log; kUnavailable skips (PostgreSQL without a server).
  std::function<Result<std::unique_ptr<TamperableLog>>()> make;
  std::size_t chunk;
  unsigned threads;
  bool thorough;  // every position and byte; database backends take a representative subset
};

void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

Result<std::unique_ptr<TamperableLog>> db_log(store::Backend b) {
  auto log = testing::DbTamperableLog::make(b, pristine_log());
  if (!log.ok()) return std::move(log).error();
  return std::unique_ptr<TamperableLog>(std::move(log).value());
}

std::vector<Backend> tamper_backends() {
  auto memory = []() -> Result<std::unique_ptr<TamperableLog>> {
    return std::unique_ptr<TamperableLog>(
        std::make_unique<testing::MemoryTamperableLog>(pristine_log()));
  };
  return {{"memory", memory, 65536, 0, true},
          {"memory_small_chunks", memory, 256, 4, true},
          {"memory_one_thread", memory, 1024, 1, false},
          {"sqlite", [] { return db_log(store::Backend::kSqlite); }, 65536, 0, false},
          {"sqlite_small_chunks", [] { return db_log(store::Backend::kSqlite); }, 512, 2, false},
          {"postgresql", [] { return db_log(store::Backend::kPostgres); }, 4096, 0, false}};
}

class TamperSuite : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (log_) return log_->reset();
    auto made = GetParam().make();
    if (!made.ok()) {
      if (made.error().code == Errc::kUnavailable && !store::pg_required())
        GTEST_SKIP() << made.error().message;
      FAIL() << made.error().message;
    }
    log_ = std::move(made).value();
  }

  std::vector<std::uint64_t> positions() const {
    if (GetParam().thorough) return {0, 1, 255, 256, 999, 1000, 4321, 8191, 8192, 9998, 9999};
    return {0, 999, 1000, 4321, 9999};
  }

  VerifyReport verify(bool with_trusted_head = false) {
    VerifyOptions o;
    o.chunk = GetParam().chunk;
    o.threads = GetParam().threads;
    if (with_trusted_head) o.trusted_head = pristine().last_head;
    auto r = verify_log(log_->store(), pristine().key, o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(r).value();
  }

  // Expects a problem of `kind` at `index` (and, for ranges, containing `inside`).
  void expect_problem(const VerifyReport& r, ProblemKind kind, std::uint64_t index) {
    ASSERT_TRUE(r.problem.has_value()) << "tampering not detected";
    EXPECT_EQ(problem_kind_name(r.problem->kind), problem_kind_name(kind)) << r.problem->message;
    EXPECT_EQ(r.problem->index, index) << r.problem->message;
    EXPECT_FALSE(r.status().ok());
    EXPECT_EQ(r.status().error().code, Errc::kIntegrity);
  }

  static const PristineLog& pristine() { return pristine_log(); }
  const StoredEntry& row(std::uint64_t i) { return pristine().rows[i]; }
  static StoredEntry with_bytes(const StoredEntry& r, crypto::Bytes b, bool rehash) {
    StoredEntry out = r;
    out.encoded = std::move(b);
    if (rehash) out.leaf_hash = leaf_hash(out.encoded);
    return out;
  }
  // An entry the attacker makes up: valid, hashed, plausible time.
  StoredEntry forged(std::uint64_t seq, Timestamp time) {
    AuditEntry e{seq, time, testing::sample_event(777)};
    e.event.purpose = "solicitation";
    auto bytes = encode_entry(e);
    return StoredEntry{seq, e.event.subject, bytes, leaf_hash(bytes)};
  }
  Timestamp time_of(std::uint64_t i) { return decode_entry(row(i).encoded)->time; }

  std::unique_ptr<TamperableLog> log_;
};

TEST_P(TamperSuite, PristineLogVerifies) {
  auto r = verify(true);
  EXPECT_TRUE(r.ok()) << r.problem->message;
  EXPECT_EQ(r.entries, 10000u);
  EXPECT_EQ(r.signed_size, 10000u);
  EXPECT_EQ(r.heads_checked, 11u);  // 10 stored + the trusted one
  EXPECT_EQ(r.root, pristine().last_head.head.root);
}

TEST_P(TamperSuite, OneByteChangedInAnEntry) {
  for (std::uint64_t pos : positions()) {
    const std::size_t last = row(pos).encoded.size() - 1;
    // version, sequence, time, actor kind, decision, a string, the last byte
    for (std::size_t offset : {std::size_t{0}, std::size_t{5}, std::size_t{12}, std::size_t{17},
                               std::size_t{18}, std::size_t{25}, last}) {
      SetUp();
      auto b = row(pos).encoded;
      b[offset] ^= 0x01;
      log_->replace(pos, with_bytes(row(pos), b, false));
      SCOPED_TRACE("entry " + std::to_string(pos) + " byte " + std::to_string(offset));
      expect_problem(verify(), ProblemKind::kLeafHashMismatch, pos);
    }
  }
}

TEST_P(TamperSuite, OneByteChangedInARecordedHashOrIndex) {
  for (std::uint64_t pos : positions()) {
    SetUp();
    StoredEntry r = row(pos);
    r.leaf_hash[7] ^= 0x80;
    log_->replace(pos, r);
    expect_problem(verify(), ProblemKind::kLeafHashMismatch, pos);
    SetUp();
    r = row(pos);
    r.subject[3] = r.subject[3] == 'a' ? 'b' : 'a';
    log_->replace(pos, r);
    expect_problem(verify(), ProblemKind::kSubjectIndexMismatch, pos);
  }
}

TEST_P(TamperSuite, ChangedEntryWithRecomputedHash) {
  // The attacker also fixes the recorded hash: only the signed heads can tell. The verifier
  // names the range since the last head that still matches, which contains the entry.
  for (std::uint64_t pos : positions()) {
    SetUp();
    auto b = row(pos).encoded;
    b[b.size() - 1] = b[b.size() - 1] == '1' ? '2' : '1';  // last char of the request id
    log_->replace(pos, with_bytes(row(pos), b, true));
    auto r = verify();
    expect_problem(r, ProblemKind::kRootMismatch, pos / 1000 * 1000);
    EXPECT_EQ(r.problem->range_end, pos / 1000 * 1000 + 1000);
  }
  // ...unless the change itself shows: an undecodable entry, or another sequence number.
  for (std::uint64_t pos : positions()) {
    SetUp();
    auto b = row(pos).encoded;
    b[17] = 9;  // actor kind
    log_->replace(pos, with_bytes(row(pos), b, true));
    expect_problem(verify(), ProblemKind::kMalformedEntry, pos);
    SetUp();
    b = row(pos).encoded;
    b[8] ^= 0x40;  // sequence + 64 or - 64
    log_->replace(pos, with_bytes(row(pos), b, true));
    // Whether the number became larger or smaller (then two entries claim it), the entry
    // carrying a wrong number is named: the entries after it are not shifted.
    expect_problem(verify(), ProblemKind::kReorderedEntry, pos);
  }
}

TEST_P(TamperSuite, EntryRemoved) {
  for (std::uint64_t pos : positions()) {
    if (pos == 9999) continue;  // removing the last entry is a truncation (below)
    SetUp();
    log_->erase(pos, false);
    expect_problem(verify(), ProblemKind::kMissingEntry, pos);
    SetUp();
    log_->erase(pos, true);  // keys renumbered to hide the gap
    expect_problem(verify(), ProblemKind::kReorderedEntry, pos);
  }
}

TEST_P(TamperSuite, EntryInserted) {
  for (std::uint64_t pos : positions()) {
    SetUp();
    log_->insert(pos, forged(pos, pos ? time_of(pos - 1) : time_of(0)));
    expect_problem(verify(), ProblemKind::kInsertedEntry, pos);
    SetUp();
    log_->insert(pos, with_bytes(row(pos), {1, 2, 3}, true));  // garbage
    expect_problem(verify(), ProblemKind::kMalformedEntry, pos);
    if (pos > 0) {
      SetUp();
      log_->insert(pos, row(pos / 2));  // a copy of an earlier entry
      expect_problem(verify(), ProblemKind::kDuplicateEntry, pos);
    }
  }
  // Appended after the last signed head: not covered by any signature yet, which the report
  // shows (signed_size < entries); the next head would sign it. See docs/AUDIT.md.
  SetUp();
  log_->insert(10000, forged(10000, time_of(9999)));
  auto r = verify(true);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.entries, 10001u);
  EXPECT_EQ(r.signed_size, 10000u);
}

TEST_P(TamperSuite, TwoEntriesSwapped) {
  for (auto [i, j] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 1}, {10, 9000}, {999, 1000}, {255, 256}, {4000, 4001}, {9998, 9999}}) {
    SetUp();
    log_->replace(i, row(j));
    log_->replace(j, row(i));
    expect_problem(verify(), ProblemKind::kReorderedEntry, i);
    SetUp();  // only the bytes, not the recorded hashes
    log_->replace(i, with_bytes(row(i), row(j).encoded, false));
    log_->replace(j, with_bytes(row(j), row(i).encoded, false));
    expect_problem(verify(), ProblemKind::kLeafHashMismatch, i);
  }
}

TEST_P(TamperSuite, EntryDuplicated) {
  for (std::uint64_t pos : positions()) {
    SetUp();
    log_->insert(pos + 1, row(pos));  // the copy right after the original
    expect_problem(verify(), ProblemKind::kDuplicateEntry, pos + 1);
    if (pos + 1 < 10000) {
      SetUp();
      log_->replace(pos + 1, row(pos));  // the copy overwrites the next entry
      auto r = verify();
      expect_problem(r, ProblemKind::kDuplicateEntry, pos + 1);
    }
  }
}

TEST_P(TamperSuite, TailTruncated) {
  for (std::uint64_t size : {0ull, 1ull, 5000ull, 9000ull, 9001ull, 9999ull}) {
    // Heads above the cut left in place: detected from the store alone.
    SetUp();
    log_->truncate(size, false);
    expect_problem(verify(), ProblemKind::kTruncated, size);
    // Heads removed too: only the trusted head kept outside can tell.
    SetUp();
    log_->truncate(size, true);
    auto r = verify();
    EXPECT_TRUE(r.ok()) << "undetectable without a trusted head";
    EXPECT_EQ(r.signed_size, size / 1000 * 1000);
    expect_problem(verify(true), ProblemKind::kTruncated, size);
  }
}

TEST_P(TamperSuite, ForgedHeads) {
  for (std::size_t h : {std::size_t{0}, std::size_t{4}, std::size_t{9}}) {
    SetUp();
    SignedTreeHead forged = pristine().heads[h];
    forged.head.root[0] ^= 1;
    log_->replace_head(forged);
    expect_problem(verify(), ProblemKind::kBadSignature, forged.head.tree_size);
    SetUp();
    forged = pristine().heads[h];
    forged.signature[5] ^= 1;
    log_->replace_head(forged);
    expect_problem(verify(), ProblemKind::kBadSignature, forged.head.tree_size);
  }
}

TEST_P(TamperSuite, TimeGoingBackwards) {
  for (std::uint64_t pos : {1ull, 256ull, 1000ull, 5000ull}) {
    SetUp();
    auto e = *decode_entry(row(pos).encoded);
    e.time = time_of(pos - 1) - Micros(1);
    log_->replace(pos, with_bytes(row(pos), encode_entry(e), true));
    expect_problem(verify(), ProblemKind::kTimeReversed, pos);
  }
}

TEST_P(TamperSuite, FirstOfSeveralProblemsIsReported) {
  log_->erase(7000, false);
  auto b = row(3000).encoded;
  b[30] ^= 4;
  log_->replace(3000, with_bytes(row(3000), b, false));
  log_->truncate(9000, true);
  expect_problem(verify(true), ProblemKind::kLeafHashMismatch, 3000);
}

TEST_P(TamperSuite, TrustedHeadMustVerify) {
  VerifyOptions o;
  o.trusted_head = pristine().last_head;
  o.trusted_head->head.tree_size += 1;
  auto r = verify_log(log_->store(), pristine().key, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, TamperSuite, ::testing::ValuesIn(tamper_backends()),
                         [](const auto& info) { return info.param.name; });

TEST(Verifier, ReportsStoreFailures) {
  testing::MemoryTamperableLog log(pristine_log());
  auto& store = static_cast<MemoryLogStore&>(log.store());
  store.fail_reads(1);
  EXPECT_EQ(verify_log(store, pristine_log().key).error().code, Errc::kUnavailable);
  EXPECT_TRUE(verify_log(store, pristine_log().key).ok());
}

TEST(Verifier, EmptyLog) {
  MemoryLogStore store;
  auto r = verify_log(store, testing::test_key().public_key());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->entries, 0u);
  EXPECT_EQ(r->root, empty_root());
}

}  // namespace
}  // namespace charter::audit
