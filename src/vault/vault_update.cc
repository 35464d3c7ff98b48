// Vault: rectification (re-keying the field's class) and updates of the subject's facts.
#include <algorithm>

#include "crypto/ad.h"
#include "crypto/seal.h"
#include "vault/collect.h"
#include "vault/internal.h"
#include "vault/schema.h"
#include "vault/vault.h"

namespace charter::vault {

using detail::us;

Result<RectifyReport> Vault::rectify(std::string_view subject_id, std::string_view field,
                                     std::string_view value) {
  CHARTER_TRY_STATUS(detail::check_subject_id(subject_id));
  CHARTER_TRY(PreparedValue prepared, prepare_value(policy_, field, value));
  const std::string sid(subject_id);
  const policy::Field& f = *prepared.field;
  const std::string& cls = f.category;
  const std::int64_t now = us(clock_.now());
  RectifyReport report;

  CHARTER_TRY(store::Transaction tx, store_.write());
  CHARTER_TRY_STATUS(tx.lock(detail::subject_lock(sid)));
  CHARTER_TRY(SubjectInfo info, detail::load_subject(tx, sid));
  if (info.status == SubjectStatus::kErased) {
    return make_error(Errc::kFailedPrecondition, "subject " + sid + " is erased");
  }
  CHARTER_TRY(auto ring, keys_->ring_for_write(tx));
  detail::SubjectKeys keys(sid, ring);
  CHARTER_TRY_STATUS(keys.load(tx, cls));
  const std::uint32_t old_version = keys.latest(cls).value_or(0);
  const std::uint32_t version = old_version + 1;
  auto key = crypto::DataKey::generate(random_);
  CHARTER_TRY(crypto::WrappedKey wrapped,
              ring->ring.wrap(key, crypto::wrap_ad(sid, cls, version), random_));

  // Everything else sealed under the class's old key(s) moves to the new key.
  struct Item {
    std::string id;  // field (values) or event id (events)
    std::string field;
    std::uint32_t version;
    crypto::Bytes sealed;
    bool event;
  };
  std::vector<Item> items;
  bool had_value = false;
  {
    CHARTER_TRY(store::Rows rows, tx.query("SELECT field, key_version, sealed FROM vault_values "
                                           "WHERE subject_id = ? AND class = ?",
                                           {sid, cls}));
    while (true) {
      CHARTER_TRY(bool more, rows.next());
      if (!more) break;
      CHARTER_TRY(std::string_view fid, rows.get_text(0));
      CHARTER_TRY(std::int64_t v, rows.get_int(1));
      CHARTER_TRY(store::ByteView s, rows.get_blob(2));
      if (fid == f.id) {
        had_value = true;
        continue;  // replaced, never reopened
      }
      items.push_back({std::string(fid), std::string(fid), static_cast<std::uint32_t>(v),
                       crypto::Bytes(s.begin(), s.end()), false});
    }
  }
  {
    CHARTER_TRY(store::Rows rows, tx.query("SELECT event_id, field, key_version, sealed FROM "
                                           "vault_events WHERE subject_id = ? AND class = ?",
                                           {sid, cls}));
    while (true) {
      CHARTER_TRY(bool more, rows.next());
      if (!more) break;
      CHARTER_TRY(std::string_view id, rows.get_text(0));
      CHARTER_TRY(std::string_view fid, rows.get_text(1));
      CHARTER_TRY(std::int64_t v, rows.get_int(2));
      CHARTER_TRY(store::ByteView s, rows.get_blob(3));
      items.push_back({std::string(id), std::string(fid), static_cast<std::uint32_t>(v),
                       crypto::Bytes(s.begin(), s.end()), true});
    }
  }
  std::vector<crypto::Bytes> resealed;
  resealed.reserve(items.size());
  for (const Item& it : items) {
    CHARTER_TRY(const crypto::DataKey* old, keys.get(cls, it.version));
    const std::string_view item = it.event ? std::string_view(it.id) : std::string_view();
    auto plain = crypto::open(*old, it.sealed, crypto::value_ad(sid, it.field, it.version, item));
    if (!plain) {
      return make_error(Errc::kIntegrity, "subject " + sid + ": the sealed value of field \"" +
                                              it.field + "\" does not open where it is stored");
    }
    resealed.push_back(
        crypto::seal(key, *plain, crypto::value_ad(sid, it.field, version, item), random_));
  }
  const std::int64_t v64 = version;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    CHARTER_TRY(auto n, it.event ? tx.exec("UPDATE vault_events SET sealed = ?, key_version = ? "
                                           "WHERE subject_id = ? AND event_id = ?",
                                           {resealed[i], v64, sid, it.id})
                                 : tx.exec("UPDATE vault_values SET sealed = ?, key_version = ? "
                                           "WHERE subject_id = ? AND field = ?",
                                           {resealed[i], v64, sid, it.id}));
    (void)n;
  }
  crypto::Bytes sealed = crypto::seal(key, crypto::as_bytes(prepared.value),
                                      crypto::value_ad(sid, f.id, version), random_);
  const std::string source = source_name(f.source);
  if (had_value) {
    CHARTER_TRY(auto n, tx.exec("UPDATE vault_values SET sealed = ?, key_version = ?, source = ?, "
                                "updated_at = ? WHERE subject_id = ? AND field = ?",
                                {sealed, v64, source, now, sid, f.id}));
    (void)n;
  } else {
    CHARTER_TRY(auto n, tx.exec("INSERT INTO vault_values (subject_id, field, class, key_version, "
                                "sealed, source, collected_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                                "?, ?, ?)",
                                {sid, f.id, cls, v64, sealed, source, now, now}));
    (void)n;
  }
  CHARTER_TRY(auto d,
              tx.exec("DELETE FROM vault_keys WHERE subject_id = ? AND class = ?", {sid, cls}));
  (void)d;
  CHARTER_TRY(auto k,
              tx.exec("INSERT INTO vault_keys (subject_id, class, key_version, wrapped, "
                      "epoch, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                      {sid, cls, v64, wrapped, static_cast<std::int64_t>(ring->current), now}));
  (void)k;
  if (f.blind_index) {
    CHARTER_TRY(const crypto::BlindIndexKey* bk, keys_->blind_index_key(f.id));
    const crypto::BlindIndex digest = bk->compute(prepared.value);
    CHARTER_TRY(auto n, tx.exec("INSERT INTO vault_blind_indexes (subject_id, field, digest) "
                                "VALUES (?, ?, ?) ON CONFLICT (subject_id, field) DO UPDATE SET "
                                "digest = excluded.digest",
                                {sid, f.id, store::ByteView(digest)}));
    (void)n;
  }
  CHARTER_TRY(auto u,
              tx.exec("UPDATE vault_subjects SET updated_at = ? WHERE subject_id = ?", {now, sid}));
  (void)u;
  Change change;
  change.kind = ChangeKind::kFieldRectified;
  change.subject_ids = {sid};
  change.fields = {f.id};
  change.classes = {cls};
  change.count = static_cast<std::int64_t>(items.size());
  CHARTER_TRY_STATUS(commit_change(tx, change));
  CHARTER_TRY_STATUS(tx.commit());
  committed(change);
  report.key_version = version;
  report.resealed = static_cast<std::int64_t>(items.size());
  if (store_.backend() == store::Backend::kSqlite) {
    // The WAL still holds page images with the old value until it is checkpointed.
    report.scrubbed = store_.scrub(subject_tables()).ok();
  }
  return report;
}

Status Vault::update(std::string_view subject_id, const RelationshipUpdate& update) {
  CHARTER_TRY_STATUS(detail::check_subject_id(subject_id));
  if (update.status && *update.status == SubjectStatus::kErased) {
    return make_error(Errc::kInvalidArgument, "status: a subject is erased by an erasure only");
  }
  const std::string sid(subject_id);
  CHARTER_TRY(store::Transaction tx, store_.write());
  CHARTER_TRY_STATUS(tx.lock(detail::subject_lock(sid)));
  CHARTER_TRY(SubjectInfo info, detail::load_subject(tx, sid));
  if (info.status == SubjectStatus::kErased) {
    return make_error(Errc::kFailedPrecondition, "subject " + sid + " is erased");
  }
  const Relationship rel = update.relationship.value_or(info.relationship);
  const auto start = update.contract_start ? update.contract_start : info.contract_start;
  const auto end = update.contract_end ? update.contract_end : info.contract_end;
  if (rel == Relationship::kFormerCustomer && !end) {
    return make_error(Errc::kInvalidArgument,
                      "relationship: a former customer needs the contract end date");
  }
  if (start && end && *end < *start) {
    return make_error(Errc::kInvalidArgument, "contract_end: the contract ends before it starts");
  }
  std::string sql = "UPDATE vault_subjects SET updated_at = ?";
  const std::int64_t now = us(clock_.now());
  std::vector<store::Param> params{store::Param(now)};
  std::vector<std::string> changed;
  const std::string rel_name = to_string(rel);
  const std::string status_name = update.status ? to_string(*update.status) : "";
  const auto cs = detail::us(update.contract_start), ce = detail::us(update.contract_end),
             lc = detail::us(update.last_contact_at);
  if (update.relationship) {
    sql += ", relationship = ?";
    params.emplace_back(rel_name);
    changed.push_back("relationship");
  }
  if (update.contract_start) {
    sql += ", contract_start = ?";
    params.emplace_back(cs);
    changed.push_back("contract_start");
  }
  if (update.contract_end) {
    sql += ", contract_end = ?";
    params.emplace_back(ce);
    changed.push_back("contract_end");
  }
  if (update.last_contact_at) {
    sql += ", last_contact_at = ?";
    params.emplace_back(lc);
    changed.push_back("last_contact_at");
  }
  if (update.status) {
    sql += ", status = ?";
    params.emplace_back(status_name);
    changed.push_back("status");
  }
  sql += " WHERE subject_id = ?";
  params.emplace_back(sid);
  CHARTER_TRY(auto n, tx.exec(sql, params));
  (void)n;
  Change change;
  change.kind = ChangeKind::kSubjectUpdated;
  change.subject_ids = {sid};
  change.fields = std::move(changed);
  CHARTER_TRY_STATUS(commit_change(tx, change));
  CHARTER_TRY_STATUS(tx.commit());
  committed(change);
  return ok_status();
}

}  // namespace charter::vault
