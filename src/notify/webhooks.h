// Webhook endpoints: the company's internal systems told of consent withdrawals, objections,
// restrictions, rectifications and erasures (art. 19; docs/NOTIFY.md).
//
// Declared in a YAML file (`charter serve` reads <data>/notify.yaml when it exists):
//   webhooks:
//     - id: crm                       # [a-z0-9_-]{1,40}
//       url: https://crm.internal/charter-events
//       events: [consent.withdrawn, objection, restriction, rectification, erasure]
// Each endpoint's secret is 32 random bytes kept as 64 hex characters in
// <key_dir>/webhook-<id>.key (mode 0600), created on first use; the receiving system is given
// the same file's content to check the Charter-Signature header.
//
// Errors (load_webhooks): kNotFound (no file), kInvalidArgument naming the entry and key and
// what is allowed (unknown event, duplicate id, URL not http(s), unknown key). Secrets: the
// secret-file errors (crypto/secret_file.h). Thread safety: pure / as the file system.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.h"
#include "core/result.h"
#include "crypto/secret_key.h"
#include "notify/outbox.h"

namespace charter::notify {

struct WebhookEndpoint {
  std::string id;
  std::string url;
  std::vector<Event> events;
  bool wants(Event e) const;
};

std::optional<Event> parse_event(std::string_view name);
Result<std::vector<WebhookEndpoint>> parse_webhooks(std::string_view yaml);
Result<std::vector<WebhookEndpoint>> load_webhooks(const std::string& path);

// <key_dir>/webhook-<id>.key
std::string webhook_secret_path(const std::string& key_dir, std::string_view id);
// Reads the endpoint's secret, creating it (random, mode 0600) when absent.
Result<crypto::SecretKey> load_or_create_webhook_secret(const std::string& key_dir,
                                                        std::string_view id, Random& random);

}  // namespace charter::notify
