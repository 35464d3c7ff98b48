#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/clock.h"
#include "core/random.h"
#include "crypto/encoding.h"
#include "crypto/master_key.h"
#include "notify/durable_outbox.h"
#include "notify/message.h"
#include "notify/test_servers.h"
#include "notify/worker.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::notify {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Timestamp t0() { return *parse_timestamp("2026-03-02T10:00:00Z"); }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string unbase64(const std::string& in) {
  static const std::string k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    auto p = k.find(c);
    if (p == std::string::npos) continue;
    v = (v << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xff);
    }
  }
  return out;
}

// The body of an RFC 5322 message whose body is base64.
std::string body_of(const std::string& eml) {
  auto at = eml.find("\r\n\r\n");
  return at == std::string::npos ? "" : unbase64(eml.substr(at + 4));
}

struct RecordingEmail final : EmailTransport {
  std::vector<OutgoingEmail> sent;
  int fail_next = 0;
  std::function<void()> during;
  Status send(const OutgoingEmail& e) override {
    if (during) during();
    if (fail_next > 0) {
      --fail_next;
      return make_error(Errc::kUnavailable, "smtp test: refused");
    }
    sent.push_back(e);
    return {};
  }
};

struct RecordingWebhook final : WebhookTransport {
  std::vector<WebhookPost> posts;
  int fail_next = 0;
  Status post(const WebhookPost& p) override {
    if (fail_next > 0) {
      --fail_next;
      return make_error(Errc::kUnavailable, "webhook test: HTTP 503");
    }
    posts.push_back(p);
    return {};
  }
};

class OutboxTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto key = crypto::MasterKey::generate(1, random_);
    ASSERT_TRUE(key.ok());
    ASSERT_OK(ring_.add(std::move(key).value()));
    auto made = store::TestStore::make(GetParam());
    if (!made.ok()) {
      if (GetParam() == store::Backend::kPostgres && !store::pg_required())
        GTEST_SKIP() << "PostgreSQL tests skipped: CHARTER_TEST_PG_URL is not set";
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
    dir_ = fs::temp_directory_path() /
           ("notify_test_" + std::to_string(::getpid()) + "_" + std::to_string(random_.next_u64()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    outbox_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void open(std::vector<WebhookEndpoint> hooks = {}) {
    OutboxOptions o;
    o.from = "dpo@oxemis.example";
    o.domain = "charter.oxemis.example";
    o.webhooks = std::move(hooks);
    o.key_dir = (dir_ / "keys").string();
    outbox_.reset();
    auto ob = DurableOutbox::open(ts_->store(), ring_, clock_, random_, o);
    ASSERT_TRUE(ob.ok()) << ob.error().to_string();
    outbox_ = std::move(ob).value();
  }
  Email email(std::string to = "alice@example.org") {
    Email e;
    e.to = std::move(to);
    e.language = "fr";
    e.kind = "code";
    e.subject = "Votre code de vérification";
    e.text = "Bonjour,\nvotre code est 123456.\n";
    e.reference = "dsr_123";
    return e;
  }
  std::string raw_payload(const std::string& id) {
    auto tx = ts_->store().read();
    auto row = tx->query_one("SELECT payload FROM notify_messages WHERE id = ?", {id});
    auto b = (**row)[0].as_blob(0);
    return std::string(b->begin(), b->end());
  }

  SeededRandom random_{7};
  ManualClock clock_{t0()};
  crypto::KeyRing ring_;
  std::unique_ptr<store::TestStore> ts_;
  std::unique_ptr<DurableOutbox> outbox_;
  fs::path dir_;
};

TEST_P(OutboxTest, EmailIsSealedAtRestAndWrittenAsEml) {
  open();
  ASSERT_OK_AND_ASSIGN(auto id, outbox_->send_email(email()));
  EXPECT_TRUE(id.starts_with("msg_"));
  const std::string raw = raw_payload(id);
  EXPECT_EQ(raw.find("alice@example.org"), std::string::npos);
  EXPECT_EQ(raw.find("123456"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto backlog, outbox_->backlog());
  EXPECT_EQ(backlog, 1);

  EmlFolder folder((dir_ / "outbox").string());
  RecordingWebhook hooks;
  ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(folder, hooks));
  EXPECT_EQ(round.delivered, 1);
  const std::string path = (dir_ / "outbox" / (id + ".eml")).string();
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::group_all, fs::perms::none);
  const std::string eml = slurp(path);
  EXPECT_NE(eml.find("From: dpo@oxemis.example\r\n"), std::string::npos);
  EXPECT_NE(eml.find("To: alice@example.org\r\n"), std::string::npos);
  EXPECT_NE(eml.find("Message-ID: <" + id + "@charter.oxemis.example>\r\n"), std::string::npos);
  EXPECT_NE(eml.find("Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(eml.find("Subject: =?UTF-8?B?"), std::string::npos);  // "vérification" is not ASCII
  EXPECT_NE(eml.find("Content-Language: fr\r\n"), std::string::npos);
  EXPECT_EQ(body_of(eml), "Bonjour,\nvotre code est 123456.\n");
  ASSERT_OK_AND_ASSIGN(backlog, outbox_->backlog());
  EXPECT_EQ(backlog, 0);
  ASSERT_OK_AND_ASSIGN(auto info, outbox_->info(id));
  EXPECT_TRUE(info.delivered_at.has_value());
  EXPECT_EQ(info.attempts, 1);

  // Nothing is due any more; a redelivery of the same message replaces its file.
  ASSERT_OK_AND_ASSIGN(round, outbox_->deliver_due(folder, hooks));
  EXPECT_EQ(round.delivered, 0);
  ASSERT_OK(folder.send(OutgoingEmail{id, "dpo@oxemis.example", "alice@example.org", eml}));
  int files = 0;
  for (auto& e : fs::directory_iterator(dir_ / "outbox")) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1);
}

TEST_P(OutboxTest, RefusesBadEmails) {
  open();
  auto e = email("");
  EXPECT_ERRC(outbox_->send_email(e), Errc::kInvalidArgument);
  e = email("alice@example.org\r\nBcc: eve@example.org");
  auto r = outbox_->send_email(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("alice"), std::string::npos);  // never echoes the address
  EXPECT_NE(r.error().message.find("to"), std::string::npos);
  e = email();
  e.language = "de";
  EXPECT_ERRC(outbox_->send_email(e), Errc::kInvalidArgument);
  e = email();
  e.subject = "a\r\nBcc: eve@example.org";
  EXPECT_ERRC(outbox_->send_email(e), Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto backlog, outbox_->backlog());
  EXPECT_EQ(backlog, 0);
}

TEST_P(OutboxTest, FailuresAreRetriedWithGrowingBackoffAndSurviveAReopen) {
  open();
  ASSERT_OK_AND_ASSIGN(auto id, outbox_->send_email(email()));
  RecordingEmail mail;
  RecordingWebhook hooks;
  mail.fail_next = 3;
  Micros last_delay{0};
  for (int i = 1; i <= 3; ++i) {
    ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(mail, hooks));
    EXPECT_EQ(round.failed, 1);
    ASSERT_OK_AND_ASSIGN(auto info, outbox_->info(id));
    EXPECT_EQ(info.attempts, i);
    EXPECT_EQ(info.last_error, "smtp test: refused");
    const Micros delay = info.next_at - clock_.now();
    // [d/2, d] with d = 30 s * 2^(i-1)
    const Micros d = std::chrono::seconds(30) * (1 << (i - 1));
    EXPECT_GE(delay, d / 2);
    EXPECT_LE(delay, d);
    EXPECT_GT(delay, last_delay / 2);
    last_delay = delay;
    // Not due before next_at.
    ASSERT_OK_AND_ASSIGN(round, outbox_->deliver_due(mail, hooks));
    EXPECT_EQ(round.delivered + round.failed, 0);
    // Restart between tries: the state is in the store.
    ASSERT_NO_FATAL_FAILURE(open());
    clock_.set(info.next_at);
  }
  ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(mail, hooks));
  EXPECT_EQ(round.delivered, 1);
  ASSERT_EQ(mail.sent.size(), 1u);
  EXPECT_EQ(mail.sent[0].id, id);
  EXPECT_EQ(mail.sent[0].to, "alice@example.org");
}

