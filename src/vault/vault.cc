#include "vault/vault.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/seal.h"
#include "vault/collect.h"
#include "vault/internal.h"
#include "vault/schema.h"

namespace charter::vault {

using detail::us;

const char* to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kKeysInitialized:
      return "keys_initialized";
    case ChangeKind::kSubjectCreated:
      return "subject_created";
    case ChangeKind::kEventRecorded:
      return "event_recorded";
    case ChangeKind::kFieldRectified:
      return "field_rectified";
    case ChangeKind::kSubjectUpdated:
      return "subject_updated";
    case ChangeKind::kSubjectErased:
      return "subject_erased";
    case ChangeKind::kEpochStarted:
      return "epoch_started";
    case ChangeKind::kKeysRewrapped:
      return "keys_rewrapped";
    case ChangeKind::kEpochDestroyed:
      return "epoch_destroyed";
    case ChangeKind::kMasterRotated:
      return "master_rotated";
  }
  return "unknown";
}

Vault::Vault(store::Store& store, const policy::Policy& policy, std::unique_ptr<KeyService> keys,
             const Clock& clock, Random& random, VaultOptions options)
    : store_(store),
      policy_(policy),
      keys_(std::move(keys)),
      clock_(clock),
      random_(random),
      options_(options) {}

Vault::~Vault() = default;

Result<std::unique_ptr<Vault>> Vault::open(store::Store& store, const policy::Policy& policy,
                                           std::unique_ptr<KeyService> keys, const Clock& clock,
                                           Random& random, VaultOptions options) {
  if (!keys) return make_error(Errc::kInvalidArgument, "the vault needs a key service");
  CHARTER_TRY_STATUS(migrate_vault(store, clock));
  // Derive the blind-index keys of the policy's indexed fields once.
  for (const policy::Field& f : policy.fields) {
    if (!f.blind_index) continue;
    auto key = keys->blind_index_key(f.id);
    if (!key) return key.error();
  }
  return std::unique_ptr<Vault>(new Vault(store, policy, std::move(keys), clock, random, options));
}

Status Vault::commit_change(store::Transaction& tx, Change change) {
  return commit_change(policy_, options_, tx, std::move(change));
}

Status Vault::commit_change(const policy::Policy& policy, const VaultOptions& options,
                            store::Transaction& tx, Change change) {
  // Audit: the sink (trail::Trail in the server and the CLI) appends the entries for `change`
  // and waits until they are durable; a failure returns its error and the caller's transaction
  // rolls back (fail closed).
  change.policy_version = policy.version;
  if (options.sink) CHARTER_TRY_STATUS(options.sink->record(tx, change));
  return ok_status();
}

Status Vault::initialize_keys(store::Store& store, const policy::Policy& policy,
                              const std::string& key_dir, const crypto::MasterKey& master,
                              const Clock& clock, Random& random, VaultOptions options) {
  return KeyService::initialize(store, key_dir, master, clock, random,
                                [&policy, &options](store::Transaction& tx, const Change& c) {
                                  return commit_change(policy, options, tx, c);
                                });
}

namespace {

// A subject ready to insert: ids, keys, sealed values and blind indexes (no clear text).
struct Prepared {
  std::string id;
  std::string purposes;
  std::string relationship;
  std::optional<std::int64_t> contract_start, contract_end;
  std::int64_t collected_at = 0;
  struct Key {
    std::string cls;
    crypto::DataKey key;
    crypto::Bytes wrapped;
  };
  std::vector<Key> keys;
  struct Value {
    std::string field, cls, source;
    crypto::Bytes sealed;
  };
  std::vector<Value> values;
  struct Index {
    std::string field;
    crypto::BlindIndex digest;
  };
  std::vector<Index> indexes;
};

}  // namespace

Result<std::string> Vault::create_subject(const NewSubject& subject) {
  CHARTER_TRY(std::vector<std::string> ids, create_subjects(std::span(&subject, 1)));
  return ids.front();
}

