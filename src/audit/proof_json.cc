#include "audit/proof_json.h"

#include "audit/json_fields.h"
#include "core/id.h"

namespace charter::audit {
namespace {

nlohmann::ordered_json hex_list(const std::vector<Hash>& hashes) {
  auto arr = nlohmann::ordered_json::array();
  for (const Hash& h : hashes) arr.push_back(to_hex(h));
  return arr;
}

}  // namespace

std::string inclusion_proof_to_json(const InclusionProof& proof) {
  nlohmann::ordered_json j;
  j["leaf_index"] = proof.leaf_index;
  j["tree_size"] = proof.tree_size;
  j["inclusion_path"] = hex_list(proof.path);
  return j.dump();
}

Result<InclusionProof> parse_inclusion_proof_json(std::string_view text) {
  CHARTER_TRY(auto j, json_fields::parse_object(text, "inclusion proof"));
  InclusionProof p;
  CHARTER_TRY(p.leaf_index, json_fields::get_u64(j, "leaf_index"));
  CHARTER_TRY(p.tree_size, json_fields::get_u64(j, "tree_size"));
  CHARTER_TRY(p.path, json_fields::get_hash_list(j, "inclusion_path"));
  return p;
}

std::string consistency_proof_to_json(const ConsistencyProof& proof) {
  nlohmann::ordered_json j;
  j["first_size"] = proof.first_size;
  j["second_size"] = proof.second_size;
  j["consistency_path"] = hex_list(proof.path);
  return j.dump();
}

Result<ConsistencyProof> parse_consistency_proof_json(std::string_view text) {
  CHARTER_TRY(auto j, json_fields::parse_object(text, "consistency proof"));
  ConsistencyProof p;
  CHARTER_TRY(p.first_size, json_fields::get_u64(j, "first_size"));
  CHARTER_TRY(p.second_size, json_fields::get_u64(j, "second_size"));
  CHARTER_TRY(p.path, json_fields::get_hash_list(j, "consistency_path"));
  return p;
}

}  // namespace charter::audit
