// AgentRegistry: the Authorized Agents this Covered Business trusts (DRP 3.05.1, 3.07;
// docs/DRP.md "Agents"), their pair-wise bearer tokens (DRP 2.05) and the business-id.
//
// An agent is trusted out of band by the operator (`charter drp trust-agent ID KEY`): its id
// (1..48 characters of [A-Za-z0-9_.-]) and its Ed25519 verify key (32 bytes, base64 as in the
// DRP service directory). Trusting again replaces the key (and revokes the agent's tokens when
// the key changes); distrusting deletes the agent and its tokens. Tokens ("drpt_" + 32 random
// bytes, base64url) are given once by issue_token(); only their SHA-256 is stored; a new token
// replaces the agent's previous ones.
//
// Errors: kInvalidArgument naming the field and what is allowed (never echoing a key or token),
// kNotFound (distrust of an unknown agent), the store's. Thread safety: thread safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/sign.h"
#include "policy/model.h"
#include "store/store.h"

namespace charter::drp {

struct Agent {
  std::string id;
  crypto::PublicKey verify_key{};
  std::string name;  // free label for the operator ("" when none)
  Timestamp trusted_at;
};

bool valid_agent_id(std::string_view id);
bool valid_business_id(std::string_view id);
// A verify key from its base64 text. Errors name what was expected (32 bytes, base64).
Result<crypto::PublicKey> parse_verify_key(std::string_view base64);
// The business-id used when none is set: the policy controller's name in capitals, every run of
// other characters as one '_' ("Oxemis SARL" -> "OXEMIS_SARL", the directory's [A-Z_]+ shape).
std::string default_business_id(const policy::Policy& policy);

class AgentRegistry {
 public:
  // Applies the drp migrations. Everything borrowed must outlive the registry.
  static Result<std::unique_ptr<AgentRegistry>> open(store::Store& store, const Clock& clock,
                                                     Random& random);

  Result<Agent> trust(std::string_view id, std::string_view verify_key_base64,
                      std::string_view name = {});
  Status distrust(std::string_view id);
  Result<std::optional<Agent>> find(std::string_view id);
  Result<std::vector<Agent>> list();

  // A new bearer token for a trusted agent (the previous ones stop working).
  Result<std::string> issue_token(std::string_view agent_id);
  // The agent a token was issued to (nullopt: unknown token, or its agent is no longer trusted).
  Result<std::optional<Agent>> agent_of_token(std::string_view token);

  // The business-id set by the operator (nullopt: none set, use the default).
  Result<std::optional<std::string>> business_id();
  Status set_business_id(std::string_view id);

  store::Store& store() { return store_; }

 private:
  AgentRegistry(store::Store& store, const Clock& clock, Random& random)
      : store_(store), clock_(clock), random_(random) {}

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
};

}  // namespace charter::drp
