#include "audit/entry.h"

#include <gtest/gtest.h>

#include "audit/entry_codec.h"
#include "audit/test_support.h"
#include "core/id.h"

namespace charter::audit {
namespace {

using testing::pseudonym;
using testing::sample_event;

AuditEntry golden_entry() {
  AuditEntry e;
  e.sequence = 42;
  e.time = *parse_timestamp("2026-01-31T10:00:00.000001Z");
  e.event.actor = Actor{ActorKind::kStaff, "stf_1", "support"};
  e.event.action = "field.read";
  e.event.purpose = "billing";
  e.event.subject = "0123456789abcdef";
  e.event.decision = Decision::kAllow;
  e.event.reason = "ok";
  e.event.request_id = "req_9";
  return e;
}

TEST(AuditEntry, GoldenEncoding) {
  // Pinned byte for byte: docs/AUDIT.md shows this example; a change here breaks every log.
  EXPECT_EQ(to_hex(encode_entry(golden_entry())),
            "01"                                  // version
            "000000000000002a"                    // sequence 42
            "000649ac2721e801"                    // time (µs)
            "01"                                  // actor kind staff
            "01"                                  // decision allow
            "057374665f31"                        // "stf_1"
            "07737570706f7274"                    // "support"
            "0a6669656c642e72656164"              // "field.read"
            "0762696c6c696e67"                    // "billing"
            "1030313233343536373839616263646566"  // subject
            "026f6b"                              // "ok"
            "057265715f39");                      // "req_9"
}

TEST(AuditEntry, RoundTripsEveryKind) {
  for (int n = 0; n < 40; ++n) {
    AuditEntry e{static_cast<std::uint64_t>(n) * 1000003, from_unix_micros(1700000000000000 + n),
                 sample_event(n)};
    auto bytes = encode_entry(e);
    auto back = decode_entry(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, e);
    EXPECT_EQ(encode_entry(*back), bytes);
  }
}

TEST(AuditEntry, DecodeIsStrict) {
  const auto good = encode_entry(golden_entry());
  auto expect_bad = [](crypto::Bytes b, const char* what) {
    auto r = decode_entry(b);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.error().code, Errc::kIntegrity) << what;
  };
  auto b = good;
  b.push_back(0);
  expect_bad(b, "trailing byte");
  expect_bad(crypto::Bytes(good.begin(), good.end() - 1), "truncated");
  expect_bad({}, "empty");
  b = good;
  b[0] = 2;
  expect_bad(b, "version 2");
  b = good;
  b[17] = 0;
  expect_bad(b, "actor kind 0");
  b = good;
  b[17] = 5;
  expect_bad(b, "actor kind 5");
  b = good;
  b[18] = 3;
  expect_bad(b, "decision 3");
  b = good;
  b[20] = '@';  // inside "stf_1"
  expect_bad(b, "bad character");
  b = good;
  b[19] = 200;  // length beyond the buffer
  expect_bad(b, "long length");
}

TEST(AuditEntry, ValidationKeepsPersonalDataOut) {
  auto base = sample_event(0);
  ASSERT_TRUE(validate_event(base).ok());
  auto bad = [&](auto mutate, const char* field) {
    AuditEvent e = base;
    mutate(e);
    auto st = validate_event(e);
    ASSERT_FALSE(st.ok()) << field;
    EXPECT_EQ(st.error().code, Errc::kInvalidArgument);
    EXPECT_NE(st.error().message.find(field), std::string::npos) << st.error().message;
    EXPECT_EQ(st.error().message.find("alice"), std::string::npos) << "echoes the value";
  };
  bad([](AuditEvent& e) { e.subject = "alice@example.com"; }, "subject");
  bad([](AuditEvent& e) { e.subject = "0612345678"; }, "subject");  // too short to be a pseudonym
  bad([](AuditEvent& e) { e.subject = "alice dupont xxxxxxxxxxxxxxxx"; }, "subject");
  bad([](AuditEvent& e) { e.actor.id = "alice@example.com"; }, "actor.id");
  bad([](AuditEvent& e) { e.actor.role = ""; }, "actor.role");
  bad([](AuditEvent& e) { e.action = "Read alice"; }, "action");
  bad([](AuditEvent& e) { e.action = ""; }, "action");
  bad([](AuditEvent& e) { e.purpose = "alice's purpose"; }, "purpose");
  bad([](AuditEvent& e) { e.reason = std::string(65, 'a'); }, "reason");
  bad([](AuditEvent& e) { e.request_id = "alice dupont"; }, "request_id");
  bad([](AuditEvent& e) { e.actor.kind = static_cast<ActorKind>(9); }, "actor.kind");
  bad([](AuditEvent& e) { e.actor = Actor{ActorKind::kSubject, "sbj_alice", ""}; }, "actor.id");
  // A subject acting is named by its pseudonym; subject may be empty (staff changes etc.).
  AuditEvent e = base;
  e.actor = Actor{ActorKind::kSubject, pseudonym(3), ""};
  e.subject = "";
  EXPECT_TRUE(validate_event(e).ok());
}

TEST(AuditEntry, EncodingAnInvalidEventIsABug) {
  AuditEntry e = golden_entry();
  e.event.action = "not valid";
  EXPECT_THROW(encode_entry(e), std::invalid_argument);
}

TEST(AuditEntry, Names) {
  for (auto k : {ActorKind::kStaff, ActorKind::kService, ActorKind::kSubject, ActorKind::kSystem})
    EXPECT_EQ(parse_actor_kind(actor_kind_name(k)), k);
  for (auto d : {Decision::kNone, Decision::kAllow, Decision::kDeny})
    EXPECT_EQ(parse_decision(decision_name(d)), d);
  EXPECT_FALSE(parse_actor_kind("admin").has_value());
}

}  // namespace
}  // namespace charter::audit
