#include "audit/tree_head.h"

#include "audit/json_fields.h"
#include "core/id.h"
#include "crypto/encoding.h"

namespace charter::audit {
namespace {

constexpr std::string_view kContext = "charter-audit-tree-head-v1";

void put_u64(crypto::Bytes& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

crypto::Bytes tree_head_message(const TreeHead& head) {
  crypto::Bytes m(kContext.begin(), kContext.end());
  m.push_back(0x00);
  put_u64(m, head.tree_size);
  put_u64(m, static_cast<std::uint64_t>(to_unix_micros(head.time)));
  m.insert(m.end(), head.root.begin(), head.root.end());
  return m;
}

SignedTreeHead sign_tree_head(const TreeHead& head, const crypto::SigningKey& key) {
  return SignedTreeHead{head, key.sign(tree_head_message(head))};
}

Status verify_tree_head(const SignedTreeHead& sth, const crypto::PublicKey& key) {
  if (!crypto::verify(key, tree_head_message(sth.head), sth.signature))
    return make_error(Errc::kIntegrity, "tree head at size " + std::to_string(sth.head.tree_size) +
                                            ": signature does not verify");
  return ok_status();
}

std::string tree_head_to_json(const SignedTreeHead& sth) {
  nlohmann::ordered_json j;
  j["tree_size"] = sth.head.tree_size;
  j["timestamp"] = format_timestamp(sth.head.time);
  j["root_hash"] = to_hex(sth.head.root);
  j["signature"] = to_hex(sth.signature);
  return j.dump();
}

Result<SignedTreeHead> parse_tree_head_json(std::string_view text) {
  CHARTER_TRY(auto j, json_fields::parse_object(text, "tree head"));
  SignedTreeHead sth;
  CHARTER_TRY(sth.head.tree_size, json_fields::get_u64(j, "tree_size"));
  CHARTER_TRY(std::string ts, json_fields::get_string(j, "timestamp"));
  auto time = parse_timestamp(ts);
  if (!time.ok())
    return make_error(Errc::kInvalidArgument, "\"timestamp\": " + time.error().message);
  sth.head.time = *time;
  CHARTER_TRY(sth.head.root, json_fields::get_hash(j, "root_hash"));
  CHARTER_TRY(std::string sig, json_fields::get_string(j, "signature"));
  if (!crypto::decode_hex_exact(sig, sth.signature))
    return make_error(Errc::kInvalidArgument, "\"signature\": expected 128 hex digits");
  return sth;
}

}  // namespace charter::audit
