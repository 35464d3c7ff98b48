#include "audit/db_log_store.h"

#include <cstring>

#include "store/migrate.h"

namespace charter::audit {
namespace {

// Migrations are only ever added, never edited once released.
const store::Migration kAuditMigrations[] = {
    {1, "audit entries and signed tree heads",
     // SQLite (INTEGER PRIMARY KEY: the 64-bit rowid, rows stored in sequence order)
     "CREATE TABLE audit_entries ("
     " seq INTEGER PRIMARY KEY,"
     " subject TEXT NOT NULL,"
     " entry {blob} NOT NULL,"
     " leaf_hash {blob} NOT NULL);"
     "CREATE INDEX audit_entries_subject ON audit_entries (subject, seq);"
     "CREATE TABLE audit_heads ("
     " tree_size INTEGER PRIMARY KEY,"
     " root_hash {blob} NOT NULL,"
     " time_us BIGINT NOT NULL,"
     " signature {blob} NOT NULL);"
     "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries"
     " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
     "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries"
     " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
     "CREATE TRIGGER audit_heads_no_update BEFORE UPDATE ON audit_heads"
     " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
     "CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads"
     " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
     // PostgreSQL
     "CREATE TABLE audit_entries ("
     " seq BIGINT PRIMARY KEY,"
     " subject TEXT NOT NULL,"
     " entry {blob} NOT NULL,"
     " leaf_hash {blob} NOT NULL);"
     "CREATE INDEX audit_entries_subject ON audit_entries (subject, seq);"
     "CREATE TABLE audit_heads ("
     " tree_size BIGINT PRIMARY KEY,"
     " root_hash {blob} NOT NULL,"
     " time_us BIGINT NOT NULL,"
     " signature {blob} NOT NULL);"
     "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
     " $$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;"
     "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries"
     " FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
     "CREATE TRIGGER audit_heads_append_only BEFORE UPDATE OR DELETE ON audit_heads"
     " FOR EACH ROW EXECUTE FUNCTION audit_append_only();"},
};

constexpr std::string_view kSelectEntries =
    "SELECT seq, subject, entry, leaf_hash FROM audit_entries";

Error corrupt_column(std::string_view what) {
  return make_error(Errc::kIntegrity, "audit store: " + std::string(what));
}

Result<StoredEntry> read_entry(store::Rows& rows) {
  StoredEntry e;
  CHARTER_TRY(std::int64_t seq, rows.get_int(0));
  CHARTER_TRY(std::string_view subject, rows.get_text(1));
  CHARTER_TRY(store::ByteView entry, rows.get_blob(2));
  CHARTER_TRY(store::ByteView hash, rows.get_blob(3));
  // A damaged row is returned as it is, for the verifier to judge; only shapes that cannot be
  // represented are errors.
  if (seq < 0) return corrupt_column("negative sequence number");
  e.sequence = static_cast<std::uint64_t>(seq);
  e.subject = subject;
  e.encoded.assign(entry.begin(), entry.end());
  if (hash.size() == e.leaf_hash.size())
    std::memcpy(e.leaf_hash.data(), hash.data(), hash.size());
  else
    e.leaf_hash = Hash{};  // cannot match any entry: reported as a leaf hash mismatch
  return e;
}

Result<std::vector<StoredEntry>> read_entries(store::Store& db, std::string_view sql,
                                              std::initializer_list<store::Param> params,
                                              std::size_t reserve) {
  CHARTER_TRY(store::Transaction tx, db.read());
  CHARTER_TRY(store::Rows rows, tx.query(sql, params));
  std::vector<StoredEntry> out;
  out.reserve(reserve);
  for (;;) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(StoredEntry e, read_entry(rows));
    out.push_back(std::move(e));
  }
  return out;
}

Result<SignedTreeHead> read_head(store::Rows& rows) {
  SignedTreeHead h;
  CHARTER_TRY(std::int64_t size, rows.get_int(0));
  CHARTER_TRY(store::ByteView root, rows.get_blob(1));
  CHARTER_TRY(std::int64_t time, rows.get_int(2));
  CHARTER_TRY(store::ByteView sig, rows.get_blob(3));
  if (size < 0) return corrupt_column("negative tree size");
  h.head.tree_size = static_cast<std::uint64_t>(size);
  h.head.time = from_unix_micros(time);
  // Wrong lengths leave zeros: the signature then fails and the verifier reports the head.
  if (root.size() == h.head.root.size()) std::memcpy(h.head.root.data(), root.data(), root.size());
  if (sig.size() == h.signature.size()) std::memcpy(h.signature.data(), sig.data(), sig.size());
  return h;
}

Result<std::vector<SignedTreeHead>> read_heads(store::Store& db, std::string_view sql) {
  CHARTER_TRY(store::Transaction tx, db.read());
  CHARTER_TRY(store::Rows rows, tx.query(sql));
  std::vector<SignedTreeHead> out;
  for (;;) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(SignedTreeHead h, read_head(rows));
    out.push_back(h);
  }
  return out;
}

