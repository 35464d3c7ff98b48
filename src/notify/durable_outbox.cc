#include "notify/durable_outbox.h"

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/kdf.h"
#include "crypto/seal.h"
#include "notify/message.h"
#include "notify/schema.h"
#include "store/root_key.h"

namespace charter::notify {
namespace {

using nlohmann::json;
constexpr std::uint32_t kKeyVersion = 1;
constexpr std::string_view kColumns =
    "id, channel, endpoint, kind, reference, created_at, attempts, next_at, delivered_at, "
    "last_error";

crypto::Bytes payload_ad(std::string_view id, std::string_view channel) {
  crypto::AdBuilder b;
  b.add("charter/notify/v1").add(id).add(channel).add_number(kKeyVersion);
  return std::move(b).take();
}

crypto::ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Result<MessageInfo> read_info(const store::Rows& r) {
  MessageInfo m;
  CHARTER_TRY(auto id, r.get_text(0));
  CHARTER_TRY(auto channel, r.get_text(1));
  CHARTER_TRY(auto endpoint, r.get_text(2));
  CHARTER_TRY(auto kind, r.get_text(3));
  CHARTER_TRY(auto reference, r.get_text(4));
  CHARTER_TRY(auto created, r.get_int(5));
  CHARTER_TRY(m.attempts, r.get_int(6));
  CHARTER_TRY(auto next, r.get_int(7));
  if (!r.is_null(8)) {
    CHARTER_TRY(auto d, r.get_int(8));
    m.delivered_at = from_unix_micros(d);
  }
  CHARTER_TRY(auto err, r.get_text(9));
  m.id = id;
  m.channel = channel;
  m.endpoint = endpoint;
  m.kind = kind;
  m.reference = reference;
  m.created = from_unix_micros(created);
  m.next_at = from_unix_micros(next);
  m.last_error = err;
  return m;
}

}  // namespace

Result<std::unique_ptr<DurableOutbox>> DurableOutbox::open(store::Store& store,
                                                           const crypto::KeyRing& ring,
                                                           const Clock& clock, Random& random,
                                                           OutboxOptions options) {
  CHARTER_TRY_STATUS(check_address(options.from, "from"));
  CHARTER_TRY_STATUS(check_header_text(options.domain, "domain"));
  CHARTER_TRY(int applied, migrate_notify(store, clock));
  (void)applied;
  CHARTER_TRY(auto root,
              store::load_root_key(store, "notify_keys", "notify-root", ring, random, clock));
  CHARTER_TRY(auto seal_key, crypto::derive_subkey(root, "chntseal", 1));
  std::vector<Endpoint> endpoints;
  for (const auto& ep : options.webhooks) {
    if (options.key_dir.empty())
      return make_error(Errc::kInvalidArgument, "webhooks need a key folder for their secrets");
    CHARTER_TRY(auto secret, load_or_create_webhook_secret(options.key_dir, ep.id, random));
    endpoints.push_back(Endpoint{ep, std::move(secret)});
  }
  return std::unique_ptr<DurableOutbox>(new DurableOutbox(
      store, std::move(seal_key), std::move(endpoints), clock, random, std::move(options)));
}

DurableOutbox::DurableOutbox(store::Store& store, crypto::SecretKey seal_key,
                             std::vector<Endpoint> endpoints, const Clock& clock, Random& random,
                             OutboxOptions options)
    : store_(store),
      seal_key_(std::move(seal_key)),
      endpoints_(std::move(endpoints)),
      clock_(clock),
      random_(random),
      options_(std::move(options)) {}

Status DurableOutbox::insert(store::Transaction& tx, const std::string& id,
                             std::string_view channel, std::string_view endpoint,
                             std::string_view kind, std::string_view reference,
                             const std::string& payload) {
  crypto::Bytes sealed;
  {
    std::lock_guard lock(random_mu_);
    sealed = crypto::seal(seal_key_, view(payload), payload_ad(id, channel), random_);
  }
  const std::int64_t now = to_unix_micros(clock_.now());
  CHARTER_TRY(auto n,
              tx.exec("INSERT INTO notify_messages (id, channel, endpoint, kind, "
                      "reference, created_at, attempts, next_at, delivered_at, "
                      "last_error, key_version, payload) VALUES (?, ?, ?, ?, ?, ?, 0, ?, "
                      "NULL, '', ?, ?)",
                      {id, channel, endpoint, kind, reference, now, now, kKeyVersion, sealed}));
  (void)n;
  return {};
}

Result<std::string> DurableOutbox::send_email(const Email& email) {
  CHARTER_TRY_STATUS(check_address(email.to, "to"));
  if (email.language != "fr" && email.language != "en")
    return make_error(Errc::kInvalidArgument, "language: must be fr or en");
  CHARTER_TRY_STATUS(check_header_text(email.subject, "subject"));
  CHARTER_TRY_STATUS(check_header_text(email.kind, "kind"));
  CHARTER_TRY_STATUS(check_header_text(email.reference, "reference"));
  if (email.kind.empty()) return make_error(Errc::kInvalidArgument, "kind: required");
  std::string id;
  {
    std::lock_guard lock(random_mu_);
    id = new_id(random_, "msg");
  }
  json p = {{"to", email.to},     {"language", email.language},
            {"kind", email.kind}, {"subject", email.subject},
            {"text", email.text}, {"reference", email.reference}};
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY_STATUS(insert(tx, id, "email", "", email.kind, email.reference, p.dump()));
  CHARTER_TRY_STATUS(tx.commit());
  queued();
  return id;
}

Status DurableOutbox::notify(const EventNotice& notice) {
  bool any = false;
  for (const auto& e : endpoints_) any = any || e.ep.wants(notice.event);
  if (!any) return {};
  CHARTER_TRY(auto tx, store_.write());
  for (const auto& e : endpoints_) {
    if (!e.ep.wants(notice.event)) continue;
    std::string id;
    {
      std::lock_guard lock(random_mu_);
      id = new_id(random_, "msg");
    }
    json body = {{"delivery_id", id},
                 {"event", to_string(notice.event)},
                 {"subject_id", notice.subject_id},
                 {"purpose", notice.purpose.empty() ? json(nullptr) : json(notice.purpose)},
                 {"time", format_timestamp(notice.at)}};
    json p = {{"body", body.dump()}};
    CHARTER_TRY_STATUS(insert(tx, id, "webhook", e.ep.id, to_string(notice.event), "", p.dump()));
  }
  CHARTER_TRY_STATUS(tx.commit());
  queued();
  return {};
}

Micros DurableOutbox::backoff(std::int64_t attempts) {
  std::int64_t d = options_.first_retry.count();
  for (std::int64_t i = 1; i < attempts && d < options_.max_retry.count(); ++i) d *= 2;
  if (d > options_.max_retry.count()) d = options_.max_retry.count();
  std::uint64_t r;
  {
    std::lock_guard lock(random_mu_);
    r = random_.next_u64();
  }
  const std::int64_t half = d / 2;
  return Micros(
      half + (half > 0 ? static_cast<std::int64_t>(r % static_cast<std::uint64_t>(half + 1)) : 0));
}

Result<std::string> DurableOutbox::open_payload(std::string_view id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row,
              tx.query_one("SELECT channel, payload FROM notify_messages WHERE id = ?", {id}));
  if (!row) return make_error(Errc::kNotFound, "no such outbox message");
  CHARTER_TRY(auto channel, (*row)[0].as_text(0));
  CHARTER_TRY(auto sealed, (*row)[1].as_blob(1));
  CHARTER_TRY(auto plain, crypto::open(seal_key_, sealed, payload_ad(id, channel)));
  return std::string(plain.begin(), plain.end());
}

