#include "vault/internal.h"

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/wrap.h"

namespace charter::vault::detail {

Result<std::optional<Timestamp>> opt_time(const store::Value& v) {
  if (v.is_null()) return std::optional<Timestamp>();
  CHARTER_TRY(std::int64_t t, v.as_int());
  return std::optional<Timestamp>(from_unix_micros(t));
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back(sep);
    out += p;
  }
  return out;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    auto pos = text.find(sep, start);
    out.emplace_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

Status check_subject_id(std::string_view id) {
  if (!is_valid_id(id, "sub")) {
    return make_error(Errc::kInvalidArgument, "not a subject id (expected sub_ and 26 characters)");
  }
  return ok_status();
}

std::string subject_lock(std::string_view id) { return "charter.vault.subject:" + std::string(id); }

Result<SubjectInfo> load_subject(store::Transaction& tx, std::string_view id) {
  CHARTER_TRY(auto row, tx.query_one("SELECT subject_id, status, relationship, contract_start, "
                                     "contract_end, collected_at, last_contact_at, purposes, "
                                     "policy_version, created_at, updated_at, erased_at FROM "
                                     "vault_subjects WHERE subject_id = ?",
                                     {id}));
  if (!row) return make_error(Errc::kNotFound, "no subject " + std::string(id));
  const store::Row& r = *row;
  SubjectInfo s;
  CHARTER_TRY(std::string_view sid, r[0].as_text(0));
  CHARTER_TRY(std::string_view status, r[1].as_text(1));
  CHARTER_TRY(std::string_view rel, r[2].as_text(2));
  s.id = std::string(sid);
  CHARTER_TRY(s.status, parse_status(status));
  CHARTER_TRY(s.relationship, parse_relationship(rel));
  CHARTER_TRY(s.contract_start, opt_time(r[3]));
  CHARTER_TRY(s.contract_end, opt_time(r[4]));
  CHARTER_TRY(s.collected_at, opt_time(r[5]));
  CHARTER_TRY(s.last_contact_at, opt_time(r[6]));
  CHARTER_TRY(std::string_view purposes, r[7].as_text(7));
  s.purposes = split(purposes);
  CHARTER_TRY(std::string_view version, r[8].as_text(8));
  s.policy_version = std::string(version);
  CHARTER_TRY(std::int64_t created, r[9].as_int(9));
  CHARTER_TRY(std::int64_t updated, r[10].as_int(10));
  s.created_at = from_unix_micros(created);
  s.updated_at = from_unix_micros(updated);
  CHARTER_TRY(s.erased_at, opt_time(r[11]));
  return s;
}

Status SubjectKeys::load(store::Transaction& tx, std::optional<std::string_view> cls) {
  auto rows_result =
      cls ? tx.query(
                "SELECT class, key_version, wrapped FROM vault_keys WHERE subject_id = ? AND "
                "class = ?",
                {subject_, *cls})
          : tx.query("SELECT class, key_version, wrapped FROM vault_keys WHERE subject_id = ?",
                     {subject_});
  CHARTER_TRY(store::Rows rows, std::move(rows_result));
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(std::string_view c, rows.get_text(0));
    CHARTER_TRY(std::int64_t v, rows.get_int(1));
    CHARTER_TRY(store::ByteView w, rows.get_blob(2));
    wrapped_[{std::string(c), static_cast<std::uint32_t>(v)}] = crypto::Bytes(w.begin(), w.end());
  }
  return ok_status();
}

Result<const crypto::DataKey*> SubjectKeys::get(const std::string& cls, std::uint32_t version) {
  auto k = std::make_pair(cls, version);
  auto it = keys_.find(k);
  if (it != keys_.end()) return &it->second;
  auto w = wrapped_.find(k);
  if (w == wrapped_.end()) {
    return make_error(Errc::kIntegrity, "subject " + subject_ + ": no data key for class \"" + cls +
                                            "\" version " + std::to_string(version));
  }
  auto epoch = crypto::wrapped_master_version(w->second);
  if (!epoch) {
    return make_error(Errc::kIntegrity,
                      "subject " + subject_ + ": malformed data key for class \"" + cls + "\"");
  }
  if (ring_->ring.find(*epoch) == nullptr) {
    return make_error(Errc::kUnavailable,
                      std::string(kStaleEpoch) + " (" + std::to_string(*epoch) + ")");
  }
  auto key = ring_->ring.unwrap(w->second, crypto::wrap_ad(subject_, cls, version));
  if (!key) {
    return make_error(Errc::kIntegrity, "subject " + subject_ + ": the data key of class \"" + cls +
                                            "\" does not open where it is stored");
  }
  auto [pos, inserted] = keys_.emplace(k, std::move(key).value());
  (void)inserted;
  return &pos->second;
}

std::optional<std::uint32_t> SubjectKeys::latest(const std::string& cls) const {
  std::optional<std::uint32_t> best;
  for (const auto& [k, w] : wrapped_) {
    if (k.first == cls && (!best || k.second > *best)) best = k.second;
  }
  return best;
}

bool is_stale_epoch(const Error& e) {
  return e.code == Errc::kUnavailable && e.message.rfind(kStaleEpoch, 0) == 0;
}

}  // namespace charter::vault::detail
