// charter audit verify | head | public-key | prove inclusion|consistency | check
// inclusion|consistency
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit/db_log_store.h"
#include "audit/proof_json.h"
#include "audit/prover.h"
#include "audit/public_key.h"
#include "audit/signing_key_file.h"
#include "audit/tree_head.h"
#include "audit/verifier.h"
#include "cli/areas.h"
#include "cli/common.h"
#include "core/id.h"
#include "crypto/encoding.h"
#include "store/open.h"

namespace charter::cli {
namespace {

struct AuditOpts {
  StoreOptions store;
  std::string public_key;  // default <data>/keys/audit.pub
  std::string trusted_head;
  bool pem = false;
  std::uint64_t index = 0, size = 0, from = 0, to = 0;
  std::string proof, leaf_hash, head, old_head, new_head;
};

Result<std::string> read_text(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::kInvalidArgument, std::string(what) + ": cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string key_dir(const AuditOpts& o) { return o.store.data + "/keys"; }

Result<crypto::PublicKey> public_key(const AuditOpts& o) {
  std::string path = o.public_key.empty() ? audit::public_key_path(key_dir(o)) : o.public_key;
  return audit::load_public_key_file(path);
}

struct OpenLog {
  std::unique_ptr<store::Store> db;
  std::unique_ptr<audit::DbLogStore> log;
};

Result<OpenLog> open_log(const AuditOpts& o, const Clock& clock) {
  std::string target = o.store.database.empty() ? o.store.data : o.store.database;
  // The log lives in <data>/audit.db on SQLite, in the database itself on PostgreSQL
  // (store/open.h open_audit_store; docs/AUDIT.md "Where the log lives").
  if (o.store.database.empty() &&
      !std::filesystem::exists(o.store.data + "/" + store::kAuditDbFile)) {
    return make_error(Errc::kNotFound, "--data: no audit log (" + std::string(store::kAuditDbFile) +
                                           ") in " + o.store.data);
  }
  OpenLog out;
  CHARTER_TRY(out.db, store::open_audit_store(target));
  CHARTER_TRY(out.log, audit::DbLogStore::open(*out.db, clock));
  return out;
}

Result<audit::SignedTreeHead> read_head(const std::string& path, const char* what,
                                        const crypto::PublicKey& key) {
  CHARTER_TRY(std::string text, read_text(path, what));
  auto head = audit::parse_tree_head_json(text);
  if (!head)
    return make_error(Errc::kInvalidArgument, std::string(what) + ": " + head.error().message);
  auto ok = audit::verify_tree_head(*head, key);
  if (!ok) return make_error(Errc::kIntegrity, std::string(what) + ": signature does not verify");
  return *head;
}

int verify(const AuditOpts& o) {
  SystemClock clock;
  auto key = public_key(o);
  if (!key) return fail(key.error());
  audit::VerifyOptions vo;
  if (!o.trusted_head.empty()) {
    auto head = read_head(o.trusted_head, "--trusted-head", *key);
    if (!head) return fail(head.error());
    vo.trusted_head = *head;
  }
  auto log = open_log(o, clock);
  if (!log) return fail(log.error());
  auto total = log->log->size();
  if (!total) return fail(total.error());
  Progress progress("verifying audit log", *total);
  vo.progress = [&](std::uint64_t done) { progress.update(done); };
  auto report = audit::verify_log(*log->log, *key, vo);
  if (!report) return fail(report.error());
  if (!report->ok()) {
    const audit::Problem& p = *report->problem;
    std::fprintf(stderr, "charter: audit log NOT verified: entry %llu: %s: %s\n",
                 static_cast<unsigned long long>(p.index),
                 std::string(audit::problem_kind_name(p.kind)).c_str(), p.message.c_str());
    return 1;
  }
  std::printf(
      "audit log verified: %llu entries, %llu signed heads checked, signed up to %llu, "
      "root %s\n",
      static_cast<unsigned long long>(report->entries),
      static_cast<unsigned long long>(report->heads_checked),
      static_cast<unsigned long long>(report->signed_size), to_hex(report->root).c_str());
  return 0;
}

int head(const AuditOpts& o) {
  SystemClock clock;
  auto log = open_log(o, clock);
  if (!log) return fail(log.error());
  auto latest = log->log->latest_head();
  if (!latest) return fail(latest.error());
  if (!*latest) return fail(make_error(Errc::kNotFound, "the audit log has no signed head yet"));
  std::printf("%s\n", audit::tree_head_to_json(**latest).c_str());
  return 0;
}

int show_public_key(const AuditOpts& o) {
  auto key = public_key(o);
  if (!key) return fail(key.error());
  std::string text = o.pem ? audit::public_key_pem(*key) : audit::public_key_hex(*key) + "\n";
  std::fputs(text.c_str(), stdout);
  return 0;
}

Result<std::unique_ptr<audit::Prover>> prover_for(OpenLog& log) {
  auto prover = std::make_unique<audit::Prover>(*log.log);
  CHARTER_TRY_STATUS(prover->refresh());
  return prover;
}

int prove_inclusion(const AuditOpts& o) {
  SystemClock clock;
  auto log = open_log(o, clock);
  if (!log) return fail(log.error());
  auto prover = prover_for(*log);
  if (!prover) return fail(prover.error());
  std::uint64_t size = o.size ? o.size : (*prover)->size();
  auto proof = (*prover)->inclusion_proof(o.index, size);
  if (!proof) return fail(proof.error());
  auto leaf = (*prover)->leaf_hash(o.index);
  auto root = (*prover)->root(size);
  if (!leaf || !root) return fail(!leaf ? leaf.error() : root.error());
  nlohmann::json out = nlohmann::json::parse(audit::inclusion_proof_to_json(*proof));
  out["leaf_hash"] = to_hex(*leaf);
  out["root_hash"] = to_hex(*root);
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

int prove_consistency(const AuditOpts& o) {
  SystemClock clock;
  auto log = open_log(o, clock);
  if (!log) return fail(log.error());
  auto prover = prover_for(*log);
  if (!prover) return fail(prover.error());
  std::uint64_t to = o.to ? o.to : (*prover)->size();
  auto proof = (*prover)->consistency_proof(o.from, to);
  if (!proof) return fail(proof.error());
  std::printf("%s\n", audit::consistency_proof_to_json(*proof).c_str());
  return 0;
}

int check_inclusion(const AuditOpts& o) {
  auto key = public_key(o);
  if (!key) return fail(key.error());
  auto head = read_head(o.head, "--head", *key);
  if (!head) return fail(head.error());
  auto text = read_text(o.proof, "--proof");
  if (!text) return fail(text.error());
  auto proof = audit::parse_inclusion_proof_json(*text);
  if (!proof) return fail(make_error(Errc::kInvalidArgument, "--proof: " + proof.error().message));
  audit::Hash leaf{};
  if (!crypto::decode_hex_exact(o.leaf_hash, leaf)) {
    return fail(make_error(Errc::kInvalidArgument, "--leaf-hash: expected 64 hex digits"));
  }
  if (proof->tree_size != head->head.tree_size) {
    return fail(make_error(Errc::kIntegrity, "the proof's tree size is not the head's"));
  }
  auto ok = audit::verify_inclusion(leaf, *proof, head->head.root);
  if (!ok) return fail(ok.error());
  std::printf("inclusion verified: entry %llu is in the signed tree of size %llu\n",
              static_cast<unsigned long long>(proof->leaf_index),
              static_cast<unsigned long long>(proof->tree_size));
  return 0;
}

int check_consistency(const AuditOpts& o) {
  auto key = public_key(o);
  if (!key) return fail(key.error());
  auto old_head = read_head(o.old_head, "--old-head", *key);
  if (!old_head) return fail(old_head.error());
  auto new_head = read_head(o.new_head, "--new-head", *key);
  if (!new_head) return fail(new_head.error());
  auto text = read_text(o.proof, "--proof");
  if (!text) return fail(text.error());
  auto proof = audit::parse_consistency_proof_json(*text);
  if (!proof) return fail(make_error(Errc::kInvalidArgument, "--proof: " + proof.error().message));
  if (proof->first_size != old_head->head.tree_size ||
      proof->second_size != new_head->head.tree_size) {
    return fail(make_error(Errc::kIntegrity, "the proof's sizes are not the heads' sizes"));
  }
  auto ok = audit::verify_consistency(*proof, old_head->head.root, new_head->head.root);
  if (!ok) return fail(ok.error());
  std::printf("consistency verified: the tree of size %llu extends the tree of size %llu\n",
              static_cast<unsigned long long>(proof->second_size),
              static_cast<unsigned long long>(proof->first_size));
  return 0;
}

template <typename Fn>
void bind(CLI::App* cmd, Action& action, std::shared_ptr<AuditOpts> o, Fn fn) {
  cmd->callback([&action, o, fn] { action = [o, fn] { return fn(*o); }; });
}

}  // namespace

CLI::App* register_audit_commands(CLI::App& app, Action& action) {
  CLI::App* area =
      app.add_subcommand("audit", "Verify the tamper-evident audit log and prove entries");
  area->require_subcommand(1);
  auto o = std::make_shared<AuditOpts>();
  auto add_key = [&](CLI::App* c) {
    c->add_option("--public-key", o->public_key,
                  "Audit public key file (hex or PEM; default <data>/keys/audit.pub)");
  };

  CLI::App* v = area->add_subcommand("verify", "Recompute every entry, root and signature");
  add_store_options(v, o->store);
  add_key(v);
  v->add_option("--trusted-head", o->trusted_head,
                "A signed tree head kept outside the store (JSON from `charter audit head`)");
  bind(v, action, o, verify);

  CLI::App* h = area->add_subcommand("head", "Print the latest signed tree head (JSON)");
  add_store_options(h, o->store);
  bind(h, action, o, head);

  CLI::App* k = area->add_subcommand("public-key", "Print the audit log's public key");
  k->add_option("--data", o->store.data, "Data folder")->capture_default_str();
  add_key(k);
  k->add_flag("--pem", o->pem, "PEM (RFC 8410) instead of hex");
  bind(k, action, o, show_public_key);

  CLI::App* prove = area->add_subcommand("prove", "Produce a proof (JSON)");
  prove->require_subcommand(1);
  CLI::App* pi = prove->add_subcommand("inclusion", "Inclusion proof of one entry");
  add_store_options(pi, o->store);
  pi->add_option("--index", o->index, "Entry index (sequence number)")->required();
  pi->add_option("--size", o->size, "Tree size (default: the whole log)");
  bind(pi, action, o, prove_inclusion);
  CLI::App* pc = prove->add_subcommand("consistency", "Consistency proof between two sizes");
  add_store_options(pc, o->store);
  pc->add_option("--from", o->from, "Older tree size")->required();
  pc->add_option("--to", o->to, "Newer tree size (default: the whole log)");
  bind(pc, action, o, prove_consistency);

  CLI::App* check = area->add_subcommand("check", "Check a proof against signed tree heads");
  check->require_subcommand(1);
  CLI::App* ci = check->add_subcommand("inclusion", "Check an inclusion proof");
  ci->add_option("--data", o->store.data, "Data folder (for the default public key)");
  add_key(ci);
  ci->add_option("--proof", o->proof, "Proof JSON file")->required();
  ci->add_option("--leaf-hash", o->leaf_hash, "Leaf hash of the entry (hex)")->required();
  ci->add_option("--head", o->head, "Signed tree head JSON file")->required();
  bind(ci, action, o, check_inclusion);
  CLI::App* cc = check->add_subcommand("consistency", "Check a consistency proof");
  cc->add_option("--data", o->store.data, "Data folder (for the default public key)");
  add_key(cc);
  cc->add_option("--proof", o->proof, "Proof JSON file")->required();
  cc->add_option("--old-head", o->old_head, "Older signed tree head JSON file")->required();
  cc->add_option("--new-head", o->new_head, "Newer signed tree head JSON file")->required();
  bind(cc, action, o, check_consistency);
  return area;
}

}  // namespace charter::cli
