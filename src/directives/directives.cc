#include "directives/directives.h"

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "crypto/seal.h"
#include "notify/message.h"
#include "store/migrate.h"
#include "store/root_key.h"

namespace charter::directives {
namespace {

using nlohmann::json;
constexpr std::uint32_t kKeyVersion = 1;
constexpr std::size_t kMaxProof = 10 * 1024 * 1024;

constexpr std::string_view kV1 = R"sql(
CREATE TABLE directives_keys (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  wrapped {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version));
CREATE TABLE directives_entries (
  subject_id TEXT NOT NULL,
  directive_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('recorded', 'revoked')),
  actor TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  content {blob},
  PRIMARY KEY (subject_id, directive_id));
CREATE TABLE directives_deaths (
  subject_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  reported_at BIGINT NOT NULL,
  reported_by TEXT NOT NULL,
  proof_type TEXT NOT NULL,
  proof_sha256 TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('reported', 'confirmed', 'rejected')),
  decided_at BIGINT,
  decided_by TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  proof {blob} NOT NULL,
  PRIMARY KEY (subject_id, report_id));
CREATE TABLE directives_heirs (
  subject_id TEXT NOT NULL,
  action_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  key_version BIGINT NOT NULL,
  note {blob} NOT NULL,
  PRIMARY KEY (subject_id, action_id));
)sql";
constexpr store::Migration kMigrations[] = {{1, "directives, death reports, heir actions", kV1}};

crypto::ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

json person_json(const Person& p) { return {{"name", p.name}, {"email", p.email}}; }

json to_json(const Directives& d) {
  json actions = json::array();
  for (const auto& a : d.actions) {
    json j = {{"type", to_string(a.type)}};
    if (a.recipient) j["recipient"] = person_json(*a.recipient);
    actions.push_back(j);
  }
  json out = {{"actions", actions}, {"language", d.language}, {"note", d.note}};
  if (d.executor) out["executor"] = person_json(*d.executor);
  return out;
}

Directives from_json(const json& j) {
  Directives d;
  for (const auto& a : j.value("actions", json::array())) {
    Action x;
    x.type = parse_action(a.value("type", "keep")).value_or(ActionType::kKeep);
    if (a.contains("recipient"))
      x.recipient = Person{a["recipient"].value("name", ""), a["recipient"].value("email", "")};
    d.actions.push_back(x);
  }
  if (j.contains("executor"))
    d.executor = Person{j["executor"].value("name", ""), j["executor"].value("email", "")};
  d.language = j.value("language", "fr");
  d.note = j.value("note", "");
  return d;
}

Status check(const Directives& d) {
  if (d.actions.empty())
    return make_error(Errc::kInvalidArgument, "actions: at least one of erase, keep, pass");
  if (d.language != "fr" && d.language != "en")
    return make_error(Errc::kInvalidArgument, "language: must be fr or en");
  for (std::size_t i = 0; i < d.actions.size(); ++i) {
    const auto& a = d.actions[i];
    const std::string f = "actions[" + std::to_string(i) + "]";
    if (a.type == ActionType::kPass) {
      if (!a.recipient || a.recipient->name.empty())
        return make_error(Errc::kInvalidArgument, f + ".recipient.name: required for pass");
      CHARTER_TRY_STATUS(notify::check_address(a.recipient->email, f + ".recipient.email"));
      CHARTER_TRY_STATUS(notify::check_header_text(a.recipient->name, f + ".recipient.name"));
    } else if (a.recipient) {
      return make_error(Errc::kInvalidArgument, f + ".recipient: only for pass");
    }
  }
  if (d.executor) {
    if (d.executor->name.empty())
      return make_error(Errc::kInvalidArgument, "executor.name: required");
    CHARTER_TRY_STATUS(notify::check_address(d.executor->email, "executor.email"));
  }
  return {};
}

std::string pass_text(const std::string& lang, const std::string& name, const std::string& link,
                      Timestamp expires) {
  if (lang == "en") {
    return "Hello " + name +
           ",\n\nA person whose death has been reported to us named you, in their post-mortem "
           "directives (French law Informatique et Libertés, art. 85), to receive their personal "
           "data. You can download it here until " +
           format_timestamp(expires) + ":\n\n" + link +
           "\n\nThe archive is signed; its README explains how to check it.\n";
  }
  return "Bonjour " + name +
         ",\n\nUne personne dont le décès nous a été signalé vous a désigné(e), dans ses "
         "directives post-mortem (loi Informatique et Libertés, art. 85), pour recevoir ses "
         "données personnelles. Vous pouvez les télécharger ici jusqu'au " +
         format_timestamp(expires) + " :\n\n" + link +
         "\n\nL'archive est signée ; elle explique comment le vérifier.\n";
}

}  // namespace

