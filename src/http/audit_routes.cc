// The audit log over HTTP: latest signed tree head, inclusion and consistency proofs (RFC 9162
// shapes, audit/proof_json.h) and a subject's access history (who used the data, for which
// purpose, with which outcome; staff shown by role).
#include "audit/history.h"
#include "audit/proof_json.h"
#include "audit/tree_head.h"
#include "core/id.h"
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kObject = {{"type", "object"}};

Result<std::uint64_t> required_uint(const Request& req, std::string_view name) {
  CHARTER_TRY(auto v, uint_query(req, name));
  if (!v) return make_error(Errc::kInvalidArgument, std::string(name) + ": required");
  return *v;
}

Param uint_param(std::string name, std::string description, bool required) {
  return {std::move(name),
          ParamIn::kQuery,
          std::move(description),
          {{"type", "integer"}, {"minimum", 0}},
          required};
}

}  // namespace

Status add_audit_routes(Router& router, const ApiContext& ctx) {
  audit::LogStore& log = *ctx.audit_log;
  audit::Prover& prover = *ctx.prover;

  {
    Route r = make_route(Method::kGet, "/v1/audit/tree-head", "getTreeHead",
                         "The latest signed tree head of the audit log", "audit");
    r.replies = {{200, "tree_size, timestamp, root_hash, signature (Ed25519, docs/AUDIT.md)",
                  "application/json", kObject}};
    guard(r, rules::kAudit, [&log](Request&) -> Result<Response> {
      CHARTER_TRY(auto head, log.latest_head());
      if (!head) return make_error(Errc::kNotFound, "the audit log has no signed tree head yet");
      return text_response(200, audit::tree_head_to_json(*head), std::string(kJsonType));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/audit/proofs/inclusion", "getInclusionProof",
                         "Inclusion proof of an entry in a tree of a given size", "audit");
    r.params = {uint_param("leaf_index", "Sequence number of the entry", true),
                uint_param("tree_size", "Size of the tree (a signed head's)", true)};
    r.replies = {
        {200, "leaf_index, tree_size, inclusion_path, leaf_hash", "application/json", kObject}};
    guard(r, rules::kAudit, [&prover](Request& req) -> Result<Response> {
      CHARTER_TRY(auto index, required_uint(req, "leaf_index"));
      CHARTER_TRY(auto size, required_uint(req, "tree_size"));
      CHARTER_TRY_STATUS(prover.refresh());
      CHARTER_TRY(auto proof, prover.inclusion_proof(index, size));
      CHARTER_TRY(auto leaf, prover.leaf_hash(index));
      json out = json::parse(audit::inclusion_proof_to_json(proof));
      out["leaf_hash"] = to_hex(leaf);
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/audit/proofs/consistency", "getConsistencyProof",
                         "Consistency proof between two tree sizes", "audit");
    r.params = {uint_param("first_size", "The older tree size", true),
                uint_param("second_size", "The newer tree size", true)};
    r.replies = {{200, "first_size, second_size, consistency_path", "application/json", kObject}};
    guard(r, rules::kAudit, [&prover](Request& req) -> Result<Response> {
      CHARTER_TRY(auto first, required_uint(req, "first_size"));
      CHARTER_TRY(auto second, required_uint(req, "second_size"));
      CHARTER_TRY_STATUS(prover.refresh());
      CHARTER_TRY(auto proof, prover.consistency_proof(first, second));
      return text_response(200, audit::consistency_proof_to_json(proof), std::string(kJsonType));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  if (ctx.pseudonym) {
    Route r = make_route(Method::kGet, "/v1/subjects/{subject_id}/access-history",
                         "getAccessHistory", "Who used a subject's data, for what, when", "audit");
    r.params.push_back(uint_param("from", "First sequence number (paging)", false));
    r.params.push_back(
        uint_param("limit", "At most this many records (default and max 1000)", false));
    r.replies = {
        {200, "Records in log order; next_from for the next page", "application/json", kObject}};
    auto pseudonym = ctx.pseudonym;
    guard(r, rules::kAudit, [&log, pseudonym](Request& req) -> Result<Response> {
      CHARTER_TRY(auto subject, id_param(req, "subject_id", "sub"));
      CHARTER_TRY(auto from, uint_query(req, "from"));
      CHARTER_TRY(auto limit, uint_query(req, "limit"));
      audit::HistoryQuery q;
      q.from_sequence = from.value_or(0);
      q.limit = static_cast<std::size_t>(std::min<std::uint64_t>(limit.value_or(1000), 1000));
      CHARTER_TRY(auto p, pseudonym(subject));
      CHARTER_TRY(auto records, audit::access_history(log, p, q));
      json out = json::array();
      for (const auto& a : records) {
        out.push_back({{"sequence", a.sequence},
                       {"time", format_timestamp(a.time)},
                       {"actor_kind", std::string(audit::actor_kind_name(a.actor_kind))},
                       {"actor", a.actor},
                       {"action", a.action},
                       {"purpose", a.purpose},
                       {"decision", std::string(audit::decision_name(a.decision))},
                       {"reason", a.reason}});
      }
      json next = records.size() == q.limit && !records.empty() ? json(records.back().sequence + 1)
                                                                : json(nullptr);
      return json_response(200, {{"subject_id", subject}, {"records", out}, {"next_from", next}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