Status DurableOutbox::deliver_one(const MessageInfo& m, const std::string& payload,
                                  EmailTransport& email, WebhookTransport& webhook) {
  json p = json::parse(payload, nullptr, false);
  if (p.is_discarded()) return make_error(Errc::kIntegrity, "outbox payload is not JSON");
  if (m.channel == "email") {
    Email e;
    e.to = p.value("to", "");
    e.language = p.value("language", "");
    e.kind = p.value("kind", "");
    e.subject = p.value("subject", "");
    e.text = p.value("text", "");
    e.reference = p.value("reference", "");
    EmailEnvelope env{m.id, options_.from, options_.domain, m.created};
    OutgoingEmail out{m.id, options_.from, e.to, format_email(e, env)};
    return email.send(out);
  }
  const Endpoint* ep = nullptr;
  for (const auto& e : endpoints_)
    if (e.ep.id == m.endpoint) ep = &e;
  if (!ep)
    return make_error(Errc::kUnavailable,
                      "webhook endpoint " + m.endpoint + " is no longer declared");
  WebhookPost post;
  post.url = ep->ep.url;
  post.body = p.value("body", "");
  post.headers = {{"Charter-Delivery", m.id},
                  {"Charter-Event", m.kind},
                  {"Charter-Signature", webhook_signature(ep->secret, clock_.now(), post.body)}};
  return webhook.post(post);
}