const char* to_string(ActionType t) {
  switch (t) {
    case ActionType::kErase:
      return "erase";
    case ActionType::kKeep:
      return "keep";
    case ActionType::kPass:
      return "pass";
  }
  return "?";
}

std::optional<ActionType> parse_action(std::string_view s) {
  if (s == "erase") return ActionType::kErase;
  if (s == "keep") return ActionType::kKeep;
  if (s == "pass") return ActionType::kPass;
  return std::nullopt;
}

const char* to_string(DeathState s) {
  switch (s) {
    case DeathState::kReported:
      return "reported";
    case DeathState::kConfirmed:
      return "confirmed";
    case DeathState::kRejected:
      return "rejected";
  }
  return "?";
}

Result<std::unique_ptr<DirectivesService>> DirectivesService::open(store::Store& store,
                                                                   const crypto::KeyRing& ring,
                                                                   DirectivesDeps deps,
                                                                   const Clock& clock,
                                                                   Random& random) {
  if (!deps.vault) return make_error(Errc::kInvalidArgument, "directives: no vault");
  CHARTER_TRY(int applied, store::migrate(store, "directives", kMigrations, clock));
  (void)applied;
  CHARTER_TRY(auto root, store::load_root_key(store, "directives_keys", "directives-root", ring,
                                              random, clock));
  CHARTER_TRY(auto seal, crypto::derive_subkey(root, "chdirsel", 1));
  return std::unique_ptr<DirectivesService>(
      new DirectivesService(store, std::move(seal), std::move(deps), clock, random));
}

DirectivesService::DirectivesService(store::Store& store, crypto::SecretKey seal,
                                     DirectivesDeps deps, const Clock& clock, Random& random)
    : store_(store),
      seal_(std::move(seal)),
      deps_(std::move(deps)),
      clock_(clock),
      random_(random) {}

std::string DirectivesService::id(std::string_view prefix) {
  std::lock_guard lock(random_mu_);
  return new_id(random_, prefix);
}

crypto::Bytes DirectivesService::seal(std::string_view plain, std::string_view subject_id,
                                      std::string_view row) {
  std::lock_guard lock(random_mu_);
  return crypto::seal(seal_, view(plain),
                      crypto::value_ad(subject_id, "directives", kKeyVersion, row), random_);
}

Result<std::string> DirectivesService::open_sealed(crypto::ByteView sealed,
                                                   std::string_view subject_id,
                                                   std::string_view row) const {
  CHARTER_TRY(
      auto plain,
      crypto::open(seal_, sealed, crypto::value_ad(subject_id, "directives", kKeyVersion, row)));
  return std::string(plain.begin(), plain.end());
}

Status DirectivesService::audit(const audit::Actor& by, std::string_view action,
                                std::string_view subject_id, std::string_view reason) {
  if (!deps_.audit) return {};
  audit::AuditEvent e;
  e.actor = by;
  e.action = std::string(action);
  e.purpose = "rights_management";
  if (deps_.pseudonym) {
    CHARTER_TRY(e.subject, deps_.pseudonym(subject_id));
  }
  e.reason = std::string(reason);
  return deps_.audit({e});
}

