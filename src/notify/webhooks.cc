#include "notify/webhooks.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/secret_file.h"

namespace charter::notify {
namespace {

constexpr std::array<Event, 5> kEvents = {Event::kConsentWithdrawn, Event::kObjection,
                                          Event::kRestriction, Event::kRectification,
                                          Event::kErasure};

std::string event_list() {
  std::string s;
  for (Event e : kEvents) s += (s.empty() ? "" : ", ") + std::string(to_string(e));
  return s;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Error bad(const std::string& where, const std::string& why) {
  return make_error(Errc::kInvalidArgument, where + ": " + why);
}

}  // namespace

const char* to_string(Event e) {
  switch (e) {
    case Event::kConsentWithdrawn:
      return "consent.withdrawn";
    case Event::kObjection:
      return "objection";
    case Event::kRestriction:
      return "restriction";
    case Event::kRectification:
      return "rectification";
    case Event::kErasure:
      return "erasure";
  }
  return "?";
}

std::optional<Event> parse_event(std::string_view name) {
  for (Event e : kEvents)
    if (name == to_string(e)) return e;
  return std::nullopt;
}

bool WebhookEndpoint::wants(Event e) const {
  for (Event x : events)
    if (x == e) return true;
  return false;
}

Result<std::vector<WebhookEndpoint>> parse_webhooks(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kInvalidArgument,
                      "notify file: not valid YAML (line " + std::to_string(e.mark.line + 1) + ")");
  }
  std::vector<WebhookEndpoint> out;
  if (!root || root.IsNull()) return out;
  if (!root.IsMap()) return bad("notify file", "must be a mapping with the key `webhooks`");
  for (auto kv : root) {
    if (kv.first.Scalar() != "webhooks")
      return bad("notify file", "unknown key `" + kv.first.Scalar() + "` (allowed: webhooks)");
  }
  YAML::Node list = root["webhooks"];
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) return bad("webhooks", "must be a list of {id, url, events}");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "webhooks[" + std::to_string(i) + "]";
    YAML::Node n = list[i];
    if (!n.IsMap()) return bad(where, "must be a mapping {id, url, events}");
    for (auto kv : n) {
      const std::string k = kv.first.Scalar();
      if (k != "id" && k != "url" && k != "events")
        return bad(where, "unknown key `" + k + "` (allowed: id, url, events)");
    }
    WebhookEndpoint ep;
    if (!n["id"] || !n["id"].IsScalar() || !valid_id(n["id"].Scalar()))
      return bad(where + ".id", "required, 1 to 40 characters among a-z, 0-9, _ and -");
    ep.id = n["id"].Scalar();
    if (!ids.insert(ep.id).second) return bad(where + ".id", "`" + ep.id + "` is declared twice");
    if (!n["url"] || !n["url"].IsScalar())
      return bad(where + ".url", "required, an http:// or https:// URL");
    ep.url = n["url"].Scalar();
    if (!(ep.url.starts_with("http://") || ep.url.starts_with("https://")) || ep.url.size() < 10)
      return bad(where + ".url", "must be an http:// or https:// URL");
    for (char c : ep.url) {
      if (static_cast<unsigned char>(c) <= 0x20) return bad(where + ".url", "contains a space");
    }
    YAML::Node ev = n["events"];
    if (!ev || !ev.IsSequence() || ev.size() == 0)
      return bad(where + ".events", "required, a non-empty list among: " + event_list());
    for (std::size_t j = 0; j < ev.size(); ++j) {
      auto e = ev[j].IsScalar() ? parse_event(ev[j].Scalar()) : std::nullopt;
      if (!e)
        return bad(where + ".events[" + std::to_string(j) + "]",
                   "unknown event (allowed: " + event_list() + ")");
      if (!ep.wants(*e)) ep.events.push_back(*e);
    }
    out.push_back(std::move(ep));
  }
  return out;
}

Result<std::vector<WebhookEndpoint>> load_webhooks(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::kNotFound, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse_webhooks(ss.str());
  if (!r.ok()) return make_error(r.error().code, path + ": " + r.error().message);
  return r;
}

std::string webhook_secret_path(const std::string& key_dir, std::string_view id) {
  return key_dir + "/webhook-" + std::string(id) + ".key";
}

Result<crypto::SecretKey> load_or_create_webhook_secret(const std::string& key_dir,
                                                        std::string_view id, Random& random) {
  const std::string path = webhook_secret_path(key_dir, id);
  auto text = crypto::read_secret_file(path, 256);
  if (!text.ok() && text.error().code == Errc::kNotFound) {
    std::error_code ec;
    std::filesystem::create_directories(key_dir, ec);
    auto key = crypto::SecretKey::generate(random);
    std::string hex = to_hex(key.bytes());
    hex += '\n';
    Status st = crypto::write_secret_file(
        path, crypto::ByteView(reinterpret_cast<const std::uint8_t*>(hex.data()), hex.size()));
    if (!st.ok() && st.error().code != Errc::kAlreadyExists) return std::move(st).error();
    text = crypto::read_secret_file(path, 256);
  }
  if (!text.ok()) return std::move(text).error();
  std::string_view s(reinterpret_cast<const char*>(text->data()), text->size());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.remove_suffix(1);
  auto raw = crypto::from_hex(s);
  if (!raw.ok() || raw->size() != crypto::kKeyBytes)
    return make_error(Errc::kInvalidArgument, path + ": must hold 64 hex characters");
  return crypto::SecretKey::from_bytes(*raw);
}

}  // namespace charter::notify
