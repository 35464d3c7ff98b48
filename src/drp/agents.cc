#include "drp/agents.h"

#include <cstring>

#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "drp/schema.h"

namespace charter::drp {
namespace {

std::int64_t us(Timestamp t) { return to_unix_micros(t); }

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string token_hash(std::string_view token) {
  return to_hex(crypto::sha256(crypto::as_bytes(token)));
}

Result<Agent> read_agent(store::Row& row) {
  Agent a;
  CHARTER_TRY(auto id, row[0].as_text(0));
  a.id = std::string(id);
  CHARTER_TRY(auto key, row[1].as_blob(1));
  if (key.size() != a.verify_key.size()) {
    return make_error(Errc::kIntegrity, "drp_agents.verify_key: not 32 bytes");
  }
  std::memcpy(a.verify_key.data(), key.data(), key.size());
  CHARTER_TRY(auto name, row[2].as_text(2));
  a.name = std::string(name);
  CHARTER_TRY(auto at, row[3].as_int(3));
  a.trusted_at = from_unix_micros(at);
  return a;
}

constexpr std::string_view kAgentColumns = "agent_id, verify_key, name, trusted_at";

}  // namespace

bool valid_agent_id(std::string_view id) {
  if (id.empty() || id.size() > 48) return false;
  for (char c : id)
    if (!id_char(c)) return false;
  return true;
}

bool valid_business_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!id_char(c)) return false;
  return true;
}

Result<crypto::PublicKey> parse_verify_key(std::string_view base64) {
  constexpr const char* kWant =
      "public key: the agent's Ed25519 verify key, 32 bytes in base64 (standard alphabet, e.g. "
      "44 characters ending in '=')";
  auto bytes = crypto::from_base64(base64);
  if (!bytes) return make_error(Errc::kInvalidArgument, std::string(kWant) + ": not base64");
  if (bytes->size() != 32) {
    return make_error(Errc::kInvalidArgument, std::string(kWant) + ": decodes to " +
                                                  std::to_string(bytes->size()) + " bytes");
  }
  crypto::PublicKey key{};
  std::memcpy(key.data(), bytes->data(), key.size());
  return key;
}

std::string default_business_id(const policy::Policy& policy) {
  std::string out;
  bool gap = false;
  for (char c : policy.controller.name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      if (gap && !out.empty()) out.push_back('_');
      gap = false;
      out.push_back(c);
    } else {
      gap = true;
    }
  }
  if (out.size() > 64) out.resize(64);
  return out.empty() ? "CHARTER" : out;
}

Result<std::unique_ptr<AgentRegistry>> AgentRegistry::open(store::Store& store, const Clock& clock,
                                                           Random& random) {
  CHARTER_TRY_STATUS(migrate_drp(store, clock));
  return std::unique_ptr<AgentRegistry>(new AgentRegistry(store, clock, random));
}

Result<Agent> AgentRegistry::trust(std::string_view id, std::string_view verify_key_base64,
                                   std::string_view name) {
  if (!valid_agent_id(id)) {
    return make_error(Errc::kInvalidArgument,
                      "agent id: 1 to 48 characters of A-Z, a-z, 0-9, '_', '.', '-'");
  }
  CHARTER_TRY(crypto::PublicKey key, parse_verify_key(verify_key_base64));
  if (name.size() > 200) return make_error(Errc::kInvalidArgument, "name: at most 200 bytes");
  Agent a{std::string(id), key, std::string(name), clock_.now()};
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY_STATUS(tx.lock("drp_agents"));
  CHARTER_TRY(auto old, tx.query_one("SELECT verify_key FROM drp_agents WHERE agent_id = ?", {id}));
  if (old) {
    CHARTER_TRY(auto k, (*old)[0].as_blob(0));
    if (k.size() != key.size() || std::memcmp(k.data(), key.data(), key.size()) != 0) {
      CHARTER_TRY(auto n, tx.exec("DELETE FROM drp_tokens WHERE agent_id = ?", {id}));
      (void)n;
    }
    CHARTER_TRY(auto n, tx.exec("UPDATE drp_agents SET verify_key = ?, name = ?, trusted_at = ? "
                                "WHERE agent_id = ?",
                                {crypto::ByteView(key), name, us(a.trusted_at), id}));
    (void)n;
  } else {
    CHARTER_TRY(auto n, tx.exec("INSERT INTO drp_agents (agent_id, verify_key, name, trusted_at) "
                                "VALUES (?, ?, ?, ?)",
                                {id, crypto::ByteView(key), name, us(a.trusted_at)}));
    (void)n;
  }
  CHARTER_TRY_STATUS(tx.commit());
  return a;
}

