// Vault: erasure by retention class (crypto-shredding), with the legal exceptions kept.
#include <algorithm>
#include <map>
#include <set>

#include "core/id.h"
#include "vault/internal.h"
#include "vault/schema.h"
#include "vault/vault.h"

namespace charter::vault {

using detail::us;

namespace {

std::vector<std::string_view> scrub_tables(store::Backend backend) {
  // SQLite: secure_delete zeroed the deleted cells; the checkpoint (any table name) drops the
  // WAL's older page images. PostgreSQL: erasure rests on keys; VACUUM the blind indexes so a
  // digest of an erased address does not linger as a dead tuple.
  if (backend == store::Backend::kPostgres) return {"vault_blind_indexes"};
  auto all = subject_tables();
  return {all.begin(), all.end()};
}

}  // namespace

Status Vault::scrub() {
  auto tables = scrub_tables(store_.backend());
  return store_.scrub(tables);
}

Result<ErasureReport> Vault::erase(const ErasureRequest& request) {
  CHARTER_TRY(ErasureReport report, erase_in(request));
  if (request.scrub) {
    Status st = scrub();
    report.scrubbed = st.ok();
    if (!st.ok()) report.scrub_error = st.error().to_string();
  }
  if (store_.backend() == store::Backend::kSqlite) {
    report.complete = report.scrubbed;
    if (report.complete) {
      auto tx = store_.write();
      if (tx.ok()) {
        auto n = tx->exec(
            "UPDATE vault_erasures SET complete_at = ? WHERE subject_id = ? AND "
            "erasure_id = ?",
            {us(clock_.now()), report.subject_id, report.erasure_id});
        if (n.ok()) {
          Status st = tx->commit();
          (void)st;
        }
      }
      report.completion =
          "the destroyed classes are gone: keys destroyed, rows deleted with secure_delete, WAL "
          "checkpointed";
    } else {
      report.completion =
          "keys destroyed and rows deleted; old page images stay in the WAL until the next "
          "checkpoint (run the scrub again)";
    }
  } else {
    report.complete = false;
    report.completion =
        "keys destroyed and rows deleted; copies left in PostgreSQL's dead tuples, "
        "WAL and backups become unreadable when key epoch " +
        std::to_string(report.epoch) +
        " is destroyed by the next key rotation (charter keys rotate)";
  }
  return report;
}

Result<ErasureReport> Vault::erase_in(const ErasureRequest& request) {
  const std::string& sid = request.subject_id;
  CHARTER_TRY_STATUS(detail::check_subject_id(sid));
  for (const auto& c : request.classes) {
    if (!policy_.find_category(c)) {
      return make_error(Errc::kInvalidArgument,
                        "class \"" + c + "\": not a category of the policy");
    }
  }
  const Timestamp now = clock_.now();
  ErasureReport report;
  report.subject_id = sid;
  report.erasure_id = new_id(random_, "era");
  report.at = now;

  CHARTER_TRY(store::Transaction tx, store_.write());
  CHARTER_TRY_STATUS(tx.lock(detail::subject_lock(sid)));
  CHARTER_TRY(SubjectInfo info, detail::load_subject(tx, sid));
  if (info.status == SubjectStatus::kErased) {
    return make_error(Errc::kFailedPrecondition, "subject " + sid + " is erased already");
  }
  CHARTER_TRY(auto ring, keys_->ring_for_write(tx));
  report.epoch = ring->current;

  // What the subject has, per class.
  struct ClassInfo {
    std::int64_t keys = 0, values = 0, events = 0;
    std::optional<Timestamp> latest_event;
    std::vector<std::string> value_fields;
  };
  std::map<std::string, ClassInfo> classes;
  {
    CHARTER_TRY(store::Rows r, tx.query("SELECT class, COUNT(*) FROM vault_keys WHERE "
                                        "subject_id = ? GROUP BY class",
                                        {sid}));
    while (true) {
      CHARTER_TRY(bool more, r.next());
      if (!more) break;
      CHARTER_TRY(std::string_view c, r.get_text(0));
      CHARTER_TRY(classes[std::string(c)].keys, r.get_int(1));
    }
  }
  {
    CHARTER_TRY(store::Rows r,
                tx.query("SELECT class, field FROM vault_values WHERE subject_id = ?", {sid}));
    while (true) {
      CHARTER_TRY(bool more, r.next());
      if (!more) break;
      CHARTER_TRY(std::string_view c, r.get_text(0));
      CHARTER_TRY(std::string_view f, r.get_text(1));
      auto& ci = classes[std::string(c)];
      ++ci.values;
      ci.value_fields.emplace_back(f);
    }
  }
  {
    CHARTER_TRY(store::Rows r, tx.query("SELECT class, COUNT(*), MAX(occurred_at) FROM "
                                        "vault_events WHERE subject_id = ? GROUP BY class",
                                        {sid}));
    while (true) {
      CHARTER_TRY(bool more, r.next());
      if (!more) break;
      CHARTER_TRY(std::string_view c, r.get_text(0));
      auto& ci = classes[std::string(c)];
      CHARTER_TRY(ci.events, r.get_int(1));
      CHARTER_TRY(std::int64_t latest, r.get_int(2));
      ci.latest_event = from_unix_micros(latest);
    }
  }

  // The facts the policy windows need.
  policy::Facts base;
  base.collection = info.collected_at;
  base.last_contact = info.last_contact_at;
  base.contract_end = info.contract_end;
  base.contract_running = info.relationship == Relationship::kCustomer &&
                          (!info.contract_end || *info.contract_end > now);
  base.legal_hold = request.facts.legal_hold;
  base.request_open = request.facts.request_open;
  base.request_closed = request.facts.request_closed;
  base.transaction_date = request.facts.transaction_date;
  if (!base.transaction_date) {
    for (const auto& c : transaction_categories(policy_)) {
      auto it = classes.find(c);
      if (it != classes.end() && it->second.latest_event &&
          (!base.transaction_date || *it->second.latest_event > *base.transaction_date)) {
        base.transaction_date = it->second.latest_event;
      }
    }
  }

  std::vector<std::string> destroy, keep;
  for (auto& [cls, ci] : classes) {
    if (!request.classes.empty() &&
        std::find(request.classes.begin(), request.classes.end(), cls) == request.classes.end()) {
      continue;
    }
    policy::Facts facts = base;
    facts.event_time = ci.latest_event;
    auto holds = erasure_holds(policy_, cls, facts, now);
    if (holds.empty()) {
      destroy.push_back(cls);
      report.destroyed.push_back({cls, ci.keys, ci.values, ci.events});
    } else {
      keep.push_back(cls);
      report.kept.push_back({cls, std::move(holds), ci.values, ci.events, 0});
    }
  }

  // Destroy: the class keys first (crypto-shredding), then the rows and their blind indexes.
  for (const std::string& cls : destroy) {
    std::set<std::string> indexed;
    for (const auto& f : classes[cls].value_fields) indexed.insert(f);
    for (const policy::Field& f : policy_.fields) {
      if (f.category == cls && f.blind_index) indexed.insert(f.id);
    }
    CHARTER_TRY(auto a,
                tx.exec("DELETE FROM vault_keys WHERE subject_id = ? AND class = ?", {sid, cls}));
    CHARTER_TRY(auto b,
                tx.exec("DELETE FROM vault_values WHERE subject_id = ? AND class = ?", {sid, cls}));
    CHARTER_TRY(auto c,
                tx.exec("DELETE FROM vault_events WHERE subject_id = ? AND class = ?", {sid, cls}));
    for (const auto& f : indexed) {
      CHARTER_TRY(auto d, tx.exec("DELETE FROM vault_blind_indexes WHERE subject_id = ? AND "
                                  "field = ?",
                                  {sid, f}));
      (void)d;
    }
    (void)a;
    (void)b;
    (void)c;
  }
  // Held event classes: each event has its own window (event_time); erase the ones no exception
  // holds any more.
  for (auto& kept : report.kept) {
    if (classes[kept.cls].events == 0) continue;
    std::vector<std::string> doomed;
    {
      CHARTER_TRY(store::Rows r, tx.query("SELECT event_id, occurred_at FROM vault_events WHERE "
                                          "subject_id = ? AND class = ?",
                                          {sid, kept.cls}));
      while (true) {
        CHARTER_TRY(bool more, r.next());
        if (!more) break;
        CHARTER_TRY(std::string_view id, r.get_text(0));
        CHARTER_TRY(std::int64_t at, r.get_int(1));
        policy::Facts facts = base;
        facts.event_time = from_unix_micros(at);
        if (erasure_holds(policy_, kept.cls, facts, now).empty()) doomed.emplace_back(id);
      }
    }
    if (!doomed.empty()) {
      std::vector<store::Param> params;
      params.reserve(doomed.size() * 2);
      for (const auto& id : doomed)
        params.insert(params.end(), {store::Param(sid), store::Param(id)});
      CHARTER_TRY(auto n, tx.exec_many("DELETE FROM vault_events WHERE subject_id = ? AND "
                                       "event_id = ?",
                                       params, 2));
      (void)n;
    }
    kept.events_erased = static_cast<std::int64_t>(doomed.size());
    kept.events -= kept.events_erased;
  }

  // The subject's facts: a full erasure leaves only the opaque id and the erasure journal.
  const std::int64_t now_us = us(now);
  report.status_after = info.status;
  if (request.classes.empty()) {
    if (keep.empty()) {
      report.status_after = SubjectStatus::kErased;
      CHARTER_TRY(auto n, tx.exec("UPDATE vault_subjects SET status = 'erased', contract_start = "
                                  "NULL, contract_end = NULL, collected_at = NULL, "
                                  "last_contact_at = NULL, purposes = '', updated_at = ?, "
                                  "erased_at = ? WHERE subject_id = ?",
                                  {now_us, now_us, sid}));
      (void)n;
    } else {
      // Kept under a legal exception: stored, not processed except as the law allows.
      report.status_after = SubjectStatus::kRestricted;
      CHARTER_TRY(auto n, tx.exec("UPDATE vault_subjects SET status = 'restricted', updated_at = "
                                  "? WHERE subject_id = ?",
                                  {now_us, sid}));
      (void)n;
    }
  } else {
    CHARTER_TRY(auto n, tx.exec("UPDATE vault_subjects SET updated_at = ? WHERE subject_id = ?",
                                {now_us, sid}));
    (void)n;
  }
  const std::string destroyed = detail::join(destroy), kept = detail::join(keep);
  CHARTER_TRY(auto j, tx.exec("INSERT INTO vault_erasures (subject_id, erasure_id, erased_at, "
                              "epoch, destroyed, kept) VALUES (?, ?, ?, ?, ?, ?)",
                              {sid, report.erasure_id, now_us,
                               static_cast<std::int64_t>(report.epoch), destroyed, kept}));
  (void)j;
  Change change;
  change.kind = ChangeKind::kSubjectErased;
  change.subject_ids = {sid};
  change.classes = destroy;
  change.kept = keep;
  change.items = {report.erasure_id};
  CHARTER_TRY_STATUS(commit_change(tx, change));
  CHARTER_TRY_STATUS(tx.commit());
  committed(change);
  return report;
}

}  // namespace charter::vault
