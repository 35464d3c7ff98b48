#include "trail/trail.h"

#include <algorithm>
#include <future>

#include "audit/signing_key_file.h"
#include "crypto/pseudonym.h"

namespace charter::trail {
namespace {

struct Scope {
  audit::Actor actor;
  std::string request_id;
  const Scope* previous = nullptr;
};
thread_local const Scope* current_scope = nullptr;

// A name the audit entry accepts as a token ([a-z0-9_.-], 1..64), else "".
std::string name_or_empty(std::string_view s) {
  if (s.empty() || s.size() > audit::kMaxTokenLength) return {};
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return {};
  }
  return std::string(s);
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ".") + n;
  return name_or_empty(out);
}

// The request id of an entry: [A-Za-z0-9_.:-], at most 64, else dropped.
std::string id_or_empty(std::string_view s) {
  if (s.size() > audit::kMaxTokenLength) return {};
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return {};
  }
  return std::string(s);
}

const char* change_action(vault::ChangeKind kind) {
  switch (kind) {
    case vault::ChangeKind::kKeysInitialized:
      return "keys.initialized";
    case vault::ChangeKind::kSubjectCreated:
      return "subject.created";
    case vault::ChangeKind::kEventRecorded:
      return "subject.event_recorded";
    case vault::ChangeKind::kFieldRectified:
      return "subject.rectified";
    case vault::ChangeKind::kSubjectUpdated:
      return "subject.updated";
    case vault::ChangeKind::kSubjectErased:
      return "subject.erased";
    case vault::ChangeKind::kEpochStarted:
      return "keys.epoch_started";
    case vault::ChangeKind::kKeysRewrapped:
      return "keys.rewrapped";
    case vault::ChangeKind::kEpochDestroyed:
      return "keys.epoch_destroyed";
    case vault::ChangeKind::kMasterRotated:
      return "keys.master_rotated";
  }
  return "vault.changed";
}

// Waits for every future; the first error wins.
Status wait_all(std::vector<std::future<Result<std::uint64_t>>>& futures) {
  Status first;
  for (auto& f : futures) {
    auto r = f.get();
    if (!r.ok() && first.ok()) first = std::move(r).error();
  }
  return first;
}

}  // namespace

Trail::ActorScope::ActorScope(audit::Actor actor, std::string request_id) {
  previous_ = current_scope;
  current_scope = new Scope{std::move(actor), std::move(request_id), current_scope};
}

Trail::ActorScope::~ActorScope() {
  delete current_scope;
  current_scope = static_cast<const Scope*>(previous_);
}

Trail::Trail(std::unique_ptr<audit::DbLogStore> log, std::unique_ptr<audit::Appender> appender,
             TrailOptions options)
    : log_(std::move(log)), appender_(std::move(appender)), options_(std::move(options)) {}

Trail::~Trail() { (void)close(); }

Result<std::unique_ptr<Trail>> Trail::open(store::Store& audit_db, const std::string& key_dir,
                                           const Clock& clock, Random& random,
                                           TrailOptions options) {
  CHARTER_TRY_STATUS(audit::validate_event({options.actor, "trail.open", "", "", {}, "", ""}));
  CHARTER_TRY(auto key, audit::load_or_create_signing_key(key_dir, random));
  CHARTER_TRY(auto log, audit::DbLogStore::open(audit_db, clock));
  CHARTER_TRY(auto appender, audit::Appender::open(*log, std::move(key), clock, options.appender));
  return std::unique_ptr<Trail>(new Trail(std::move(log), std::move(appender), std::move(options)));
}

Status Trail::close() { return appender_ ? appender_->close() : ok_status(); }

void Trail::set_pseudonym_key(crypto::SecretKey key) {
  std::lock_guard lock(key_mu_);
  pseudonym_key_.emplace(std::move(key));
}

Status Trail::attach(const vault::KeyService& keys) {
  CHARTER_TRY(auto key, keys.pseudonym_key());
  set_pseudonym_key(std::move(key));
  return ok_status();
}

Result<std::string> Trail::pseudonym(std::string_view subject_id) const {
  std::lock_guard lock(key_mu_);
  if (!pseudonym_key_) {
    return make_error(Errc::kFailedPrecondition,
                      "audit trail: no pseudonym key (the vault's keys are not open)");
  }
  return crypto::pseudonym(*pseudonym_key_, subject_id);
}

Result<std::string> Trail::pseudonym_or_empty(std::string_view id) const {
  if (id.empty()) return std::string();
  return pseudonym(id);
}

audit::Actor Trail::current_actor() const {
  return current_scope ? current_scope->actor : options_.actor;
}

std::string Trail::current_request_id() const {
  return current_scope ? current_scope->request_id : std::string();
}

audit::Actor Trail::actor_of(const access::Actor& actor, std::string_view purpose) const {
  if (actor.kind == access::Actor::Kind::kService) {
    return {audit::ActorKind::kService, id_or_empty(actor.id), ""};
  }
  std::string role;
  const policy::Purpose* p =
      options_.policy ? options_.policy->find_purpose(std::string(purpose)) : nullptr;
  if (p) {
    for (const auto& r : actor.roles) {
      if (std::find(p->recipients.begin(), p->recipients.end(), r) != p->recipients.end()) {
        role = r;
        break;
      }
    }
  }
  if (role.empty() && !actor.roles.empty()) role = actor.roles.front();
  role = name_or_empty(role);
  return {audit::ActorKind::kStaff, id_or_empty(actor.id), role.empty() ? "none" : role};
}

