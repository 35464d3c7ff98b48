#include "retention/legal_holds.h"

#include "core/id.h"

namespace charter::retention {
namespace {

Status check_reason(std::string_view field, std::string_view reason) {
  if (reason.empty() || reason.size() > 500) {
    return make_error(Errc::kInvalidArgument, std::string(field) +
                                                  ": required, 1 to 500 characters (the dispute, "
                                                  "without personal data)");
  }
  for (unsigned char c : reason) {
    if (c < 0x20 && c != '\n' && c != '\t') {
      return make_error(Errc::kInvalidArgument,
                        std::string(field) + ": control characters are not allowed");
    }
  }
  return ok_status();
}

Status check_actor(std::string_view actor) {
  if (!is_valid_id(actor, "stf")) {
    return make_error(Errc::kInvalidArgument, "actor: a staff id (\"stf_...\") is required");
  }
  return ok_status();
}

std::int64_t us(Timestamp t) { return to_unix_micros(t); }

Result<LegalHold> read_hold(const store::Rows& r) {
  LegalHold h;
  CHARTER_TRY(auto sid, r.get_text(0));
  CHARTER_TRY(auto hid, r.get_text(1));
  CHARTER_TRY(auto placed_at, r.get_int(2));
  CHARTER_TRY(auto by, r.get_text(3));
  CHARTER_TRY(auto reason, r.get_text(4));
  h.subject_id = sid;
  h.hold_id = hid;
  h.placed_at = from_unix_micros(placed_at);
  h.placed_by = by;
  h.reason = reason;
  if (!r.is_null(5)) {
    CHARTER_TRY(auto at, r.get_int(5));
    h.released_at = from_unix_micros(at);
    CHARTER_TRY(auto rb, r.get_text(6));
    CHARTER_TRY(auto rr, r.get_text(7));
    h.released_by = rb;
    h.release_reason = rr;
  }
  return h;
}

constexpr std::string_view kCols =
    "subject_id, hold_id, placed_at, placed_by, reason, released_at, released_by, release_reason";

}  // namespace

Result<LegalHold> LegalHolds::place(std::string_view subject_id, std::string_view actor,
                                    std::string_view reason) {
  if (!is_valid_id(subject_id, "sub")) {
    return make_error(Errc::kInvalidArgument, "subject: a subject id (\"sub_...\") is required");
  }
  CHARTER_TRY_STATUS(check_actor(actor));
  CHARTER_TRY_STATUS(check_reason("reason", reason));
  LegalHold h;
  h.hold_id = new_id(random_, "hld");
  h.subject_id = subject_id;
  h.placed_at = clock_.now();
  h.placed_by = actor;
  h.reason = reason;
  CHARTER_TRY(store::Transaction tx, store_.write());
  CHARTER_TRY(auto exists,
              tx.query_one("SELECT 1 FROM vault_subjects WHERE subject_id = ?", {subject_id}));
  if (!exists) return make_error(Errc::kNotFound, "subject: no such subject");
  CHARTER_TRY(auto n, tx.exec("INSERT INTO retention_holds (subject_id, hold_id, placed_at, "
                              "placed_by, reason) VALUES (?, ?, ?, ?, ?)",
                              {h.subject_id, h.hold_id, us(h.placed_at), h.placed_by, h.reason}));
  (void)n;
  if (on_change_) CHARTER_TRY_STATUS(on_change_(tx, {true, h.hold_id, h.subject_id, h.placed_by}));
  CHARTER_TRY_STATUS(tx.commit());
  return h;
}

Result<LegalHold> LegalHolds::release(std::string_view hold_id, std::string_view actor,
                                      std::string_view reason) {
  if (!is_valid_id(hold_id, "hld")) {
    return make_error(Errc::kInvalidArgument, "hold: a hold id (\"hld_...\") is required");
  }
  CHARTER_TRY_STATUS(check_actor(actor));
  CHARTER_TRY_STATUS(check_reason("reason", reason));
  CHARTER_TRY(store::Transaction tx, store_.write());
  std::optional<LegalHold> found;
  {
    CHARTER_TRY(store::Rows r,
                tx.query("SELECT " + std::string(kCols) + " FROM retention_holds WHERE hold_id = ?",
                         {hold_id}));
    CHARTER_TRY(bool more, r.next());
    if (more) {
      CHARTER_TRY(found, read_hold(r));
    }
  }
  if (!found) return make_error(Errc::kNotFound, "hold: no such hold");
  if (!found->active()) {
    return make_error(Errc::kFailedPrecondition, "hold " + found->hold_id + " is released already");
  }
  found->released_at = clock_.now();
  found->released_by = actor;
  found->release_reason = reason;
  CHARTER_TRY(auto n, tx.exec("UPDATE retention_holds SET released_at = ?, released_by = ?, "
                              "release_reason = ? WHERE subject_id = ? AND hold_id = ?",
                              {us(*found->released_at), found->released_by, found->release_reason,
                               found->subject_id, found->hold_id}));
  (void)n;
  if (on_change_) {
    CHARTER_TRY_STATUS(
        on_change_(tx, {false, found->hold_id, found->subject_id, std::string(actor)}));
  }
  CHARTER_TRY_STATUS(tx.commit());
  return *found;
}

Result<std::vector<LegalHold>> LegalHolds::list(std::string_view subject_id, bool active_only) {
  std::string sql = "SELECT " + std::string(kCols) + " FROM retention_holds";
  std::vector<store::Param> params;
  std::string where;
  if (!subject_id.empty()) {
    where = " WHERE subject_id = ?";
    params.emplace_back(subject_id);
  }
  if (active_only)
    where += where.empty() ? " WHERE released_at IS NULL" : " AND released_at IS NULL";
  sql += where + " ORDER BY placed_at, hold_id";
  CHARTER_TRY(store::Transaction tx, store_.read());
  CHARTER_TRY(store::Rows r, tx.query(sql, params));
  std::vector<LegalHold> out;
  while (true) {
    CHARTER_TRY(bool more, r.next());
    if (!more) break;
    CHARTER_TRY(auto h, read_hold(r));
    out.push_back(std::move(h));
  }
  return out;
}

Result<bool> LegalHolds::held(std::string_view subject_id) {
  CHARTER_TRY(store::Transaction tx, store_.read());
  return held(tx, subject_id);
}

Result<bool> LegalHolds::held(store::Transaction& tx, std::string_view subject_id) {
  CHARTER_TRY(auto row, tx.query_one("SELECT 1 FROM retention_holds WHERE subject_id = ? AND "
                                     "released_at IS NULL",
                                     {subject_id}));
  return row.has_value();
}

}  // namespace charter::retention