Result<DirectivesRecord> DirectivesService::record(std::string_view subject_id, const Directives& d,
                                                   const audit::Actor& by) {
  CHARTER_TRY_STATUS(check(d));
  CHARTER_TRY(auto info, deps_.vault->subject(subject_id));
  if (info.status == vault::SubjectStatus::kErased)
    return make_error(Errc::kFailedPrecondition, "the subject is erased");
  if (info.status == vault::SubjectStatus::kDeceased)
    return make_error(Errc::kFailedPrecondition,
                      "the subject is deceased: directives can no longer change");
  DirectivesRecord r;
  r.directive_id = id("dir");
  r.subject_id = std::string(subject_id);
  r.at = clock_.now();
  r.recorded_by = by.id;
  r.content = d;
  const auto sealed = seal(to_json(d).dump(), subject_id, r.directive_id);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("INSERT INTO directives_entries (subject_id, directive_id, at, kind, "
                              "actor, key_version, content) VALUES (?, ?, ?, 'recorded', ?, ?, ?)",
                              {subject_id, r.directive_id, to_unix_micros(r.at), by.id, kKeyVersion,
                               sealed}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  CHARTER_TRY_STATUS(audit(by, "directives.record", subject_id));
  return r;
}

Status DirectivesService::revoke(std::string_view subject_id, const audit::Actor& by) {
  CHARTER_TRY(auto cur, current(subject_id));
  if (!cur) return make_error(Errc::kNotFound, "no directives in force");
  CHARTER_TRY(auto info, deps_.vault->subject(subject_id));
  if (info.status == vault::SubjectStatus::kDeceased)
    return make_error(Errc::kFailedPrecondition,
                      "the subject is deceased: directives can no longer change");
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n,
              tx.exec("INSERT INTO directives_entries (subject_id, directive_id, at, kind, "
                      "actor, key_version, content) VALUES (?, ?, ?, 'revoked', ?, ?, NULL)",
                      {subject_id, id("dir"), to_unix_micros(clock_.now()), by.id, kKeyVersion}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return audit(by, "directives.revoke", subject_id);
}

Result<std::optional<DirectivesRecord>> DirectivesService::current(std::string_view subject_id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT directive_id, at, kind, actor, content FROM "
                                     "directives_entries WHERE subject_id = ? ORDER BY at DESC, "
                                     "directive_id DESC",
                                     {subject_id}));
  if (!row) return std::optional<DirectivesRecord>();
  CHARTER_TRY(auto kind, (*row)[2].as_text(2));
  if (kind == "revoked") return std::optional<DirectivesRecord>();
  DirectivesRecord r;
  CHARTER_TRY(auto id, (*row)[0].as_text(0));
  CHARTER_TRY(auto at, (*row)[1].as_int(1));
  CHARTER_TRY(auto actor, (*row)[3].as_text(3));
  CHARTER_TRY(auto sealed, (*row)[4].as_blob(4));
  r.directive_id = id;
  r.subject_id = std::string(subject_id);
  r.at = from_unix_micros(at);
  r.recorded_by = actor;
  CHARTER_TRY(auto plain, open_sealed(sealed, subject_id, r.directive_id));
  json j = json::parse(plain, nullptr, false);
  if (j.is_discarded()) return make_error(Errc::kIntegrity, "directives content is not JSON");
  r.content = from_json(j);
  return std::optional<DirectivesRecord>(std::move(r));
}

