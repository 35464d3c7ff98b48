// Post-mortem directives (loi n° 78-17 Informatique et Libertés, art. 85; docs/DIRECTIVES.md).
//
// A subject (or the DPO on their behalf) records directives about their data after their death:
// erase it, keep it, pass it to a named person (name and e-mail), and may name an executor. They
// change them (a new record replaces the previous one) or revoke them. A death is reported with
// a proof (uploaded file, sealed); when the DPO confirms it, the subject is set "deceased" in the
// vault (the access layer then refuses every purpose except what a restriction allows: legal
// obligations and claims) and the directives are carried out at once:
//   erase -> Vault::erase of every class no legal exception holds (what the law keeps stays,
//            restricted);
//   pass  -> an access archive (ArchiveMaker) whose link is e-mailed to the named person through
//            the outbox, in the directives' language;
//   keep  -> nothing.
// With no directives in force, nothing is done and the outcome says heirs may act (art. 85 II);
// what an heir does is recorded with record_heir_action().
//
// Storage (store component "directives"): every record, revocation, death report and heir
// action is a row keyed by subject id; the directive content (names, e-mails, notes), the proof
// and heir notes are sealed under a subkey of a random root key wrapped by the master key ring.
// Audit: every operation appends an audit event (actor, action "directives.*", subject as
// pseudonym) before it returns; a failing audit fails the operation after the fact is stored
// (the caller sees the error and the DPO retries; the stored row says what was done).
//
// Errors: kInvalidArgument (field named: no action, pass without a valid e-mail, unknown action,
// language not fr/en, empty proof, proof over 10 MB), kNotFound (no such subject, report or
// directives), kFailedPrecondition (subject erased; death already confirmed; report not pending),
// and those of the vault, archive, outbox and store.
// Thread safety: thread safe; everything given must outlive the service.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "archive/archive_maker.h"
#include "audit/entry.h"
#include "core/clock.h"
#include "core/random.h"
#include "crypto/key_ring.h"
#include "notify/outbox.h"
#include "store/store.h"
#include "vault/vault.h"

namespace charter::directives {

enum class ActionType { kErase, kKeep, kPass };
const char* to_string(ActionType t);  // "erase", "keep", "pass"
std::optional<ActionType> parse_action(std::string_view s);

struct Person {
  std::string name;
  std::string email;
};

struct Action {
  ActionType type = ActionType::kKeep;
  std::optional<Person> recipient;  // kPass: required
};

struct Directives {
  std::vector<Action> actions;
  std::optional<Person> executor;  // the person the subject names to see them carried out
  std::string language = "fr";     // of the e-mails sent to the named persons
  std::string note;                // free text of the subject
};

struct DirectivesRecord {
  std::string directive_id;  // "dir_..."
  std::string subject_id;
  Timestamp at;
  std::string recorded_by;  // audit actor id (staff id, service id, or "subject")
  Directives content;
};

enum class DeathState { kReported, kConfirmed, kRejected };
const char* to_string(DeathState s);  // "reported", "confirmed", "rejected"

struct DeathReport {
  std::string report_id;  // "dth_..."
  std::string subject_id;
  Timestamp reported_at;
  std::string reported_by;
  std::string proof_type;    // media type of the proof, e.g. "application/pdf"
  std::string proof_sha256;  // hex
  DeathState state = DeathState::kReported;
  std::optional<Timestamp> decided_at;
  std::string decided_by;
};

struct Outcome {
  bool had_directives = false;
  bool heirs_may_act = false;            // no directives in force
  std::vector<std::string> carried_out;  // "erase", "keep", "pass:<msg id>"
  std::optional<vault::ErasureReport> erasure;
};

struct DirectivesDeps {
  vault::Vault* vault = nullptr;              // required
  archive::ArchiveMaker* archives = nullptr;  // for "pass"
  notify::Outbox* outbox = nullptr;           // for "pass"
  std::string base_url;                       // absolute links in e-mails ("" : relative)
  std::function<Status(std::vector<audit::AuditEvent>)> audit;  // null: not audited (tests)
  std::function<Result<std::string>(std::string_view)> pseudonym;
};

class DirectivesService {
 public:
  static Result<std::unique_ptr<DirectivesService>> open(store::Store& store,
                                                         const crypto::KeyRing& ring,
                                                         DirectivesDeps deps, const Clock& clock,
                                                         Random& random);

  Result<DirectivesRecord> record(std::string_view subject_id, const Directives& directives,
                                  const audit::Actor& by);
  Status revoke(std::string_view subject_id, const audit::Actor& by);
  // The directives in force (nullopt: none, or revoked).
  Result<std::optional<DirectivesRecord>> current(std::string_view subject_id);

  Result<DeathReport> report_death(std::string_view subject_id, std::string_view proof,
                                   std::string_view proof_type, const audit::Actor& by);
  Result<Outcome> confirm_death(std::string_view subject_id, std::string_view report_id,
                                const audit::Actor& dpo);
  Status reject_death(std::string_view subject_id, std::string_view report_id,
                      const audit::Actor& dpo);
  Result<std::vector<DeathReport>> reports(bool pending_only, std::size_t limit = 100);
  // The proof of a report (for the DPO's review).
  Result<std::string> proof(std::string_view subject_id, std::string_view report_id);
  // An heir's action on a deceased subject without directives (art. 85 II). Returns its id.
  Result<std::string> record_heir_action(std::string_view subject_id, std::string_view note,
                                         const audit::Actor& by);

 private:
  DirectivesService(store::Store& store, crypto::SecretKey seal, DirectivesDeps deps,
                    const Clock& clock, Random& random);
  Status audit(const audit::Actor& by, std::string_view action, std::string_view subject_id,
               std::string_view reason = {});
  std::string id(std::string_view prefix);
  crypto::Bytes seal(std::string_view plain, std::string_view subject_id, std::string_view row);
  Result<std::string> open_sealed(crypto::ByteView sealed, std::string_view subject_id,
                                  std::string_view row) const;
  Result<DeathReport> report(std::string_view subject_id, std::string_view report_id);

  store::Store& store_;
  crypto::SecretKey seal_;
  DirectivesDeps deps_;
  const Clock& clock_;
  Random& random_;
  std::mutex random_mu_;
};

}  // namespace charter::directives