Result<RoundReport> DurableOutbox::deliver_due(EmailTransport& email, WebhookTransport& webhook,
                                               std::size_t limit) {
  RoundReport report;
  const Timestamp now = clock_.now();
  const std::int64_t now_us = to_unix_micros(now);
  // Lease the due messages (one committed transaction).
  std::vector<MessageInfo> leased;
  {
    CHARTER_TRY(auto tx, store_.write());
    std::vector<MessageInfo> due;
    {
      CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kColumns) +
                                          " FROM notify_messages WHERE delivered_at IS NULL AND "
                                          "next_at <= ? ORDER BY next_at, id LIMIT ?",
                                      {now_us, static_cast<std::int64_t>(limit)}));
      while (true) {
        CHARTER_TRY(bool more, rows.next());
        if (!more) break;
        CHARTER_TRY(auto m, read_info(rows));
        due.push_back(std::move(m));
      }
    }
    const std::int64_t until = now_us + options_.lease.count();
    for (auto& m : due) {
      CHARTER_TRY(auto n, tx.exec("UPDATE notify_messages SET next_at = ?, attempts = attempts + "
                                  "1 WHERE id = ? AND next_at = ? AND delivered_at IS NULL",
                                  {until, m.id, to_unix_micros(m.next_at)}));
      if (n == 1) {
        m.attempts += 1;
        leased.push_back(std::move(m));
      }
    }
    CHARTER_TRY_STATUS(tx.commit());
  }
  for (const auto& m : leased) {
    auto payload = open_payload(m.id);
    Status st = payload.ok() ? deliver_one(m, *payload, email, webhook)
                             : Status(make_error(payload.error().code, payload.error().message));
    CHARTER_TRY(auto tx, store_.write());
    if (st.ok()) {
      CHARTER_TRY(auto n, tx.exec("UPDATE notify_messages SET delivered_at = ?, last_error = '' "
                                  "WHERE id = ?",
                                  {to_unix_micros(clock_.now()), m.id}));
      (void)n;
      ++report.delivered;
    } else {
      const Timestamp next = clock_.now() + backoff(m.attempts);
      CHARTER_TRY(auto n, tx.exec("UPDATE notify_messages SET next_at = ?, last_error = ? "
                                  "WHERE id = ? AND delivered_at IS NULL",
                                  {to_unix_micros(next), st.error().message, m.id}));
      (void)n;
      ++report.failed;
    }
    CHARTER_TRY_STATUS(tx.commit());
  }
  return report;
}

Result<std::optional<Timestamp>> DurableOutbox::next_due() {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT MIN(next_at) FROM notify_messages WHERE "
                                     "delivered_at IS NULL"));
  if (!row || (*row)[0].is_null()) return std::optional<Timestamp>();
  CHARTER_TRY(auto v, (*row)[0].as_int(0));
  return std::optional<Timestamp>(from_unix_micros(v));
}

Result<std::int64_t> DurableOutbox::backlog() {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT COUNT(*) FROM notify_messages WHERE delivered_at "
                                     "IS NULL"));
  if (!row) return std::int64_t{0};
  return (*row)[0].as_int(0);
}

Result<std::vector<MessageInfo>> DurableOutbox::list(bool pending_only, std::size_t limit) {
  CHARTER_TRY(auto tx, store_.read());
  std::string sql = "SELECT " + std::string(kColumns) + " FROM notify_messages";
  if (pending_only) sql += " WHERE delivered_at IS NULL";
  sql += " ORDER BY created_at DESC, id LIMIT ?";
  CHARTER_TRY(auto rows, tx.query(sql, {static_cast<std::int64_t>(limit)}));
  std::vector<MessageInfo> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto m, read_info(rows));
    out.push_back(std::move(m));
  }
  return out;
}

Result<MessageInfo> DurableOutbox::info(std::string_view id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(
      auto rows,
      tx.query("SELECT " + std::string(kColumns) + " FROM notify_messages WHERE id = ?", {id}));
  CHARTER_TRY(bool more, rows.next());
  if (!more) return make_error(Errc::kNotFound, "no such outbox message");
  return read_info(rows);
}

Result<std::int64_t> DurableOutbox::purge_delivered(Timestamp before) {
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("DELETE FROM notify_messages WHERE delivered_at IS NOT NULL AND "
                              "delivered_at < ?",
                              {to_unix_micros(before)}));
  CHARTER_TRY_STATUS(tx.commit());
  return n;
}

}  // namespace charter::notify
