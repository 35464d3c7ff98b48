// DurableOutbox: the store-backed notify::Outbox (docs/NOTIFY.md). send_email()/notify() insert
// one row per message (per subscribed endpoint for a notice) and commit before returning; the
// delivery worker (worker.h) calls deliver_due() which takes the due messages, delivers them
// through the transports, and records the outcome:
//   - delivered: delivered_at set (kept, without change, until purge_delivered());
//   - failed: attempts + 1, next_at = now + backoff (exponential from `first_retry`, capped at
//     `max_retry`, with jitter: a uniform draw in [d/2, d]), last_error (no personal data).
// Before delivering, a message is leased (next_at moved `lease` ahead and attempts counted in a
// committed transaction), so a crash mid-delivery leaves it due again once the lease has passed:
// delivery is at least once, and every copy carries the same id (the .eml file name and
// Message-ID, the webhook's Charter-Delivery header and body `delivery_id`) for deduplication.
// Several servers on one PostgreSQL lease with a conditional UPDATE, so each try goes to one.
//
// At rest: the recipient address, subject, body (e-mail) and the webhook body (subject id,
// purpose) are sealed together in `payload` (XChaCha20-Poly1305 under a subkey of the outbox
// root key, wrapped by the master key ring; AD: message id, channel, key version). Ids, kinds,
// endpoint ids, references (request ids), times and error texts are in clear.
//
// Errors: send_email kInvalidArgument (field named: empty/invalid `to`, language not fr/en,
// control characters in the subject, kind or reference), the store's; notify the store's.
// Thread safety: thread safe. The Store, KeyRing (at open only), Clock and Random must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "crypto/secret_key.h"
#include "notify/outbox.h"
#include "notify/transport.h"
#include "notify/webhooks.h"
#include "store/store.h"

namespace charter::notify {

struct OutboxOptions {
  std::string from = "charter@localhost";  // From: and SMTP envelope sender
  std::string domain = "localhost";        // right part of Message-ID
  std::vector<WebhookEndpoint> webhooks;
  std::string key_dir;  // where the webhook secrets live (needed when `webhooks` is not empty)
  Micros first_retry = std::chrono::seconds(30);
  Micros max_retry = std::chrono::hours(1);
  Micros lease = std::chrono::minutes(2);
  // Called after a message is committed (the worker wakes up). Keep it short.
  std::function<void()> on_queued;
};

// What the outbox lists (no personal data: the address and body stay sealed).
struct MessageInfo {
  std::string id;        // "msg_...": the delivery id
  std::string channel;   // "email" or "webhook"
  std::string endpoint;  // webhook endpoint id; "" for e-mail
  std::string kind;      // e-mail kind, or the event name
  std::string reference;
  Timestamp created;
  std::int64_t attempts = 0;
  Timestamp next_at;
  std::optional<Timestamp> delivered_at;
  std::string last_error;
};

struct RoundReport {
  int delivered = 0;
  int failed = 0;
};

class DurableOutbox final : public Outbox {
 public:
  // Applies the notify migrations, loads (or creates) the root key, loads (or creates) the
  // webhook secrets.
  static Result<std::unique_ptr<DurableOutbox>> open(store::Store& store,
                                                     const crypto::KeyRing& ring,
                                                     const Clock& clock, Random& random,
                                                     OutboxOptions options = {});

  Result<std::string> send_email(const Email& email) override;
  Status notify(const EventNotice& notice) override;

  // Delivers up to `limit` due messages (see above). Errors: the store's (transport failures
  // are recorded on the message, not returned).
  Result<RoundReport> deliver_due(EmailTransport& email, WebhookTransport& webhook,
                                  std::size_t limit = 64);
  // When the next undelivered message is due (nullopt: none).
  Result<std::optional<Timestamp>> next_due();
  // Undelivered messages.
  Result<std::int64_t> backlog();
  // Newest first; `pending_only`: undelivered only.
  Result<std::vector<MessageInfo>> list(bool pending_only, std::size_t limit = 100);
  Result<MessageInfo> info(std::string_view id);
  // Opens a message's sealed payload (JSON text), for tests and the DPO's review.
  Result<std::string> open_payload(std::string_view id);
  // Deletes messages delivered before `before`. Returns how many.
  Result<std::int64_t> purge_delivered(Timestamp before);

  const OutboxOptions& options() const { return options_; }
  // The delay before try number `attempts` + 1 after `attempts` failed tries (with jitter).
  Micros backoff(std::int64_t attempts);

 private:
  struct Endpoint {
    WebhookEndpoint ep;
    crypto::SecretKey secret;
  };
  DurableOutbox(store::Store& store, crypto::SecretKey seal_key, std::vector<Endpoint> endpoints,
                const Clock& clock, Random& random, OutboxOptions options);
  Status insert(store::Transaction& tx, const std::string& id, std::string_view channel,
                std::string_view endpoint, std::string_view kind, std::string_view reference,
                const std::string& payload);
  Status deliver_one(const MessageInfo& m, const std::string& payload, EmailTransport& email,
                     WebhookTransport& webhook);
  void queued() const {
    if (options_.on_queued) options_.on_queued();
  }

  store::Store& store_;
  crypto::SecretKey seal_key_;
  std::vector<Endpoint> endpoints_;
  const Clock& clock_;
  Random& random_;
  OutboxOptions options_;
  std::mutex random_mu_;
};

}  // namespace charter::notify
