#include "audit/memory_log_store.h"

#include <gtest/gtest.h>

#include "audit/entry_codec.h"
#include "audit/test_support.h"

namespace charter::audit {
namespace {

StoredEntry row(std::uint64_t seq) {
  AuditEntry e{seq, from_unix_micros(1700000000000000), testing::sample_event(int(seq))};
  StoredEntry r{seq, e.event.subject, encode_entry(e), {}};
  r.leaf_hash = leaf_hash(r.encoded);
  return r;
}

TEST(MemoryLogStore, AppendOnlyBySequence) {
  MemoryLogStore store;
  std::vector<StoredEntry> batch{row(0), row(1), row(2)};
  ASSERT_TRUE(store.append(batch, nullptr).ok());
  EXPECT_EQ(*store.size(), 3u);
  std::vector<StoredEntry> gap{row(4)};
  EXPECT_EQ(store.append(gap, nullptr).error().code, Errc::kConflict);
  std::vector<StoredEntry> again{row(2)};
  EXPECT_EQ(store.append(again, nullptr).error().code, Errc::kConflict);
  std::vector<StoredEntry> holes{row(3), row(5)};
  EXPECT_EQ(store.append(holes, nullptr).error().code, Errc::kConflict);
  EXPECT_EQ(*store.size(), 3u);
  auto rows = *store.read(1, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], row(1));
  EXPECT_EQ(store.read(3, 10)->size(), 0u);
  EXPECT_EQ(store.read(0, 2)->size(), 2u);
}

TEST(MemoryLogStore, HeadsAndSubjectIndex) {
  MemoryLogStore store;
  std::vector<StoredEntry> batch;
  for (int i = 0; i < 200; ++i) batch.push_back(row(i));
  SignedTreeHead h1;
  h1.head.tree_size = 200;
  ASSERT_TRUE(store.append(batch, &h1).ok());
  EXPECT_EQ(store.latest_head()->value(), h1);
  EXPECT_TRUE(store.put_head(h1).ok());  // identical: fine
  SignedTreeHead h2 = h1;
  h2.head.time += Micros(1);
  EXPECT_EQ(store.put_head(h2).error().code, Errc::kConflict);
  EXPECT_EQ(store.heads()->size(), 1u);

  auto subject_rows = *store.read_subject(testing::pseudonym(5), 0, 100);
  ASSERT_EQ(subject_rows.size(), 3u);  // 5, 102, 199
  EXPECT_EQ(subject_rows[1].sequence, 102u);
  EXPECT_EQ(store.read_subject(testing::pseudonym(5), 103, 100)->size(), 1u);
  EXPECT_EQ(store.read_subject(testing::pseudonym(5), 0, 1)->size(), 1u);
  EXPECT_TRUE(store.read_subject("nobody_xxxxxxxxxxxxx", 0, 10)->empty());
}

TEST(MemoryLogStore, InjectedFaultsWriteNothing) {
  MemoryLogStore store;
  store.fail_appends(1);
  std::vector<StoredEntry> batch{row(0)};
  EXPECT_EQ(store.append(batch, nullptr).error().code, Errc::kUnavailable);
  EXPECT_EQ(*store.size(), 0u);
  EXPECT_TRUE(store.append(batch, nullptr).ok());
  store.fail_reads(1);
  EXPECT_EQ(store.read(0, 1).error().code, Errc::kUnavailable);
  EXPECT_TRUE(store.read(0, 1).ok());
}

}  // namespace
}  // namespace charter::audit