TEST_P(OutboxTest, BackoffIsCapped) {
  open();
  for (int a = 1; a < 40; ++a) {
    auto d = outbox_->backoff(a);
    EXPECT_LE(d, std::chrono::hours(1));
    EXPECT_GE(d, std::chrono::seconds(15));
  }
  EXPECT_GE(outbox_->backoff(30), std::chrono::minutes(30));
}

TEST_P(OutboxTest, ALeasedMessageIsRedeliveredWithTheSameIdAfterACrash) {
  open();
  ASSERT_OK_AND_ASSIGN(auto id, outbox_->send_email(email()));
  // A second server (or the restarted one) on the same store.
  OutboxOptions o = outbox_->options();
  ASSERT_OK_AND_ASSIGN(auto other, DurableOutbox::open(ts_->store(), ring_, clock_, random_, o));
  RecordingEmail inner;
  RecordingEmail outer;
  RecordingWebhook hooks;
  int inner_rounds = 0;
  outer.during = [&] {
    // While the first delivery runs (it could crash here), the message is leased: not due.
    auto r = other->deliver_due(inner, hooks);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->delivered, 0);
    // The first server died; once the lease passed the message is due again, same id.
    clock_.advance(std::chrono::minutes(3));
    r = other->deliver_due(inner, hooks);
    ASSERT_TRUE(r.ok());
    inner_rounds += r->delivered;
  };
  ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(outer, hooks));
  EXPECT_EQ(round.delivered, 1);
  EXPECT_EQ(inner_rounds, 1);
  ASSERT_EQ(inner.sent.size(), 1u);
  ASSERT_EQ(outer.sent.size(), 1u);
  EXPECT_EQ(inner.sent[0].id, id);
  EXPECT_EQ(outer.sent[0].id, id);
  EXPECT_EQ(inner.sent[0].rfc5322, outer.sent[0].rfc5322);  // same Message-ID, same text
  ASSERT_OK_AND_ASSIGN(auto info, outbox_->info(id));
  EXPECT_EQ(info.attempts, 2);
  EXPECT_TRUE(info.delivered_at.has_value());
}