Result<DeathReport> DirectivesService::report_death(std::string_view subject_id,
                                                    std::string_view proof,
                                                    std::string_view proof_type,
                                                    const audit::Actor& by) {
  if (proof.empty())
    return make_error(Errc::kInvalidArgument, "proof: required (a death certificate)");
  if (proof.size() > kMaxProof) return make_error(Errc::kPayloadTooLarge, "proof: at most 10 MB");
  CHARTER_TRY_STATUS(notify::check_header_text(proof_type, "proof_type"));
  CHARTER_TRY(auto info, deps_.vault->subject(subject_id));
  if (info.status == vault::SubjectStatus::kErased)
    return make_error(Errc::kFailedPrecondition, "the subject is erased");
  if (info.status == vault::SubjectStatus::kDeceased)
    return make_error(Errc::kFailedPrecondition, "the death is already confirmed");
  DeathReport r;
  r.report_id = id("dth");
  r.subject_id = std::string(subject_id);
  r.reported_at = clock_.now();
  r.reported_by = by.id;
  r.proof_type = proof_type.empty() ? "application/octet-stream" : std::string(proof_type);
  r.proof_sha256 = to_hex(crypto::sha256(view(proof)));
  const auto sealed = seal(proof, subject_id, r.report_id);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("INSERT INTO directives_deaths (subject_id, report_id, reported_at, "
                              "reported_by, proof_type, proof_sha256, state, decided_at, "
                              "decided_by, key_version, proof) VALUES (?, ?, ?, ?, ?, ?, "
                              "'reported', NULL, '', ?, ?)",
                              {subject_id, r.report_id, to_unix_micros(r.reported_at), by.id,
                               r.proof_type, r.proof_sha256, kKeyVersion, sealed}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  CHARTER_TRY_STATUS(audit(by, "directives.death_reported", subject_id));
  return r;
}

Result<DeathReport> DirectivesService::report(std::string_view subject_id,
                                              std::string_view report_id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto rows, tx.query("SELECT subject_id, report_id, reported_at, reported_by, "
                                  "proof_type, proof_sha256, state, decided_at, decided_by FROM "
                                  "directives_deaths WHERE subject_id = ? AND report_id = ?",
                                  {subject_id, report_id}));
  CHARTER_TRY(bool more, rows.next());
  if (!more) return make_error(Errc::kNotFound, "no such death report");
  DeathReport r;
  CHARTER_TRY(auto s, rows.get_text(0));
  CHARTER_TRY(auto id, rows.get_text(1));
  CHARTER_TRY(auto at, rows.get_int(2));
  CHARTER_TRY(auto by, rows.get_text(3));
  CHARTER_TRY(auto type, rows.get_text(4));
  CHARTER_TRY(auto sha, rows.get_text(5));
  CHARTER_TRY(auto state, rows.get_text(6));
  r.subject_id = s;
  r.report_id = id;
  r.reported_at = from_unix_micros(at);
  r.reported_by = by;
  r.proof_type = type;
  r.proof_sha256 = sha;
  r.state = state == "confirmed"  ? DeathState::kConfirmed
            : state == "rejected" ? DeathState::kRejected
                                  : DeathState::kReported;
  if (!rows.is_null(7)) {
    CHARTER_TRY(auto d, rows.get_int(7));
    r.decided_at = from_unix_micros(d);
  }
  CHARTER_TRY(auto dby, rows.get_text(8));
  r.decided_by = dby;
  return r;
}

Result<std::vector<DeathReport>> DirectivesService::reports(bool pending_only, std::size_t limit) {
  std::vector<std::pair<std::string, std::string>> keys;
  {
    CHARTER_TRY(auto tx, store_.read());
    std::string sql = "SELECT subject_id, report_id FROM directives_deaths";
    if (pending_only) sql += " WHERE state = 'reported'";
    sql += " ORDER BY reported_at DESC LIMIT ?";
    CHARTER_TRY(auto rows, tx.query(sql, {static_cast<std::int64_t>(limit)}));
    while (true) {
      CHARTER_TRY(bool more, rows.next());
      if (!more) break;
      CHARTER_TRY(auto s, rows.get_text(0));
      CHARTER_TRY(auto r, rows.get_text(1));
      keys.emplace_back(std::string(s), std::string(r));
    }
  }
  std::vector<DeathReport> out;
  for (const auto& [s, r] : keys) {
    CHARTER_TRY(auto rep, report(s, r));
    out.push_back(std::move(rep));
  }
  return out;
}

Result<std::string> DirectivesService::proof(std::string_view subject_id,
                                             std::string_view report_id) {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT proof FROM directives_deaths WHERE subject_id = ? "
                                     "AND report_id = ?",
                                     {subject_id, report_id}));
  if (!row) return make_error(Errc::kNotFound, "no such death report");
  CHARTER_TRY(auto sealed, (*row)[0].as_blob(0));
  return open_sealed(sealed, subject_id, report_id);
}

Status DirectivesService::reject_death(std::string_view subject_id, std::string_view report_id,
                                       const audit::Actor& dpo) {
  CHARTER_TRY(auto rep, report(subject_id, report_id));
  if (rep.state != DeathState::kReported)
    return make_error(Errc::kFailedPrecondition, "the report is not pending");
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("UPDATE directives_deaths SET state = 'rejected', decided_at = ?, "
                              "decided_by = ? WHERE subject_id = ? AND report_id = ? AND state = "
                              "'reported'",
                              {to_unix_micros(clock_.now()), dpo.id, subject_id, report_id}));
  if (n != 1) return make_error(Errc::kConflict, "the report changed meanwhile; retry");
  CHARTER_TRY_STATUS(tx.commit());
  return audit(dpo, "directives.death_rejected", subject_id);
}

