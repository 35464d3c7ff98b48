// Vault: reading (subject, read, export_subject) and lookup by blind index (find).
#include <algorithm>

#include "crypto/ad.h"
#include "crypto/seal.h"
#include "vault/internal.h"
#include "vault/normalize.h"
#include "vault/vault.h"

namespace charter::vault {

using detail::us;

Result<SubjectInfo> Vault::subject(std::string_view subject_id) {
  CHARTER_TRY_STATUS(detail::check_subject_id(subject_id));
  CHARTER_TRY(store::Transaction tx, store_.read());
  return detail::load_subject(tx, subject_id);
}

namespace {

std::string in_list(std::size_t n) {
  std::string s = "(";
  for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s + ")";
}

Error does_not_open(std::string_view subject, std::string_view field, std::string_view item) {
  std::string msg = "subject " + std::string(subject) + ": the sealed value of field \"" +
                    std::string(field) + "\"";
  if (!item.empty()) msg += " (event " + std::string(item) + ")";
  return make_error(Errc::kIntegrity, msg + " does not open where it is stored");
}

}  // namespace

Result<SubjectData> Vault::read(const ReadRequest& request) {
  CHARTER_TRY_STATUS(detail::check_subject_id(request.subject_id));
  for (const auto& f : request.fields) {
    const policy::Field* pf = policy_.find_field(f);
    if (!pf || pf->kind != policy::FieldKind::kValue) {
      return make_error(Errc::kInvalidArgument,
                        "field \"" + f + "\": not a value field of the policy");
    }
  }
  for (const auto& f : request.event_fields) {
    const policy::Field* pf = policy_.find_field(f);
    if (!pf || pf->kind != policy::FieldKind::kEvent) {
      return make_error(Errc::kInvalidArgument,
                        "field \"" + f + "\": not an event field of the policy");
    }
  }
  for (int attempt = 0;; ++attempt) {
    auto data = read_once(request);
    if (data.ok() || !detail::is_stale_epoch(data.error()) ||
        attempt >= options_.stale_key_retries) {
      if (!data.ok() && detail::is_stale_epoch(data.error())) {
        return make_error(Errc::kIntegrity, "subject " + request.subject_id +
                                                ": a data key is wrapped under a destroyed epoch");
      }
      return data;
    }
    // A rotation destroyed the epoch this snapshot's keys were wrapped under: the store has them
    // rewrapped now. Reload the ring and read again.
    CHARTER_TRY_STATUS(keys_->refresh());
  }
}

Result<SubjectData> Vault::export_subject(std::string_view subject_id) {
  ReadRequest r;
  r.subject_id = std::string(subject_id);
  r.purpose = "rights_management";
  r.values = true;
  r.events = true;
  r.event_limit = 0;  // all
  return read(r);
}

Result<SubjectData> Vault::read_once(const ReadRequest& request) {
  const std::string& sid = request.subject_id;
  CHARTER_TRY(store::Transaction tx, store_.read());
  SubjectData out;
  CHARTER_TRY(out.info, detail::load_subject(tx, sid));
  detail::SubjectKeys keys(sid, keys_->ring());
  CHARTER_TRY_STATUS(keys.load(tx));

  if (request.values) {
    struct Row {
      FieldValue v;
      std::uint32_t version;
      crypto::Bytes sealed;
    };
    std::vector<Row> rows;
    {
      std::string sql =
          "SELECT field, class, key_version, sealed, source, collected_at, updated_at FROM "
          "vault_values WHERE subject_id = ?";
      std::vector<store::Param> params{store::Param(sid)};
      if (!request.fields.empty()) {
        sql += " AND field IN " + in_list(request.fields.size());
        for (const auto& f : request.fields) params.emplace_back(f);
      }
      CHARTER_TRY(store::Rows r, tx.query(sql, params));
      while (true) {
        CHARTER_TRY(bool more, r.next());
        if (!more) break;
        Row row;
        CHARTER_TRY(std::string_view field, r.get_text(0));
        CHARTER_TRY(std::string_view cls, r.get_text(1));
        CHARTER_TRY(std::int64_t version, r.get_int(2));
        CHARTER_TRY(store::ByteView sealed, r.get_blob(3));
        CHARTER_TRY(std::string_view source, r.get_text(4));
        CHARTER_TRY(std::int64_t collected, r.get_int(5));
        CHARTER_TRY(std::int64_t updated, r.get_int(6));
        row.v.field = std::string(field);
        row.v.category = std::string(cls);
        row.version = static_cast<std::uint32_t>(version);
        row.sealed.assign(sealed.begin(), sealed.end());
        CHARTER_TRY(row.v.source, parse_source(source));
        row.v.collected_at = from_unix_micros(collected);
        row.v.updated_at = from_unix_micros(updated);
        rows.push_back(std::move(row));
      }
    }
    for (Row& row : rows) {
      CHARTER_TRY(const crypto::DataKey* key, keys.get(row.v.category, row.version));
      auto plain = crypto::open(*key, row.sealed, crypto::value_ad(sid, row.v.field, row.version));
      if (!plain) return does_not_open(sid, row.v.field, "");
      row.v.value.assign(plain->begin(), plain->end());
      out.values.push_back(std::move(row.v));
    }
    // Policy field order.
    auto rank = [&](const std::string& field) {
      for (std::size_t i = 0; i < policy_.fields.size(); ++i) {
        if (policy_.fields[i].id == field) return i;
      }
      return policy_.fields.size();
    };
    std::sort(out.values.begin(), out.values.end(), [&](const FieldValue& a, const FieldValue& b) {
      return rank(a.field) < rank(b.field);
    });
  }

  if (request.events) {
    struct Row {
      EventRecord e;
      std::uint32_t version;
      crypto::Bytes sealed;
    };
    std::vector<Row> rows;
    {
      std::string sql =
          "SELECT event_id, field, class, key_version, occurred_at, source, sealed, recorded_at "
          "FROM vault_events WHERE subject_id = ?";
      std::vector<store::Param> params{store::Param(sid)};
      std::int64_t since = request.events_since ? us(*request.events_since) : 0;
      if (request.events_since) {
        sql += " AND occurred_at >= ?";
        params.emplace_back(since);
      }
      if (!request.event_fields.empty()) {
        sql += " AND field IN " + in_list(request.event_fields.size());
        for (const auto& f : request.event_fields) params.emplace_back(f);
      }
      sql += " ORDER BY occurred_at DESC, event_id";
      std::int64_t limit = static_cast<std::int64_t>(request.event_limit);
      if (request.event_limit > 0) {
        sql += " LIMIT ?";
        params.emplace_back(limit);
      }
      CHARTER_TRY(store::Rows r, tx.query(sql, params));
      while (true) {
        CHARTER_TRY(bool more, r.next());
        if (!more) break;
        Row row;
        CHARTER_TRY(std::string_view id, r.get_text(0));
        CHARTER_TRY(std::string_view field, r.get_text(1));
        CHARTER_TRY(std::string_view cls, r.get_text(2));
        CHARTER_TRY(std::int64_t version, r.get_int(3));
        CHARTER_TRY(std::int64_t occurred, r.get_int(4));
        CHARTER_TRY(std::string_view source, r.get_text(5));
        CHARTER_TRY(store::ByteView sealed, r.get_blob(6));
        CHARTER_TRY(std::int64_t recorded, r.get_int(7));
        row.e.id = std::string(id);
        row.e.field = std::string(field);
        row.e.category = std::string(cls);
        row.version = static_cast<std::uint32_t>(version);
        row.e.occurred_at = from_unix_micros(occurred);
        CHARTER_TRY(row.e.source, parse_source(source));
        row.sealed.assign(sealed.begin(), sealed.end());
        row.e.recorded_at = from_unix_micros(recorded);
        rows.push_back(std::move(row));
      }
    }
    for (Row& row : rows) {
      CHARTER_TRY(const crypto::DataKey* key, keys.get(row.e.category, row.version));
      auto plain =
          crypto::open(*key, row.sealed, crypto::value_ad(sid, row.e.field, row.version, row.e.id));
      if (!plain) return does_not_open(sid, row.e.field, row.e.id);
      row.e.payload.assign(plain->begin(), plain->end());
      out.events.push_back(std::move(row.e));
    }
  }
  return out;
}

Result<std::vector<std::string>> Vault::find(std::string_view field, std::string_view value) {
  const policy::Field* f = policy_.find_field(std::string(field));
  if (!f || !f->blind_index) {
    return make_error(Errc::kInvalidArgument,
                      "field \"" + std::string(field) +
                          "\" is not blind-indexed: subjects are found by their indexed fields "
                          "(e-mail, phone)");
  }
  auto normalized = normalize_value(f->type, value);
  if (!normalized) {
    return make_error(Errc::kInvalidArgument,
                      "field \"" + std::string(field) + "\": " + normalized.error().message);
  }
  CHARTER_TRY(const crypto::BlindIndexKey* key, keys_->blind_index_key(f->id));
  const crypto::BlindIndex digest = key->compute(*normalized);
  CHARTER_TRY(store::Transaction tx, store_.read());
  CHARTER_TRY(store::Rows rows, tx.query("SELECT subject_id FROM vault_blind_indexes WHERE field = "
                                         "? AND digest = ? ORDER BY subject_id",
                                         {f->id, store::ByteView(digest)}));
  std::vector<std::string> ids;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(std::string_view id, rows.get_text(0));
    ids.emplace_back(id);
  }
  return ids;
}

}  // namespace charter::vault