TEST_P(OutboxTest, WebhooksAreSignedAndOnlyForSubscribedEndpoints) {
  std::vector<WebhookEndpoint> hooks = {
      {"crm", "https://crm.internal/hook", {Event::kConsentWithdrawn, Event::kErasure}},
      {"billing", "https://billing.internal/hook", {Event::kErasure}}};
  open(hooks);
  EventNotice n{Event::kConsentWithdrawn, "sub_abc", "newsletter", t0()};
  ASSERT_OK(outbox_->notify(n));
  ASSERT_OK(outbox_->notify({Event::kErasure, "sub_abc", "", t0()}));
  ASSERT_OK(outbox_->notify({Event::kObjection, "sub_abc", "prospecting", t0()}));  // nobody
  ASSERT_OK_AND_ASSIGN(auto backlog, outbox_->backlog());
  EXPECT_EQ(backlog, 3);
  ASSERT_OK_AND_ASSIGN(auto pending, outbox_->list(true));
  for (const auto& m : pending)
    EXPECT_EQ(raw_payload(m.id).find("sub_abc"), std::string::npos);  // sealed
  RecordingEmail mail;
  RecordingWebhook posts;
  ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(mail, posts));
  EXPECT_EQ(round.delivered, 3);
  ASSERT_EQ(posts.posts.size(), 3u);

  // The secret the receiver is given: <keys>/webhook-crm.key, 0600, hex.
  const std::string key_path = webhook_secret_path((dir_ / "keys").string(), "crm");
  EXPECT_EQ(fs::status(key_path).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
  std::string hex = slurp(key_path);
  hex.resize(64);
  auto raw = crypto::from_hex(hex);
  ASSERT_TRUE(raw.ok());
  ASSERT_OK_AND_ASSIGN(auto secret, crypto::SecretKey::from_bytes(*raw));
  int crm = 0;
  for (const auto& p : posts.posts) {
    std::map<std::string, std::string> h(p.headers.begin(), p.headers.end());
    json body = json::parse(p.body);
    EXPECT_EQ(body["delivery_id"], h["Charter-Delivery"]);
    EXPECT_EQ(body["event"], h["Charter-Event"]);
    EXPECT_EQ(body["subject_id"], "sub_abc");
    EXPECT_EQ(body["time"], "2026-03-02T10:00:00.000000Z");
    if (p.url == "https://crm.internal/hook") {
      ++crm;
      EXPECT_TRUE(verify_webhook_signature(secret, h["Charter-Signature"], p.body, clock_.now(),
                                           std::chrono::minutes(5)));
      EXPECT_FALSE(verify_webhook_signature(secret, h["Charter-Signature"], p.body + " ",
                                            clock_.now(), std::chrono::minutes(5)));
      EXPECT_FALSE(verify_webhook_signature(secret, h["Charter-Signature"], p.body,
                                            clock_.now() + std::chrono::hours(1),
                                            std::chrono::minutes(5)));
      if (body["event"] == "consent.withdrawn") {
        EXPECT_EQ(body["purpose"], "newsletter");
      }
    } else {
      EXPECT_FALSE(verify_webhook_signature(secret, h["Charter-Signature"], p.body, clock_.now(),
                                            std::chrono::minutes(5)));
      EXPECT_EQ(body["event"], "erasure");
      EXPECT_TRUE(body["purpose"].is_null());
    }
  }
  EXPECT_EQ(crm, 2);
  // The secret survives a restart (the same file is read again).
  ASSERT_NO_FATAL_FAILURE(open(hooks));
  EXPECT_EQ(slurp(key_path).substr(0, 64), hex);
}

TEST_P(OutboxTest, CurlWebhookRetriesUntil2xx) {
  testing::HttpReceiver receiver({503, 500, 204});
  open({{"crm", receiver.url(), {Event::kRestriction}}});
  ASSERT_OK(outbox_->notify({Event::kRestriction, "sub_x", "", t0()}));
  RecordingEmail mail;
  CurlWebhookTransport http;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(mail, http));
    EXPECT_EQ(round.delivered, i == 2 ? 1 : 0);
    clock_.advance(std::chrono::hours(2));
  }
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].headers["charter-delivery"], hits[2].headers["charter-delivery"]);
  EXPECT_EQ(hits[0].body, hits[2].body);
  EXPECT_EQ(hits[2].headers["content-type"], "application/json");
  EXPECT_NE(hits[2].headers["charter-signature"].find(",v1="), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto all, outbox_->list(false));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].attempts, 3);
  EXPECT_TRUE(all[0].delivered_at.has_value());
}

TEST_P(OutboxTest, SmtpDeliversThroughLibcurl) {
  testing::SmtpListener smtp;
  open();
  ASSERT_OK_AND_ASSIGN(auto id, outbox_->send_email(email("bob@example.org")));
  SmtpTransport transport(smtp.url(), std::chrono::seconds(10));
  RecordingWebhook hooks;
  ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(transport, hooks));
  EXPECT_EQ(round.delivered, 1);
  auto mails = smtp.mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].from, "<dpo@oxemis.example>");
  ASSERT_EQ(mails[0].to.size(), 1u);
  EXPECT_EQ(mails[0].to[0], "<bob@example.org>");
  EXPECT_NE(mails[0].data.find("Message-ID: <" + id + "@charter.oxemis.example>"),
            std::string::npos);
}