Result<std::uint64_t> next_sequence(store::Transaction& tx) {
  CHARTER_TRY(auto row, tx.query_one("SELECT MAX(seq) FROM audit_entries"));
  if (!row || (*row)[0].is_null()) return std::uint64_t{0};
  CHARTER_TRY(std::int64_t max, (*row)[0].as_int(0));
  return static_cast<std::uint64_t>(max) + 1;
}

constexpr std::size_t kMaxInt64 = static_cast<std::size_t>(INT64_MAX);

constexpr std::size_t kRowsPerInsert = 256;

const std::string& multi_row_insert() {
  static const std::string sql = [] {
    std::string s = "INSERT INTO audit_entries (seq, subject, entry, leaf_hash) VALUES ";
    for (std::size_t i = 0; i < kRowsPerInsert; ++i) s += i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)";
    return s;
  }();
  return sql;
}

}  // namespace

Result<std::unique_ptr<DbLogStore>> DbLogStore::open(store::Store& db, const Clock& clock) {
  CHARTER_TRY_STATUS(store::migrate(db, "audit", kAuditMigrations, clock));
  return std::unique_ptr<DbLogStore>(new DbLogStore(db));
}

Result<std::uint64_t> DbLogStore::size() {
  CHARTER_TRY(store::Transaction tx, db_.read());
  return next_sequence(tx);
}

Status DbLogStore::insert_head(store::Transaction& tx, const SignedTreeHead& h) {
  const auto size = static_cast<std::int64_t>(h.head.tree_size);
  CHARTER_TRY(auto existing,
              tx.query_one("SELECT tree_size, root_hash, time_us, signature FROM audit_heads "
                           "WHERE tree_size = ?",
                           {size}));
  if (existing) {
    SignedTreeHead old;
    old.head.tree_size = h.head.tree_size;
    CHARTER_TRY(store::ByteView root, (*existing)[1].as_blob(1));
    CHARTER_TRY(std::int64_t time, (*existing)[2].as_int(2));
    CHARTER_TRY(store::ByteView sig, (*existing)[3].as_blob(3));
    const bool same = store::Bytes(root.begin(), root.end()) ==
                          store::Bytes(h.head.root.begin(), h.head.root.end()) &&
                      time == to_unix_micros(h.head.time) &&
                      store::Bytes(sig.begin(), sig.end()) ==
                          store::Bytes(h.signature.begin(), h.signature.end());
    if (!same)
      return make_error(Errc::kConflict, "audit store: another head with this size exists");
    return ok_status();
  }
  CHARTER_TRY(auto n, tx.exec("INSERT INTO audit_heads (tree_size, root_hash, time_us, signature) "
                              "VALUES (?, ?, ?, ?)",
                              {size, store::ByteView(h.head.root), to_unix_micros(h.head.time),
                               store::ByteView(h.signature)}));
  (void)n;
  return ok_status();
}