Status Trail::append_all(std::vector<audit::AuditEvent> events) {
  if (events.size() == 1) {
    CHARTER_TRY(auto seq, appender_->append(std::move(events.front())));
    (void)seq;
    return ok_status();
  }
  std::vector<std::future<Result<std::uint64_t>>> futures;
  futures.reserve(events.size());
  for (auto& e : events) futures.push_back(appender_->submit(std::move(e)));
  return wait_all(futures);
}

Status Trail::record(store::Transaction&, const vault::Change& change) {
  audit::AuditEvent base;
  base.actor = current_actor();
  base.action = change_action(change.kind);
  base.purpose = name_or_empty(change.purpose);
  base.request_id = current_request_id();
  switch (change.kind) {
    case vault::ChangeKind::kFieldRectified:
    case vault::ChangeKind::kSubjectUpdated:
      base.reason = join_names(change.fields);
      break;
    case vault::ChangeKind::kSubjectErased:
      base.reason = change.kept.empty() ? "erased.all" : "erased.partial";
      break;
    case vault::ChangeKind::kEpochStarted:
    case vault::ChangeKind::kKeysRewrapped:
    case vault::ChangeKind::kEpochDestroyed:
      base.reason = "epoch." + std::to_string(change.epoch);
      break;
    case vault::ChangeKind::kMasterRotated:
      base.reason = "master.v" + std::to_string(change.epoch);
      break;
    default:
      break;
  }
  std::vector<audit::AuditEvent> events;
  if (change.subject_ids.empty()) {
    events.push_back(std::move(base));
  } else {
    // One entry per subject (a batch of creations is one entry per subject created); events of
    // one subject recorded together are one entry.
    std::vector<std::string_view> seen;
    events.reserve(change.subject_ids.size());
    for (const auto& id : change.subject_ids) {
      if (change.kind == vault::ChangeKind::kEventRecorded &&
          std::find(seen.begin(), seen.end(), id) != seen.end()) {
        continue;
      }
      seen.push_back(id);
      audit::AuditEvent e = base;
      CHARTER_TRY(e.subject, pseudonym(id));
      events.push_back(std::move(e));
    }
  }
  return append_all(std::move(events));
}

Status Trail::record(const access::Actor& actor, std::string_view subject_id,
                     const access::AccessRequest& request, const access::Decision& decision,
                     std::string_view request_id) {
  audit::AuditEvent e;
  e.actor = actor_of(actor, request.purpose);
  e.action = "access.decide";
  e.purpose = name_or_empty(request.purpose);
  CHARTER_TRY(e.subject, pseudonym(subject_id));
  e.decision = decision.allowed ? audit::Decision::kAllow : audit::Decision::kDeny;
  e.reason = decision.reasons.empty() ? std::string() : name_or_empty(decision.reasons.front());
  e.request_id = id_or_empty(request_id);
  CHARTER_TRY(auto seq, appender_->append(std::move(e)));
  (void)seq;
  return ok_status();
}

Status Trail::record_bulk(const access::Actor& actor, std::string_view purpose, std::uint64_t asked,
                          std::uint64_t allowed, std::string_view request_id) {
  audit::AuditEvent e;
  e.actor = actor_of(actor, purpose);
  e.action = "access.decide_bulk";
  e.purpose = name_or_empty(purpose);
  e.decision = allowed == asked ? audit::Decision::kAllow
               : allowed == 0   ? audit::Decision::kDeny
                                : audit::Decision::kNone;
  // The counts, as a reason code ("asked.N.allowed.M"): no subject is named.
  e.reason = "asked." + std::to_string(asked) + ".allowed." + std::to_string(allowed);
  e.request_id = id_or_empty(request_id);
  CHARTER_TRY(auto seq, appender_->append(std::move(e)));
  (void)seq;
  return ok_status();
}

consent::AuditHook::Wait Trail::submit(std::vector<consent::AuditRecord> records) {
  auto futures = std::make_shared<std::vector<std::future<Result<std::uint64_t>>>>();
  futures->reserve(records.size());
  for (auto& r : records) {
    audit::AuditEvent e;
    auto subject = pseudonym_or_empty(r.subject_id);
    if (!subject.ok()) {
      Error err = std::move(subject).error();
      // Entries already submitted are still waited for (the Wait is called once).
      return [futures, err]() -> Status {
        (void)wait_all(*futures);
        return err;
      };
    }
    e.subject = std::move(subject).value();
    if (!r.staff_id.empty()) {
      e.actor = {audit::ActorKind::kStaff, id_or_empty(r.staff_id), "dpo"};
    } else if (r.reason == "expiry" || r.action == "consent.erased" || e.subject.empty()) {
      e.actor = {audit::ActorKind::kSystem, "consent", ""};
    } else {
      e.actor = {audit::ActorKind::kSubject, e.subject, ""};
    }
    e.action = name_or_empty(r.action);
    e.purpose = name_or_empty(r.purpose);
    e.reason = name_or_empty(r.reason);
    futures->push_back(appender_->submit(std::move(e)));
  }
  return [futures]() -> Status { return wait_all(*futures); };
}

Status Trail::record(store::Transaction&, const staff::StaffChange& change) {
  audit::AuditEvent e;
  e.actor = current_actor();
  e.action = name_or_empty(change.action);
  // The target is a staff or service id: opaque ids of staff and internal systems, which appear
  // in clear as actor ids too (not a data subject's id); kept in the subject column so that the
  // history of one member or service can be listed.
  if (audit::is_pseudonym(change.target)) e.subject = change.target;
  e.request_id = current_request_id();
  CHARTER_TRY(auto seq, appender_->append(std::move(e)));
  (void)seq;
  return ok_status();
}

}  // namespace charter::trail