TEST_P(OutboxTest, SmtpDownIsRetried) {
  open();
  ASSERT_OK_AND_ASSIGN(auto id, outbox_->send_email(email()));
  SmtpTransport transport("smtp://127.0.0.1:1", std::chrono::seconds(2));
  RecordingWebhook hooks;
  ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(transport, hooks));
  EXPECT_EQ(round.failed, 1);
  ASSERT_OK_AND_ASSIGN(auto info, outbox_->info(id));
  EXPECT_FALSE(info.delivered_at.has_value());
  EXPECT_EQ(info.last_error.find("alice"), std::string::npos);
  EXPECT_NE(info.last_error.find("127.0.0.1"), std::string::npos);
}

TEST_P(OutboxTest, WorkerDeliversWhatIsQueued) {
  EmlFolder folder((dir_ / "outbox").string());
  RecordingWebhook hooks;
  std::atomic<DeliveryWorker*> worker{nullptr};
  OutboxOptions o;
  o.on_queued = [&] {
    if (auto* w = worker.load()) w->poke();
  };
  ASSERT_OK_AND_ASSIGN(outbox_, DurableOutbox::open(ts_->store(), ring_, clock_, random_, o));
  DeliveryWorker w(*outbox_, folder, hooks, std::chrono::milliseconds(50));
  worker.store(&w);
  ASSERT_OK_AND_ASSIGN(auto id, outbox_->send_email(email()));
  for (int i = 0; i < 200 && w.delivered() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  w.stop();
  worker.store(nullptr);
  EXPECT_EQ(w.delivered(), 1);
  EXPECT_TRUE(fs::exists(dir_ / "outbox" / (id + ".eml")));
}

TEST_P(OutboxTest, PurgeDeletesOnlyDeliveredMessages) {
  open();
  ASSERT_OK_AND_ASSIGN(auto a, outbox_->send_email(email()));
  RecordingEmail mail;
  RecordingWebhook hooks;
  ASSERT_OK_AND_ASSIGN(auto round, outbox_->deliver_due(mail, hooks));
  EXPECT_EQ(round.delivered, 1);
  ASSERT_OK_AND_ASSIGN(auto b, outbox_->send_email(email()));
  clock_.advance(std::chrono::hours(24));
  ASSERT_OK_AND_ASSIGN(auto n, outbox_->purge_delivered(clock_.now()));
  EXPECT_EQ(n, 1);
  EXPECT_ERRC(outbox_->info(a), Errc::kNotFound);
  EXPECT_OK(outbox_->info(b));
}

TEST(Webhooks, ParseWithClearErrors) {
  auto ok = parse_webhooks(R"(
webhooks:
  - id: crm
    url: https://crm.internal/x
    events: [consent.withdrawn, erasure]
)");
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_TRUE((*ok)[0].wants(Event::kErasure));
  EXPECT_FALSE((*ok)[0].wants(Event::kObjection));
  auto bad_event = parse_webhooks("webhooks:\n  - {id: a, url: 'https://a.b/c', events: [nope]}");
  ASSERT_FALSE(bad_event.ok());
  EXPECT_NE(bad_event.error().message.find("webhooks[0].events[0]"), std::string::npos);
  EXPECT_NE(bad_event.error().message.find("consent.withdrawn"), std::string::npos);
  auto bad_url = parse_webhooks("webhooks:\n  - {id: a, url: 'ftp://a.b/c', events: [erasure]}");
  ASSERT_FALSE(bad_url.ok());
  EXPECT_NE(bad_url.error().message.find("webhooks[0].url"), std::string::npos);
  auto dup = parse_webhooks(
      "webhooks:\n  - {id: a, url: 'https://a.b/c', events: [erasure]}\n"
      "  - {id: a, url: 'https://a.b/d', events: [erasure]}");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("declared twice"), std::string::npos);
  auto key =
      parse_webhooks("webhooks:\n  - {id: a, url: 'https://a.b/c', events: [erasure], x: 1}");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("unknown key `x`"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) {
                           return std::string(store::backend_name(info.param));
                         });

}  // namespace
}  // namespace charter::notify