Result<std::vector<std::string>> Vault::create_subjects(std::span<const NewSubject> subjects) {
  if (subjects.empty()) return std::vector<std::string>{};
  if (subjects.size() > options_.max_batch) {
    return make_error(Errc::kPayloadTooLarge,
                      "at most " + std::to_string(options_.max_batch) + " subjects per batch");
  }
  const std::int64_t now = us(clock_.now());
  auto ring = keys_->ring();
  std::vector<Prepared> batch;
  batch.reserve(subjects.size());
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const NewSubject& in = subjects[i];
    auto values = prepare_subject(policy_, in);
    if (!values) {
      if (subjects.size() == 1) return values.error();
      return make_error(Errc::kInvalidArgument,
                        "subject " + std::to_string(i) + ": " + values.error().message);
    }
    Prepared p;
    p.id = new_id(random_, "sub");
    p.purposes = detail::join(in.purposes);
    p.relationship = to_string(in.relationship);
    p.contract_start = us(in.contract_start);
    p.contract_end = us(in.contract_end);
    p.collected_at = in.collected_at ? us(*in.collected_at) : now;
    for (const PreparedValue& v : *values) {
      const std::string& cls = v.field->category;
      auto k = std::find_if(p.keys.begin(), p.keys.end(),
                            [&](const Prepared::Key& key) { return key.cls == cls; });
      if (k == p.keys.end()) {
        Prepared::Key key{cls, crypto::DataKey::generate(random_), {}};
        CHARTER_TRY(key.wrapped, ring->ring.wrap(key.key, crypto::wrap_ad(p.id, cls, 1), random_));
        p.keys.push_back(std::move(key));
        k = p.keys.end() - 1;
      }
      p.values.push_back({v.field->id, cls, source_name(v.field->source),
                          crypto::seal(k->key, crypto::as_bytes(v.value),
                                       crypto::value_ad(p.id, v.field->id, 1), random_)});
      if (v.field->blind_index) {
        CHARTER_TRY(const crypto::BlindIndexKey* bk, keys_->blind_index_key(v.field->id));
        p.indexes.push_back({v.field->id, bk->compute(v.value)});
      }
    }
    batch.push_back(std::move(p));
  }

  CHARTER_TRY(store::Transaction tx, store_.write());
  CHARTER_TRY(auto current, keys_->ring_for_write(tx));
  if (current->current != ring->current) {
    // An epoch started since the keys were wrapped: wrap them under the new one.
    for (auto& p : batch) {
      for (auto& k : p.keys) {
        CHARTER_TRY(k.wrapped, current->ring.wrap(k.key, crypto::wrap_ad(p.id, k.cls, 1), random_));
      }
    }
  }
  const std::int64_t epoch = current->current;
  const std::int64_t one = 1;
  const std::string& version = policy_.version;
  std::vector<store::Param> subj, keys, vals, idx;
  subj.reserve(batch.size() * 9);
  for (const auto& p : batch) {
    subj.insert(subj.end(), {store::Param(p.id), store::Param(p.relationship),
                             store::Param(p.contract_start), store::Param(p.contract_end),
                             store::Param(p.collected_at), store::Param(p.purposes),
                             store::Param(version), store::Param(now), store::Param(now)});
    for (const auto& k : p.keys) {
      keys.insert(keys.end(), {store::Param(p.id), store::Param(k.cls), store::Param(one),
                               store::Param(k.wrapped), store::Param(epoch), store::Param(now)});
    }
    for (const auto& v : p.values) {
      vals.insert(vals.end(), {store::Param(p.id), store::Param(v.field), store::Param(v.cls),
                               store::Param(one), store::Param(v.sealed), store::Param(v.source),
                               store::Param(p.collected_at), store::Param(now)});
    }
    for (const auto& x : p.indexes) {
      idx.insert(idx.end(), {store::Param(p.id), store::Param(x.field),
                             store::Param(store::ByteView(x.digest))});
    }
  }
  CHARTER_TRY(auto a, tx.exec_many("INSERT INTO vault_subjects (subject_id, status, relationship, "
                                   "contract_start, contract_end, collected_at, purposes, "
                                   "policy_version, created_at, updated_at) VALUES (?, 'active', "
                                   "?, ?, ?, ?, ?, ?, ?, ?)",
                                   subj, 9));
  if (!keys.empty()) {
    CHARTER_TRY(auto b, tx.exec_many("INSERT INTO vault_keys (subject_id, class, key_version, "
                                     "wrapped, epoch, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                     keys, 6));
    (void)b;
  }
  if (!vals.empty()) {
    CHARTER_TRY(auto c, tx.exec_many("INSERT INTO vault_values (subject_id, field, class, "
                                     "key_version, sealed, source, collected_at, updated_at) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                     vals, 8));
    (void)c;
  }
  if (!idx.empty()) {
    CHARTER_TRY(auto d, tx.exec_many("INSERT INTO vault_blind_indexes (subject_id, field, digest) "
                                     "VALUES (?, ?, ?)",
                                     idx, 3));
    (void)d;
  }
  (void)a;
  Change change;
  change.kind = ChangeKind::kSubjectCreated;
  std::set<std::string> fields, classes;
  for (const auto& p : batch) {
    change.subject_ids.push_back(p.id);
    for (const auto& v : p.values) fields.insert(v.field);
    for (const auto& k : p.keys) classes.insert(k.cls);
  }
  change.fields.assign(fields.begin(), fields.end());
  change.classes.assign(classes.begin(), classes.end());
  std::set<std::string> purposes;
  for (const auto& s : subjects) purposes.insert(s.purposes.begin(), s.purposes.end());
  change.purpose = detail::join(std::vector<std::string>(purposes.begin(), purposes.end()));
  change.count = static_cast<std::int64_t>(batch.size());
  CHARTER_TRY_STATUS(commit_change(tx, change));
  CHARTER_TRY_STATUS(tx.commit());
  committed(change);
  std::vector<std::string> ids;
  ids.reserve(batch.size());
  for (auto& p : batch) ids.push_back(std::move(p.id));
  return ids;
}

Result<std::string> Vault::record_event(const NewEvent& event) {
  CHARTER_TRY(std::vector<std::string> ids, record_events(std::span(&event, 1)));
  return ids.front();
}

Result<std::vector<std::string>> Vault::record_events(std::span<const NewEvent> events) {
  if (events.empty()) return std::vector<std::string>{};
  if (events.size() > options_.max_batch) {
    return make_error(Errc::kPayloadTooLarge,
                      "at most " + std::to_string(options_.max_batch) + " events per batch");
  }
  struct Item {
    const NewEvent* in;
    const policy::Field* field;
    std::string payload;
    std::string id;
    std::string source;
    std::int64_t key_version = 0;
    crypto::Bytes sealed;
  };
  std::vector<Item> items;
  items.reserve(events.size());
  std::vector<std::string> subjects;  // distinct, in order
  for (std::size_t i = 0; i < events.size(); ++i) {
    const NewEvent& e = events[i];
    const std::string where = events.size() == 1 ? "" : "event " + std::to_string(i) + ": ";
    auto id_ok = detail::check_subject_id(e.subject_id);
    if (!id_ok) return make_error(Errc::kInvalidArgument, where + id_ok.error().message);
    auto prepared = prepare_event(policy_, e.field, e.payload);
    if (!prepared) return make_error(Errc::kInvalidArgument, where + prepared.error().message);
    Item it{&e,
            prepared->field,
            std::move(prepared->value),
            new_id(random_, "evt"),
            source_name(e.source.value_or(prepared->field->source)),
            0,
            {}};
    items.push_back(std::move(it));
    if (std::find(subjects.begin(), subjects.end(), e.subject_id) == subjects.end()) {
      subjects.push_back(e.subject_id);
    }
  }
  std::sort(subjects.begin(), subjects.end());  // one lock order for every writer

  const std::int64_t now = us(clock_.now());
  CHARTER_TRY(store::Transaction tx, store_.write());
  CHARTER_TRY(auto ring, keys_->ring_for_write(tx));
  std::vector<store::Param> new_keys;
  std::vector<crypto::Bytes> new_wrapped;
  std::vector<std::pair<std::string, std::string>> new_key_ids;  // (subject, class)
  new_wrapped.reserve(items.size());
  new_key_ids.reserve(items.size());
  std::map<std::string, detail::SubjectKeys> keys;
  for (const std::string& sid : subjects) {
    CHARTER_TRY_STATUS(tx.lock(detail::subject_lock(sid)));
    CHARTER_TRY(SubjectInfo info, detail::load_subject(tx, sid));
    if (info.status == SubjectStatus::kErased) {
      return make_error(Errc::kFailedPrecondition, "subject " + sid + " is erased");
    }
    auto [pos, inserted] = keys.emplace(sid, detail::SubjectKeys(sid, ring));
    (void)inserted;
    CHARTER_TRY_STATUS(pos->second.load(tx));
  }
  // Classes without a key yet get version 1.
  std::map<std::pair<std::string, std::string>, crypto::DataKey> fresh;
  for (Item& it : items) {
    const std::string& sid = it.in->subject_id;
    const std::string& cls = it.field->category;
    detail::SubjectKeys& sk = keys.at(sid);
    const crypto::DataKey* key = nullptr;
    if (auto v = sk.latest(cls)) {
      CHARTER_TRY(key, sk.get(cls, *v));
      it.key_version = *v;
    } else {
      auto f = fresh.find({sid, cls});
      if (f == fresh.end()) {
        f = fresh.emplace(std::make_pair(sid, cls), crypto::DataKey::generate(random_)).first;
        CHARTER_TRY(crypto::WrappedKey w,
                    ring->ring.wrap(f->second, crypto::wrap_ad(sid, cls, 1), random_));
        new_wrapped.push_back(std::move(w));
        new_key_ids.emplace_back(sid, cls);
      }
      key = &f->second;
      it.key_version = 1;
    }
    it.sealed = crypto::seal(
        *key, crypto::as_bytes(it.payload),
        crypto::value_ad(sid, it.field->id, static_cast<std::uint32_t>(it.key_version), it.id),
        random_);
  }
  const std::int64_t epoch = ring->current;
  const std::int64_t one = 1;
  for (std::size_t i = 0; i < new_key_ids.size(); ++i) {
    new_keys.insert(
        new_keys.end(),
        {store::Param(new_key_ids[i].first), store::Param(new_key_ids[i].second), store::Param(one),
         store::Param(new_wrapped[i]), store::Param(epoch), store::Param(now)});
  }
  if (!new_keys.empty()) {
    CHARTER_TRY(auto n, tx.exec_many("INSERT INTO vault_keys (subject_id, class, key_version, "
                                     "wrapped, epoch, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                     new_keys, 6));
    (void)n;
  }
  std::vector<store::Param> rows;
  rows.reserve(items.size() * 9);
  std::vector<std::int64_t> times;
  times.reserve(items.size());
  for (const Item& it : items) times.push_back(us(it.in->occurred_at));
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    rows.insert(rows.end(), {store::Param(it.in->subject_id), store::Param(it.id),
                             store::Param(it.field->id), store::Param(it.field->category),
                             store::Param(it.key_version), store::Param(times[i]),
                             store::Param(it.source), store::Param(it.sealed), store::Param(now)});
  }
  CHARTER_TRY(auto n, tx.exec_many("INSERT INTO vault_events (subject_id, event_id, field, class, "
                                   "key_version, occurred_at, source, sealed, recorded_at) VALUES "
                                   "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   rows, 9));
  (void)n;
  Change change;
  change.kind = ChangeKind::kEventRecorded;
  change.subject_ids = subjects;
  std::set<std::string> fields;
  for (const Item& it : items) {
    change.items.push_back(it.id);
    fields.insert(it.field->id);
  }
  change.fields.assign(fields.begin(), fields.end());
  change.count = static_cast<std::int64_t>(items.size());
  CHARTER_TRY_STATUS(commit_change(tx, change));
  CHARTER_TRY_STATUS(tx.commit());
  committed(change);
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (Item& it : items) ids.push_back(std::move(it.id));
  return ids;
}

Result<RotationReport> Vault::rotate_keys(std::size_t batch) {
  return keys_->rotate(
      [this](store::Transaction& tx, const Change& c) { return commit_change(tx, c); }, batch);
}

Result<MasterRotationReport> Vault::rotate_master(crypto::MasterKey next) {
  return keys_->rotate_master(std::move(next), [this](store::Transaction& tx, const Change& c) {
    return commit_change(tx, c);
  });
}

}  // namespace charter::vault