Status DbLogStore::append(std::span<const StoredEntry> entries, const SignedTreeHead* head) {
  CHARTER_TRY(store::Transaction tx, db_.write());
  CHARTER_TRY_STATUS(tx.lock("charter.audit"));
  if (!entries.empty()) {
    CHARTER_TRY(std::uint64_t next, next_sequence(tx));
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].sequence != next + i || entries[i].sequence > kMaxInt64)
        return make_error(Errc::kConflict, "audit store: append out of sequence (expected " +
                                               std::to_string(next + i) + ")");
    }
    std::vector<store::Param> params;
    params.reserve(entries.size() * 4);
    for (const StoredEntry& e : entries) {
      params.emplace_back(static_cast<std::int64_t>(e.sequence));
      params.emplace_back(std::string_view(e.subject));
      params.emplace_back(store::ByteView(e.encoded));
      params.emplace_back(store::ByteView(e.leaf_hash));
    }
    // Many rows per statement: one statement execution per kRowsPerInsert rows costs less
    // than one per row (measured in bench/audit_bench.cc, BM_StoreAppendDb).
    const std::size_t whole = entries.size() / kRowsPerInsert * kRowsPerInsert;
    std::span<const store::Param> all(params);
    if (whole > 0) {
      CHARTER_TRY(auto n,
                  tx.exec_many(multi_row_insert(), all.first(whole * 4), kRowsPerInsert * 4));
      (void)n;
    }
    if (whole < entries.size()) {
      CHARTER_TRY(auto n, tx.exec_many("INSERT INTO audit_entries (seq, subject, entry, leaf_hash) "
                                       "VALUES (?, ?, ?, ?)",
                                       all.subspan(whole * 4), 4));
      (void)n;
    }
  }
  if (head) CHARTER_TRY_STATUS(insert_head(tx, *head));
  return tx.commit();
}

Status DbLogStore::put_head(const SignedTreeHead& head) {
  return append(std::span<const StoredEntry>(), &head);
}

Result<std::vector<StoredEntry>> DbLogStore::read(std::uint64_t from_sequence, std::size_t limit) {
  if (from_sequence > kMaxInt64) return std::vector<StoredEntry>();
  const auto lim = static_cast<std::int64_t>(std::min(limit, kMaxInt64));
  return read_entries(db_, std::string(kSelectEntries) + " WHERE seq >= ? ORDER BY seq LIMIT ?",
                      {static_cast<std::int64_t>(from_sequence), lim}, std::min(limit, 65536ul));
}

Result<std::vector<SignedTreeHead>> DbLogStore::heads() {
  return read_heads(db_,
                    "SELECT tree_size, root_hash, time_us, signature FROM audit_heads "
                    "ORDER BY tree_size");
}

Result<std::optional<SignedTreeHead>> DbLogStore::latest_head() {
  CHARTER_TRY(auto heads, read_heads(db_,
                                     "SELECT tree_size, root_hash, time_us, signature FROM "
                                     "audit_heads ORDER BY tree_size DESC LIMIT 1"));
  if (heads.empty()) return std::optional<SignedTreeHead>();
  return std::optional<SignedTreeHead>(heads[0]);
}

Result<std::vector<StoredEntry>> DbLogStore::read_subject(std::string_view pseudonym,
                                                          std::uint64_t from_sequence,
                                                          std::size_t limit) {
  if (from_sequence > kMaxInt64) return std::vector<StoredEntry>();
  const auto lim = static_cast<std::int64_t>(std::min(limit, kMaxInt64));
  return read_entries(
      db_, std::string(kSelectEntries) + " WHERE subject = ? AND seq >= ? ORDER BY seq LIMIT ?",
      {pseudonym, static_cast<std::int64_t>(from_sequence), lim},
      std::min<std::size_t>(limit, 1024));
}

}  // namespace charter::audit
