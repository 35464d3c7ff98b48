#include "vault/keys.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "crypto/ad.h"
#include "crypto/kdf.h"
#include "crypto/key_source.h"
#include "crypto/secret_file.h"
#include "crypto/wrap.h"
#include "vault/schema.h"

namespace charter::vault {
namespace {

constexpr std::string_view kSystemRoot = "system-root";
constexpr std::uint32_t kSystemRootVersion = 1;

std::int64_t micros(Timestamp t) { return to_unix_micros(t); }

Result<std::optional<Timestamp>> opt_time(const store::Value& v) {
  if (v.is_null()) return std::optional<Timestamp>();
  CHARTER_TRY(std::int64_t us, v.as_int());
  return std::optional<Timestamp>(from_unix_micros(us));
}

Status ensure_dir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return ok_status();
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(Errc::kUnavailable, "cannot create the key folder " + dir);
  ::chmod(dir.c_str(), 0700);
  return ok_status();
}

// The store's current epoch, locking the state row against a concurrent switch on PostgreSQL
// (SQLite write transactions are exclusive already).
Result<std::pair<std::uint32_t, std::uint32_t>> read_state(store::Transaction& tx, bool share) {
  std::string sql = "SELECT master_version, current_epoch FROM vault_state WHERE id = 1";
  if (share && tx.dialect().backend() == store::Backend::kPostgres) sql += " FOR SHARE";
  CHARTER_TRY(auto row, tx.query_one(sql));
  if (!row) {
    return make_error(Errc::kFailedPrecondition,
                      "the vault's keys are not initialised: run `charter keys init`");
  }
  CHARTER_TRY(std::int64_t master, (*row)[0].as_int(0));
  CHARTER_TRY(std::int64_t epoch, (*row)[1].as_int(1));
  return std::make_pair(static_cast<std::uint32_t>(master), static_cast<std::uint32_t>(epoch));
}

Result<std::vector<EpochInfo>> read_epochs(store::Transaction& tx) {
  std::vector<EpochInfo> out;
  CHARTER_TRY(store::Rows rows,
              tx.query("SELECT epoch, key_id, created_at, retiring_at, destroyed_at FROM "
                       "vault_epochs ORDER BY epoch"));
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    EpochInfo e;
    CHARTER_TRY(std::int64_t n, rows.get_int(0));
    CHARTER_TRY(std::string_view id, rows.get_text(1));
    CHARTER_TRY(std::int64_t created, rows.get_int(2));
    CHARTER_TRY(e.retiring_at, opt_time(rows.value(3)));
    CHARTER_TRY(e.destroyed_at, opt_time(rows.value(4)));
    e.epoch = static_cast<std::uint32_t>(n);
    e.key_id = std::string(id);
    e.created_at = from_unix_micros(created);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<EpochInfo> live_of(const std::vector<EpochInfo>& all) {
  std::vector<EpochInfo> live;
  for (const auto& e : all) {
    if (!e.destroyed_at) live.push_back(e);
  }
  return live;
}

Status check_master(store::Transaction& tx, const crypto::MasterKey& master,
                    std::uint32_t expected) {
  if (master.version() != expected) {
    return make_error(Errc::kFailedPrecondition, "the store uses master key version " +
                                                     std::to_string(expected) + ", not version " +
                                                     std::to_string(master.version()));
  }
  CHARTER_TRY(auto row, tx.query_one("SELECT key_id FROM vault_masters WHERE version = ?",
                                     {static_cast<std::int64_t>(expected)}));
  if (!row) {
    return make_error(Errc::kIntegrity,
                      "master key version " + std::to_string(expected) + " is not recorded");
  }
  CHARTER_TRY(std::string_view id, (*row)[0].as_text(0));
  if (id != master.id()) {
    return make_error(Errc::kFailedPrecondition,
                      "the master key given (id " + master.id() + ") is not master key version " +
                          std::to_string(expected) + " of this store (id " + std::string(id) +
                          "): wrong key file or variable?");
  }
  return ok_status();
}

}  // namespace

std::string MasterKeySource::describe() const {
  if (!key_file.empty()) return "key file " + key_file;
  const char* v = env_var.empty() ? nullptr : std::getenv(env_var.c_str());
  if (v && *v) return "environment variable " + env_var;
  return "key file " + default_file;
}

Result<crypto::MasterKey> load_master_key(const MasterKeySource& source, std::uint32_t version) {
  if (!source.key_file.empty()) return crypto::load_key_file(source.key_file, version);
  const char* v = source.env_var.empty() ? nullptr : std::getenv(source.env_var.c_str());
  if (v && *v) return crypto::load_key_env(source.env_var, version);
  if (source.default_file.empty()) {
    return make_error(Errc::kNotFound, "no master key: give --key-file or set " + source.env_var);
  }
  return crypto::load_key_file(source.default_file, version);
}

std::string key_dir_of(const std::string& data_folder) { return data_folder + "/keys"; }
std::string default_master_file(const std::string& data_folder) {
  return key_dir_of(data_folder) + "/master.key";
}

std::string epoch_file_name(std::uint32_t epoch, std::uint32_t master) {
  return "epoch-" + std::to_string(epoch) + ".m" + std::to_string(master) + ".key";
}

KeyService::KeyService(store::Store& store, std::string key_dir, crypto::MasterKey master,
                       const Clock& clock, Random& random)
    : store_(store),
      key_dir_(std::move(key_dir)),
      master_(std::move(master)),
      clock_(clock),
      random_(random) {}

KeyService::~KeyService() = default;

Status KeyService::initialize(store::Store& store, const std::string& key_dir,
                              const crypto::MasterKey& master, const Clock& clock, Random& random,
                              const Journal& journal) {
  if (master.empty() || master.version() != 1) {
    return make_error(Errc::kInvalidArgument, "a new vault starts with master key version 1");
  }
  CHARTER_TRY_STATUS(migrate_vault(store, clock));
  CHARTER_TRY(bool done, initialized(store));
  if (done) {
    return make_error(Errc::kAlreadyExists, "the vault's keys are initialised already");
  }
  CHARTER_TRY_STATUS(ensure_dir(key_dir));
  const std::string path = key_dir + "/" + epoch_file_name(1, 1);

  auto epoch_secret = crypto::SecretKey::generate(random);
  CHARTER_TRY(crypto::MasterKey epoch, crypto::MasterKey::from_bytes(1, epoch_secret.bytes()));
  CHARTER_TRY(crypto::WrappedKey wrapped_epoch,
              crypto::wrap(master, epoch_secret, crypto::system_key_ad("epoch", 1), random));
  auto root = crypto::SecretKey::generate(random);
  CHARTER_TRY(
      crypto::WrappedKey wrapped_root,
      crypto::wrap(epoch, root, crypto::system_key_ad(kSystemRoot, kSystemRootVersion), random));
  Status written = crypto::write_secret_file(path, wrapped_epoch);
  if (!written.ok()) {
    if (written.error().code == Errc::kAlreadyExists) {
      return make_error(Errc::kAlreadyExists,
                        "the key folder " + key_dir +
                            " already holds an epoch-1 key of another vault; use an empty folder");
    }
    return written;
  }
  auto fail = [&](Error e) -> Status {
    Status st = crypto::destroy_secret_file(path);
    (void)st;
    return e;
  };
  const std::int64_t now = micros(clock.now());
  auto tx = store.write();
  if (!tx) return fail(tx.error());
  // Re-check inside the write transaction: another process may have initialised meanwhile.
  auto again = tx->query_one("SELECT 1 FROM vault_state WHERE id = 1");
  if (!again) return fail(again.error());
  if (*again)
    return fail(make_error(Errc::kAlreadyExists, "the vault's keys are initialised already"));
  const std::int64_t one = 1;
  for (auto r :
       {tx->exec("INSERT INTO vault_masters (version, key_id, created_at) VALUES (?, ?, ?)",
                 {one, master.id(), now}),
        tx->exec("INSERT INTO vault_epochs (epoch, key_id, created_at) VALUES (?, ?, ?)",
                 {one, epoch.id(), now}),
        tx->exec(
            "INSERT INTO vault_system_keys (name, version, wrapped, epoch, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            {kSystemRoot, static_cast<std::int64_t>(kSystemRootVersion), wrapped_root, one, now}),
        tx->exec("INSERT INTO vault_state (id, master_version, current_epoch, "
                 "updated_at) VALUES (1, 1, 1, ?)",
                 {now})}) {
    if (!r) return fail(r.error());
  }
  if (journal) {
    Change c;
    c.kind = ChangeKind::kKeysInitialized;
    c.epoch = 1;
    Status st = journal(*tx, c);
    if (!st) return fail(st.error());
  }
  Status committed = tx->commit();
  if (!committed) return fail(committed.error());
  return ok_status();
}

Result<bool> KeyService::initialized(store::Store& store) {
  CHARTER_TRY(store::Transaction tx, store.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT 1 FROM vault_state WHERE id = 1"));
  return row.has_value();
}

Result<std::uint32_t> KeyService::master_version(store::Store& store) {
  CHARTER_TRY(store::Transaction tx, store.read());
  CHARTER_TRY(auto state, read_state(tx, false));
  return state.first;
}

Result<std::unique_ptr<KeyService>> KeyService::open(store::Store& store, std::string key_dir,
                                                     crypto::MasterKey master, const Clock& clock,
                                                     Random& random) {
  CHARTER_TRY_STATUS(migrate_vault(store, clock));
  std::unique_ptr<KeyService> ks(
      new KeyService(store, std::move(key_dir), std::move(master), clock, random));
  CHARTER_TRY(store::Transaction tx, store.read());
  CHARTER_TRY_STATUS(ks->load(tx));
  return ks;
}

Status KeyService::load(store::Transaction& tx) {
  CHARTER_TRY(auto state, read_state(tx, false));
  CHARTER_TRY_STATUS(check_master(tx, master_, state.first));
  CHARTER_TRY(std::vector<EpochInfo> all, read_epochs(tx));
  CHARTER_TRY(auto root_row,
              tx.query_one("SELECT wrapped FROM vault_system_keys WHERE name = ? AND version = ?",
                           {kSystemRoot, static_cast<std::int64_t>(kSystemRootVersion)}));
  if (!root_row) return make_error(Errc::kIntegrity, "the vault's system root key is missing");
  CHARTER_TRY(store::ByteView root_wrapped, (*root_row)[0].as_blob(0));
  CHARTER_TRY_STATUS(cleanup_files(all));
  CHARTER_TRY(auto ring, build_ring(live_of(all), state.second));
  CHARTER_TRY(
      crypto::SecretKey root,
      ring->ring.unwrap(root_wrapped, crypto::system_key_ad(kSystemRoot, kSystemRootVersion)));
  CHARTER_TRY(crypto::SecretKey blind_root,
              crypto::derive_subkey(root, crypto::kKdfContextBlindIndex, 1));
  CHARTER_TRY(crypto::SecretKey pseudo,
              crypto::derive_subkey(root, crypto::kKdfContextPseudonym, 1));
  {
    std::lock_guard lock(index_mu_);
    blind_root_.emplace(std::move(blind_root));
    pseudonym_key_.emplace(std::move(pseudo));
  }
  set_ring(std::move(ring));
  return ok_status();
}

Result<crypto::MasterKey> KeyService::read_epoch(std::uint32_t epoch, const std::string& key_id,
                                                 const crypto::MasterKey& master) {
  const std::string path = key_dir_ + "/" + epoch_file_name(epoch, master.version());
  auto content = crypto::read_secret_file(path, 256);
  if (!content) {
    if (content.error().code == Errc::kNotFound) {
      return make_error(Errc::kNotFound, "epoch key file " + path +
                                             " is missing (copy the key folder of another "
                                             "server, or restore it from backup)");
    }
    return content.error();
  }
  auto secret = crypto::unwrap(master, *content, crypto::system_key_ad("epoch", epoch));
  if (!secret) {
    return make_error(Errc::kIntegrity,
                      "epoch key file " + path + " does not open with the master key");
  }
  CHARTER_TRY(crypto::MasterKey key, crypto::MasterKey::from_bytes(epoch, secret->bytes()));
  if (key.id() != key_id) {
    return make_error(Errc::kIntegrity, "epoch key file " + path + " holds key " + key.id() +
                                            ", the store expects " + key_id);
  }
  return key;
}

Result<std::shared_ptr<const EpochRing>> KeyService::build_ring(const std::vector<EpochInfo>& live,
                                                                std::uint32_t current) {
  auto ring = std::make_shared<EpochRing>();
  ring->current = current;
  for (const auto& e : live) {
    CHARTER_TRY(crypto::MasterKey key, read_epoch(e.epoch, e.key_id, master_));
    CHARTER_TRY_STATUS(ring->ring.add(std::move(key)));
  }
  if (!ring->ring.current() || ring->ring.current()->version() != current) {
    return make_error(Errc::kIntegrity, "the current epoch " + std::to_string(current) +
                                            " is not the newest live one");
  }
  return std::shared_ptr<const EpochRing>(std::move(ring));
}

// Leftovers of interrupted work: files of epochs the store marks destroyed, and files under
// older master versions. Files of epochs the store does not know yet may belong to a rotation
// being started by another process: they are left alone (start_epoch replaces leftovers).
Status KeyService::cleanup_files(const std::vector<EpochInfo>& all) {
  std::set<std::uint32_t> destroyed;
  for (const auto& e : all) {
    if (e.destroyed_at) destroyed.insert(e.epoch);
  }
  std::error_code ec;
  std::filesystem::directory_iterator it(key_dir_, ec), end;
  if (ec) return make_error(Errc::kNotFound, "the key folder " + key_dir_ + " cannot be read");
  std::vector<std::string> doomed;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    unsigned epoch = 0, master = 0;
    char tail[8] = {0};
    if (std::sscanf(name.c_str(), "epoch-%u.m%u.%4s", &epoch, &master, tail) != 3) continue;
    if (name != epoch_file_name(epoch, master)) continue;
    if (master < master_.version() || destroyed.count(epoch) != 0) doomed.push_back(it->path());
  }
  for (const auto& path : doomed) {
    CHARTER_TRY_STATUS(crypto::destroy_secret_file(path));
  }
  return ok_status();
}

void KeyService::set_ring(std::shared_ptr<const EpochRing> ring) {
  std::lock_guard lock(ring_mu_);
  ring_ = std::move(ring);
}

std::shared_ptr<const EpochRing> KeyService::ring() const {
  std::lock_guard lock(ring_mu_);
  return ring_;
}

std::uint32_t KeyService::master_version() const {
  std::lock_guard lock(refresh_mu_);
  return master_.version();
}

Result<const crypto::BlindIndexKey*> KeyService::blind_index_key(std::string_view field) {
  std::lock_guard lock(index_mu_);
  auto it = index_keys_.find(field);
  if (it != index_keys_.end()) return it->second.get();
  if (!blind_root_) return make_error(Errc::kFailedPrecondition, "keys are not loaded");
  CHARTER_TRY(crypto::BlindIndexKey key, crypto::BlindIndexKey::derive(*blind_root_, field));
  auto owned = std::make_unique<crypto::BlindIndexKey>(std::move(key));
  const crypto::BlindIndexKey* ptr = owned.get();
  index_keys_.emplace(std::string(field), std::move(owned));
  return ptr;
}

Result<crypto::SecretKey> KeyService::pseudonym_key() const {
  std::lock_guard lock(index_mu_);
  if (!pseudonym_key_) return make_error(Errc::kFailedPrecondition, "keys are not loaded");
  return pseudonym_key_->clone();
}

Status KeyService::refresh() {
  std::lock_guard lock(refresh_mu_);
  CHARTER_TRY(store::Transaction tx, store_.read());
  CHARTER_TRY(auto state, read_state(tx, false));
  if (state.first != master_.version()) {
    return make_error(Errc::kFailedPrecondition,
                      "the master key was rotated to version " + std::to_string(state.first) +
                          " by another process: restart with the new master key");
  }
  CHARTER_TRY(std::vector<EpochInfo> all, read_epochs(tx));
  tx.rollback();
  auto live = live_of(all);
  auto current = ring();
  std::vector<std::uint32_t> want;
  for (const auto& e : live) want.push_back(e.epoch);
  if (current && current->current == state.second && current->ring.versions() == want) {
    return ok_status();
  }
  CHARTER_TRY(auto ring, build_ring(live, state.second));
  set_ring(std::move(ring));
  return ok_status();
}

Result<std::shared_ptr<const EpochRing>> KeyService::ring_for_write(store::Transaction& tx) {
  CHARTER_TRY(auto state, read_state(tx, true));
  auto r = ring();
  if (r && r->current == state.second) return r;
  CHARTER_TRY_STATUS(refresh());
  r = ring();
  if (!r || r->current != state.second) {
    return make_error(Errc::kUnavailable, "the key epoch changed during the transaction; retry");
  }
  return r;
}

Result<std::vector<EpochInfo>> KeyService::epochs() {
  CHARTER_TRY(store::Transaction tx, store_.read());
  return read_epochs(tx);
}

Result<std::int64_t> KeyService::rewrap_batch(std::uint32_t target, std::size_t batch, bool system,
                                              const Journal& journal) {
  auto ring = this->ring();
  if (!ring || ring->current != target) {
    return make_error(Errc::kUnavailable, "the key ring is not at the rotation's epoch");
  }
  CHARTER_TRY(store::Transaction tx, store_.write());
  struct Item {
    std::string owner, cls;
    std::int64_t version = 0;
    crypto::Bytes wrapped;
    crypto::Bytes fresh;
  };
  std::vector<Item> items;
  {
    const std::string_view sql =
        system ? "SELECT name, '', version, wrapped FROM vault_system_keys WHERE epoch < ? LIMIT ?"
               : "SELECT subject_id, class, key_version, wrapped FROM vault_keys WHERE epoch < ? "
                 "LIMIT ?";
    CHARTER_TRY(store::Rows rows, tx.query(sql, {static_cast<std::int64_t>(target),
                                                 static_cast<std::int64_t>(batch)}));
    while (true) {
      CHARTER_TRY(bool more, rows.next());
      if (!more) break;
      Item it;
      CHARTER_TRY(std::string_view owner, rows.get_text(0));
      CHARTER_TRY(std::string_view cls, rows.get_text(1));
      CHARTER_TRY(it.version, rows.get_int(2));
      CHARTER_TRY(store::ByteView w, rows.get_blob(3));
      it.owner = std::string(owner);
      it.cls = std::string(cls);
      it.wrapped.assign(w.begin(), w.end());
      items.push_back(std::move(it));
    }
  }
  if (items.empty()) return std::int64_t{0};
  for (auto& it : items) {
    const auto version = static_cast<std::uint32_t>(it.version);
    crypto::Bytes ad = system ? crypto::system_key_ad(it.owner, version)
                              : crypto::wrap_ad(it.owner, it.cls, version);
    CHARTER_TRY(it.fresh, ring->ring.rewrap_to_current(it.wrapped, ad, random_));
  }
  const std::int64_t epoch = target;
  std::vector<store::Param> params;
  params.reserve(items.size() * 6);
  for (const auto& it : items) {
    params.insert(params.end(),
                  {store::Param(it.fresh), store::Param(epoch), store::Param(it.owner)});
    if (!system) params.emplace_back(it.cls);
    params.insert(params.end(), {store::Param(it.version), store::Param(it.wrapped)});
  }
  // Compare-and-set on the old bytes: a concurrent erasure or re-keying wins.
  CHARTER_TRY(std::int64_t changed,
              system ? tx.exec_many("UPDATE vault_system_keys SET wrapped = ?, epoch = ? WHERE "
                                    "name = ? AND version = ? AND wrapped = ?",
                                    params, 5)
                     : tx.exec_many("UPDATE vault_keys SET wrapped = ?, epoch = ? WHERE "
                                    "subject_id = ? AND class = ? AND key_version = ? AND "
                                    "wrapped = ?",
                                    params, 6));
  if (journal && changed > 0) {
    Change c;
    c.kind = ChangeKind::kKeysRewrapped;
    c.epoch = target;
    c.count = changed;
    CHARTER_TRY_STATUS(journal(tx, c));
  }
  CHARTER_TRY_STATUS(tx.commit());
  return changed;
}

Status KeyService::start_epoch(std::uint32_t previous, std::uint32_t target,
                               const Journal& journal) {
  auto secret = crypto::SecretKey::generate(random_);
  CHARTER_TRY(crypto::MasterKey key, crypto::MasterKey::from_bytes(target, secret.bytes()));
  CHARTER_TRY(crypto::WrappedKey wrapped,
              crypto::wrap(master_, secret, crypto::system_key_ad("epoch", target), random_));
  const std::string path = key_dir_ + "/" + epoch_file_name(target, master_.version());
  bool file_written = false;
  Status started = [&]() -> Status {
    // The file is written while the epoch lock is held, so a file for an epoch the store does
    // not know is either being started under this lock or a leftover of a crash: replace it.
    CHARTER_TRY(store::Transaction w, store_.write());
    CHARTER_TRY_STATUS(w.lock("charter.vault.epoch"));
    CHARTER_TRY(auto state, read_state(w, false));
    if (state.second != previous) {
      return make_error(Errc::kConflict, "another rotation started meanwhile; retry");
    }
    Status gone = crypto::destroy_secret_file(path);
    if (!gone.ok() && gone.error().code != Errc::kNotFound) return gone;
    CHARTER_TRY_STATUS(crypto::write_secret_file(path, wrapped));
    file_written = true;
    const std::int64_t now = micros(clock_.now());
    const std::int64_t n = target;
    CHARTER_TRY(auto a, w.exec("INSERT INTO vault_epochs (epoch, key_id, created_at) VALUES "
                               "(?, ?, ?)",
                               {n, key.id(), now}));
    CHARTER_TRY(auto b, w.exec("UPDATE vault_epochs SET retiring_at = ? WHERE epoch < ? AND "
                               "destroyed_at IS NULL AND retiring_at IS NULL",
                               {now, n}));
    // Takes the state row's lock: on PostgreSQL this waits for the writers that read the old
    // epoch FOR SHARE; every writer after it wraps under the new epoch.
    CHARTER_TRY(auto c, w.exec("UPDATE vault_state SET current_epoch = ?, updated_at = ? WHERE "
                               "id = 1",
                               {n, now}));
    (void)a;
    (void)b;
    (void)c;
    if (journal) {
      Change ch;
      ch.kind = ChangeKind::kEpochStarted;
      ch.epoch = target;
      CHARTER_TRY_STATUS(journal(w, ch));
    }
    return w.commit();
  }();
  if (!started) {
    if (file_written) {
      Status st = crypto::destroy_secret_file(path);
      (void)st;
    }
    return started.error();
  }
  return ok_status();
}

Result<std::optional<std::vector<std::uint32_t>>> KeyService::destroy_old_epochs(
    std::uint32_t target, const Journal& journal) {
  CHARTER_TRY(store::Transaction w, store_.write());
  CHARTER_TRY_STATUS(w.lock("charter.vault.epoch"));
  const std::int64_t n = target;
  CHARTER_TRY(auto left, w.query_one("SELECT (SELECT COUNT(*) FROM vault_keys WHERE epoch < ?) + "
                                     "(SELECT COUNT(*) FROM vault_system_keys WHERE epoch < ?)",
                                     {n, n}));
  if (!left) return make_error(Errc::kInternal, "count of keys under old epochs: no row");
  CHARTER_TRY(std::int64_t remaining, (*left)[0].as_int(0));
  if (remaining > 0) return std::optional<std::vector<std::uint32_t>>();
  CHARTER_TRY(std::vector<EpochInfo> all, read_epochs(w));
  std::vector<std::uint32_t> destroyed;
  for (const auto& e : all) {
    if (!e.destroyed_at && e.epoch < target) destroyed.push_back(e.epoch);
  }
  const std::int64_t now = micros(clock_.now());
  CHARTER_TRY(auto a, w.exec("UPDATE vault_epochs SET destroyed_at = ? WHERE epoch < ? AND "
                             "destroyed_at IS NULL",
                             {now, n}));
  // Erasures made while an older epoch was live are complete once it is destroyed.
  CHARTER_TRY(auto b, w.exec("UPDATE vault_erasures SET complete_at = ? WHERE complete_at IS "
                             "NULL AND epoch < ?",
                             {now, n}));
  (void)a;
  (void)b;
  if (journal) {
    for (std::uint32_t e : destroyed) {
      Change ch;
      ch.kind = ChangeKind::kEpochDestroyed;
      ch.epoch = e;
      CHARTER_TRY_STATUS(journal(w, ch));
    }
  }
  CHARTER_TRY_STATUS(w.commit());
  // The store says destroyed: overwrite and unlink the files, then drop the keys from memory.
  for (std::uint32_t e : destroyed) {
    Status st = crypto::destroy_secret_file(key_dir_ + "/" + epoch_file_name(e, master_.version()));
    if (!st.ok() && st.error().code != Errc::kNotFound) return st.error();
  }
  return std::optional<std::vector<std::uint32_t>>(std::move(destroyed));
}

Result<RotationReport> KeyService::rotate(const Journal& journal, std::size_t batch) {
  std::lock_guard rotation(rotate_mu_);
  RotationReport report;
  if (batch == 0) batch = 1;

  // 1. Start a new epoch, unless a rotation was left half done (older live epochs remain):
  // then finish that one.
  std::uint32_t target = 0;
  {
    CHARTER_TRY(store::Transaction tx, store_.read());
    CHARTER_TRY(auto state, read_state(tx, false));
    if (state.first != master_.version()) {
      return make_error(Errc::kFailedPrecondition,
                        "the master key was rotated by another process: restart with the new key");
    }
    CHARTER_TRY(std::vector<EpochInfo> all, read_epochs(tx));
    tx.rollback();
    if (live_of(all).size() > 1) {
      target = state.second;
    } else {
      target = (all.empty() ? 0 : all.back().epoch) + 1;
      CHARTER_TRY_STATUS(start_epoch(state.second, target, journal));
    }
  }
  CHARTER_TRY_STATUS(refresh());

  // 2. Rewrap every key under an older epoch, in short batches (the vault stays in use).
  // 3. When none is left, destroy the older epochs. After the switch of step 1 no writer wraps
  // under an old epoch (SQLite writers are exclusive; PostgreSQL writers hold the state row FOR
  // SHARE), so one pass normally suffices; the count is re-checked under the lock anyway.
  for (int pass = 0; pass < 10; ++pass) {
    for (bool system : {false, true}) {
      while (true) {
        CHARTER_TRY(std::int64_t n, rewrap_batch(target, batch, system, journal));
        if (n == 0) break;
        ++report.batches;
        (system ? report.system_keys_rewrapped : report.keys_rewrapped) += n;
      }
    }
    CHARTER_TRY(auto destroyed, destroy_old_epochs(target, journal));
    if (!destroyed) continue;
    CHARTER_TRY_STATUS(refresh());
    report.epoch = target;
    report.destroyed_epochs = std::move(*destroyed);
    return report;
  }
  return make_error(Errc::kUnavailable,
                    "keys under the old epoch keep appearing (a process with a stale key ring?); "
                    "run the rotation again");
}

Result<MasterRotationReport> KeyService::rotate_master(crypto::MasterKey next,
                                                       const Journal& journal) {
  std::lock_guard rotation(rotate_mu_);
  const std::uint32_t from = master_.version();
  if (next.empty() || next.version() != from + 1) {
    return make_error(Errc::kInvalidArgument,
                      "the new master key must have version " + std::to_string(from + 1));
  }
  if (next.id() == master_.id()) {
    return make_error(Errc::kInvalidArgument, "the new master key is the current one");
  }
  CHARTER_TRY(store::Transaction rtx, store_.read());
  CHARTER_TRY(std::vector<EpochInfo> all, read_epochs(rtx));
  rtx.rollback();
  auto live = live_of(all);
  MasterRotationReport report;
  report.from_version = from;
  report.to_version = next.version();
  report.key_id = next.id();
  std::vector<std::string> written;
  auto undo = [&](Error e) -> Error {
    for (const auto& p : written) {
      Status st = crypto::destroy_secret_file(p);
      (void)st;
    }
    return e;
  };
  for (const auto& e : live) {
    const std::string old_path = key_dir_ + "/" + epoch_file_name(e.epoch, from);
    CHARTER_TRY(crypto::Bytes content, crypto::read_secret_file(old_path, 256));
    auto ad = crypto::system_key_ad("epoch", e.epoch);
    auto secret = crypto::unwrap(master_, content, ad);
    if (!secret)
      return undo(make_error(Errc::kIntegrity, "epoch key file " + old_path + " does not open"));
    auto wrapped = crypto::wrap(next, *secret, ad, random_);
    if (!wrapped) return undo(wrapped.error());
    const std::string path = key_dir_ + "/" + epoch_file_name(e.epoch, next.version());
    // A file left by an interrupted earlier attempt is replaced.
    Status gone = crypto::destroy_secret_file(path);
    (void)gone;
    Status st = crypto::write_secret_file(path, *wrapped);
    if (!st) return undo(st.error());
    written.push_back(path);
    ++report.epoch_files;
  }
  Status committed = [&]() -> Status {
    CHARTER_TRY(store::Transaction w, store_.write());
    CHARTER_TRY_STATUS(w.lock("charter.vault.epoch"));
    CHARTER_TRY(auto state, read_state(w, false));
    if (state.first != from) {
      return make_error(Errc::kConflict, "the master key was rotated by another process");
    }
    const std::int64_t now = micros(clock_.now());
    CHARTER_TRY(auto a, w.exec("INSERT INTO vault_masters (version, key_id, created_at) VALUES "
                               "(?, ?, ?)",
                               {static_cast<std::int64_t>(next.version()), next.id(), now}));
    CHARTER_TRY(auto b, w.exec("UPDATE vault_masters SET retired_at = ? WHERE version = ?",
                               {now, static_cast<std::int64_t>(from)}));
    CHARTER_TRY(auto c, w.exec("UPDATE vault_state SET master_version = ?, updated_at = ? WHERE "
                               "id = 1",
                               {static_cast<std::int64_t>(next.version()), now}));
    (void)a;
    (void)b;
    (void)c;
    if (journal) {
      Change ch;
      ch.kind = ChangeKind::kMasterRotated;
      ch.epoch = next.version();
      CHARTER_TRY_STATUS(journal(w, ch));
    }
    return w.commit();
  }();
  if (!committed) return undo(committed.error());
  for (const auto& e : live) {
    Status st = crypto::destroy_secret_file(key_dir_ + "/" + epoch_file_name(e.epoch, from));
    (void)st;
  }
  {
    std::lock_guard lock(refresh_mu_);
    master_ = std::move(next);
  }
  return report;
}

}  // namespace charter::vault