Status AgentRegistry::distrust(std::string_view id) {
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("DELETE FROM drp_agents WHERE agent_id = ?", {id}));
  if (n == 0) return make_error(Errc::kNotFound, "agent: not a trusted agent");
  CHARTER_TRY(auto m, tx.exec("DELETE FROM drp_tokens WHERE agent_id = ?", {id}));
  (void)m;
  return tx.commit();
}

Result<std::optional<Agent>> AgentRegistry::find(std::string_view id) {
  if (!valid_agent_id(id)) return std::optional<Agent>();
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT " + std::string(kAgentColumns) +
                                         " FROM drp_agents WHERE agent_id = ?",
                                     {id}));
  if (!row) return std::optional<Agent>();
  CHARTER_TRY(Agent a, read_agent(*row));
  return std::optional<Agent>(std::move(a));
}

Result<std::vector<Agent>> AgentRegistry::list() {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kAgentColumns) +
                                  " FROM drp_agents ORDER BY agent_id"));
  std::vector<Agent> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    store::Row row = rows.row();
    CHARTER_TRY(Agent a, read_agent(row));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::string> AgentRegistry::issue_token(std::string_view agent_id) {
  std::array<std::uint8_t, 32> secret{};
  random_.fill(secret);
  const std::string token = "drpt_" + crypto::to_base64url(secret);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto known,
              tx.query_one("SELECT agent_id FROM drp_agents WHERE agent_id = ?", {agent_id}));
  if (!known) return make_error(Errc::kNotFound, "agent: not a trusted agent");
  CHARTER_TRY(auto n, tx.exec("DELETE FROM drp_tokens WHERE agent_id = ?", {agent_id}));
  (void)n;
  CHARTER_TRY(auto m,
              tx.exec("INSERT INTO drp_tokens (token_hash, agent_id, issued_at) VALUES (?, ?, ?)",
                      {token_hash(token), agent_id, us(clock_.now())}));
  (void)m;
  CHARTER_TRY_STATUS(tx.commit());
  return token;
}

Result<std::optional<Agent>> AgentRegistry::agent_of_token(std::string_view token) {
  if (token.empty() || token.size() > 256) return std::optional<Agent>();
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT a.agent_id, a.verify_key, a.name, a.trusted_at FROM "
                                     "drp_tokens t JOIN drp_agents a ON a.agent_id = t.agent_id "
                                     "WHERE t.token_hash = ?",
                                     {token_hash(token)}));
  if (!row) return std::optional<Agent>();
  CHARTER_TRY(Agent a, read_agent(*row));
  return std::optional<Agent>(std::move(a));
}

Result<std::optional<std::string>> AgentRegistry::business_id() {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row,
              tx.query_one("SELECT value FROM drp_settings WHERE name = 'business_id'", {}));
  if (!row) return std::optional<std::string>();
  CHARTER_TRY(auto v, (*row)[0].as_text(0));
  return std::optional<std::string>(std::string(v));
}

Status AgentRegistry::set_business_id(std::string_view id) {
  if (!valid_business_id(id)) {
    return make_error(Errc::kInvalidArgument,
                      "business id: 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
  }
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("INSERT INTO drp_settings (name, value) VALUES ('business_id', ?) "
                              "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                              {id}));
  (void)n;
  return tx.commit();
}

}  // namespace charter::drp