Result<Outcome> DirectivesService::confirm_death(std::string_view subject_id,
                                                 std::string_view report_id,
                                                 const audit::Actor& dpo) {
  CHARTER_TRY(auto rep, report(subject_id, report_id));
  if (rep.state != DeathState::kReported)
    return make_error(Errc::kFailedPrecondition, "the report is not pending");
  CHARTER_TRY(auto cur, current(subject_id));
  {
    CHARTER_TRY(auto tx, store_.write());
    CHARTER_TRY(auto n, tx.exec("UPDATE directives_deaths SET state = 'confirmed', decided_at = ?, "
                                "decided_by = ? WHERE subject_id = ? AND report_id = ? AND state = "
                                "'reported'",
                                {to_unix_micros(clock_.now()), dpo.id, subject_id, report_id}));
    if (n != 1) return make_error(Errc::kConflict, "the report changed meanwhile; retry");
    CHARTER_TRY_STATUS(tx.commit());
  }
  vault::RelationshipUpdate up;
  up.status = vault::SubjectStatus::kDeceased;
  CHARTER_TRY_STATUS(deps_.vault->update(subject_id, up));
  CHARTER_TRY_STATUS(audit(dpo, "directives.death_confirmed", subject_id));

  Outcome out;
  out.had_directives = cur.has_value();
  out.heirs_may_act = !cur.has_value();
  if (!cur) {
    CHARTER_TRY_STATUS(audit(dpo, "directives.none", subject_id, "heirs_may_act"));
    return out;
  }
  // "pass" first: the archive must be made before an erasure destroys the data.
  bool erase = false;
  for (const auto& a : cur->content.actions) {
    if (a.type == ActionType::kErase) erase = true;
    if (a.type == ActionType::kKeep) {
      out.carried_out.push_back("keep");
      CHARTER_TRY_STATUS(audit(dpo, "directives.keep", subject_id));
    }
    if (a.type != ActionType::kPass) continue;
    if (!deps_.archives || !deps_.outbox)
      return make_error(Errc::kFailedPrecondition, "pass: no archive maker or outbox configured");
    archive::ArchiveRequest ar;
    ar.subject_id = std::string(subject_id);
    ar.language = cur->content.language;
    ar.request_id = std::string(report_id);
    CHARTER_TRY(auto link, deps_.archives->make(ar));
    notify::Email e;
    e.to = a.recipient->email;
    e.language = cur->content.language;
    e.kind = "directive";
    e.subject = e.language == "en" ? "Personal data entrusted to you"
                                   : "Données personnelles qui vous sont confiées";
    e.text = pass_text(e.language, a.recipient->name, deps_.base_url + link.path, link.expires_at);
    e.reference = std::string(report_id);
    CHARTER_TRY(auto msg, deps_.outbox->send_email(e));
    out.carried_out.push_back("pass:" + msg);
    CHARTER_TRY_STATUS(audit(dpo, "directives.pass", subject_id));
  }
  if (erase) {
    vault::ErasureRequest er;
    er.subject_id = std::string(subject_id);
    CHARTER_TRY(auto report, deps_.vault->erase(er));
    out.erasure = std::move(report);
    out.carried_out.push_back("erase");
    CHARTER_TRY_STATUS(audit(dpo, "directives.erase", subject_id));
  }
  return out;
}

Result<std::string> DirectivesService::record_heir_action(std::string_view subject_id,
                                                          std::string_view note,
                                                          const audit::Actor& by) {
  if (note.empty())
    return make_error(Errc::kInvalidArgument, "note: required (what the heir asked)");
  CHARTER_TRY(auto info, deps_.vault->subject(subject_id));
  if (info.status != vault::SubjectStatus::kDeceased)
    return make_error(Errc::kFailedPrecondition, "the subject's death is not confirmed");
  CHARTER_TRY(auto cur, current(subject_id));
  if (cur)
    return make_error(Errc::kFailedPrecondition,
                      "the subject left directives: they are carried out, heirs do not act");
  const std::string action_id = id("her");
  const auto sealed = seal(note, subject_id, action_id);
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("INSERT INTO directives_heirs (subject_id, action_id, at, actor, "
                              "key_version, note) VALUES (?, ?, ?, ?, ?, ?)",
                              {subject_id, action_id, to_unix_micros(clock_.now()), by.id,
                               kKeyVersion, sealed}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  CHARTER_TRY_STATUS(audit(by, "directives.heir_action", subject_id));
  return action_id;
}

}  // namespace charter::directives
