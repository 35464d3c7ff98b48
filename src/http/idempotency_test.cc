#include "http/idempotency.h"

#include <gtest/gtest.h>

namespace charter::http {
namespace {

Timestamp t0() { return from_unix_micros(1'700'000'000'000'000); }

Response created(std::string body) {
  Response r = text_response(201, std::move(body), "application/json");
  r.headers.set("Location", "/v1/subjects/sub_1");
  return r;
}

TEST(Idempotency, FirstProceedsRetryReplays) {
  ManualClock clock(t0());
  IdempotencyStore store(clock, {});
  auto fp = request_fingerprint("POST", "/v1/subjects", R"({"a":1})");
  EXPECT_EQ(store.begin("cred:svc", "k1", fp)->outcome, IdempotencyStore::Outcome::kProceed);
  // Same key while the first is running.
  EXPECT_EQ(store.begin("cred:svc", "k1", fp)->outcome, IdempotencyStore::Outcome::kInProgress);
  store.complete("cred:svc", "k1", created(R"({"id":"sub_1"})"));
  auto again = store.begin("cred:svc", "k1", fp).value();
  ASSERT_EQ(again.outcome, IdempotencyStore::Outcome::kReplay);
  EXPECT_EQ(again.response.status, 201);
  EXPECT_EQ(again.response.body, R"({"id":"sub_1"})");
  EXPECT_EQ(again.response.headers.get("Location"), "/v1/subjects/sub_1");
}

TEST(Idempotency, SameKeyOtherRequestIsAMismatch) {
  ManualClock clock(t0());
  IdempotencyStore store(clock, {});
  auto fp1 = request_fingerprint("POST", "/v1/subjects", R"({"a":1})");
  auto fp2 = request_fingerprint("POST", "/v1/subjects", R"({"a":2})");
  EXPECT_NE(fp1, fp2);
  EXPECT_NE(fp1, request_fingerprint("PUT", "/v1/subjects", R"({"a":1})"));
  EXPECT_NE(fp1, request_fingerprint("POST", "/v1/subject", R"(s{"a":1})"));
  ASSERT_EQ(store.begin("s", "k", fp1)->outcome, IdempotencyStore::Outcome::kProceed);
  store.complete("s", "k", created("{}"));
  EXPECT_EQ(store.begin("s", "k", fp2)->outcome, IdempotencyStore::Outcome::kMismatch);
}

TEST(Idempotency, ScopesAreSeparate) {
  ManualClock clock(t0());
  IdempotencyStore store(clock, {});
  ASSERT_EQ(store.begin("cred:a", "k", "f")->outcome, IdempotencyStore::Outcome::kProceed);
  store.complete("cred:a", "k", created("a"));
  EXPECT_EQ(store.begin("cred:b", "k", "g")->outcome, IdempotencyStore::Outcome::kProceed);
}

TEST(Idempotency, AbandonLetsARetryRun) {
  ManualClock clock(t0());
  IdempotencyStore store(clock, {});
  ASSERT_EQ(store.begin("s", "k", "f")->outcome, IdempotencyStore::Outcome::kProceed);
  store.abandon("s", "k");
  EXPECT_EQ(store.begin("s", "k", "f")->outcome, IdempotencyStore::Outcome::kProceed);
}

TEST(Idempotency, ExpiresAfterTtl) {
  ManualClock clock(t0());
  IdempotencyLimits limits;
  limits.ttl = std::chrono::seconds(60);
  IdempotencyStore store(clock, limits);
  ASSERT_EQ(store.begin("s", "k", "f")->outcome, IdempotencyStore::Outcome::kProceed);
  store.complete("s", "k", created("x"));
  clock.advance(Micros(59'000'000));
  EXPECT_EQ(store.begin("s", "k", "f")->outcome, IdempotencyStore::Outcome::kReplay);
  clock.advance(Micros(1'000'000));
  EXPECT_EQ(store.begin("s", "k", "other")->outcome, IdempotencyStore::Outcome::kProceed);
}

TEST(Idempotency, BoundedByEntriesAndBytes) {
  ManualClock clock(t0());
  IdempotencyLimits limits;
  limits.max_entries = 10;
  limits.max_bytes = 1 << 20;
  IdempotencyStore store(clock, limits);
  for (int i = 0; i < 100; ++i) {
    std::string k = "k" + std::to_string(i);
    ASSERT_EQ(store.begin("s", k, "f")->outcome, IdempotencyStore::Outcome::kProceed);
    store.complete("s", k, created("x"));
  }
  EXPECT_EQ(store.size(), 10u);
  // The oldest went first.
  EXPECT_EQ(store.begin("s", "k0", "g")->outcome, IdempotencyStore::Outcome::kProceed);
  EXPECT_EQ(store.begin("s", "k99", "f")->outcome, IdempotencyStore::Outcome::kReplay);

  limits.max_entries = 1000;
  limits.max_bytes = 10'000;
  IdempotencyStore small(clock, limits);
  for (int i = 0; i < 50; ++i) {
    std::string k = "k" + std::to_string(i);
    ASSERT_EQ(small.begin("s", k, "f")->outcome, IdempotencyStore::Outcome::kProceed);
    small.complete("s", k, created(std::string(1000, 'x')));
  }
  EXPECT_LE(small.bytes(), 10'000u);
  EXPECT_GT(small.size(), 0u);
}

TEST(Idempotency, KeySyntax) {
  EXPECT_TRUE(check_idempotency_key("8e03978e-40d5-43e8-bc93-6894a57f9324"));
  EXPECT_FALSE(check_idempotency_key(""));
  EXPECT_FALSE(check_idempotency_key(std::string(256, 'a')));
  EXPECT_FALSE(check_idempotency_key("tab\there"));
  EXPECT_FALSE(check_idempotency_key("caf\xc3\xa9"));
}

}  // namespace
}  // namespace charter::http
