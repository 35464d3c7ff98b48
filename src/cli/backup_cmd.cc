// `charter backup` and `charter restore` (docs/RELIABILITY.md "Backup and restore").
//
// backup --data DIR --out FILE: online copies (store/sqlite_backup.h) of charter.db, then
// audit.db (in that order: every change in the charter.db copy has its audit entries in the
// audit.db copy), plus the files of DIR/keys (epoch key files, wrapped under the master key;
// the audit signing key and public key; never master.key), sealed into one archive
// (cli/backup_archive.h) under the master key. Safe while `charter serve` runs. SQLite only: a
// PostgreSQL store is backed up with pg_dump.
//
// restore --data DIR --in FILE: authenticates and unpacks the whole archive into a folder beside
// DIR first; only when all of it is sound are charter.db and audit.db replaced (their -wal and
// -shm removed) and the epoch files written. A damaged archive or a wrong key leaves DIR as it
// was. Then the erasure journal (cli/erasure_journal.h) is re-applied: every subject erased
// since is erased again (its erasure audited in the restored log). The server must be stopped.
// restore --replay-erasures [--database URL]: only the journal step (after pg_restore).
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli/areas.h"
#include "cli/backup_archive.h"
#include "cli/common.h"
#include "cli/erasure_journal.h"
#include "cli/vault_cli.h"
#include "consent/ledger.h"
#include "crypto/key_ring.h"
#include "policy/loader.h"
#include "store/open.h"
#include "store/sqlite_backup.h"
#include "vault/keys.h"

namespace charter::cli {
namespace {

namespace fs = std::filesystem;

struct BackupOpts {
  VaultOptions vault;
  std::string out;
  std::string in;
  bool replay_only = false;
};

// A temporary folder beside `near` (same file system: renames are atomic), removed at scope end.
struct TempDir {
  std::string path;
  explicit TempDir(const fs::path& near) {
    std::error_code ec;
    fs::create_directories(near, ec);
    std::string tmpl = (near / ".charter-backup.XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

Result<crypto::MasterKey> master_for(const VaultOptions& opts, std::uint32_t version) {
  return vault::load_master_key(master_source(opts), version);
}

int backup(const BackupOpts& o) {
  if (!o.vault.store.database.empty()) {
    return fail(make_error(Errc::kUnsupported,
                           "charter backup copies the embedded SQLite store; back up PostgreSQL "
                           "with pg_dump (docs/RELIABILITY.md)"));
  }
  const fs::path data(o.vault.store.data);
  const std::string db = (data / "charter.db").string();
  if (!fs::exists(db)) {
    return fail(make_error(Errc::kNotFound, "no store in " + o.vault.store.data));
  }
  std::error_code ec;
  std::uint32_t version = 0;
  {
    auto store = store::open_store(o.vault.store.data);
    if (!store) return fail(store.error());
    auto v = vault::KeyService::master_version(**store);
    if (!v) return fail(v.error());
    version = *v;
  }
  auto master = master_for(o.vault, version);
  if (!master) return fail(master.error());
  TempDir tmp(fs::absolute(o.out).parent_path());
  if (tmp.path.empty()) {
    return fail(make_error(Errc::kUnavailable, "cannot make a temporary folder beside " + o.out));
  }
  std::vector<ArchiveFile> files;
  for (const char* name : {"charter.db", store::kAuditDbFile}) {
    const std::string src = (data / name).string();
    if (!fs::exists(src)) continue;
    const std::string copy = (fs::path(tmp.path) / name).string();
    if (auto s = store::backup_sqlite_file(src, copy); !s) return fail(s.error());
    files.push_back({name, copy, 0});
  }
  const fs::path keys = vault::key_dir_of(o.vault.store.data);
  for (const auto& e : fs::directory_iterator(keys, ec)) {
    const std::string name = e.path().filename().string();
    // Epoch key files (wrapped under the master key) and the audit signing key and public key;
    // never the master key (the archive is sealed with it).
    if (!e.is_regular_file() || name == "master.key" ||
        (!o.vault.key_file.empty() && fs::equivalent(e.path(), o.vault.key_file, ec))) {
      continue;
    }
    files.push_back({"keys/" + name, e.path().string(), 0});
  }
  SystemRandom random;
  auto written = write_archive(files, *master, o.out, random);
  if (!written) return fail(written.error());
  std::uint64_t total = 0;
  for (const auto& f : *written) {
    std::printf("%s %llu bytes\n", f.name.c_str(), static_cast<unsigned long long>(f.size));
    total += f.size;
  }
  std::printf("backup written to %s (%zu files, %llu bytes before sealing)\n", o.out.c_str(),
              written->size(), static_cast<unsigned long long>(total));
  return 0;
}

// Erases again every journalled subject still present. Returns the count re-applied. Opens the
// vault (audited, not journalled: the journal has it) and the consent ledger, nothing else (no
// first DPO is created in a restored store).
Result<int> replay_erasures(const VaultOptions& opts) {
  ErasureJournal journal(erasure_journal_path(opts.erasure_journal, opts.store.data));
  CHARTER_TRY(auto entries, journal.read_all());
  VaultOptions o = opts;
  o.journal_erasures = false;
  CHARTER_TRY(auto v, open_vault(o));
  CHARTER_TRY(std::uint32_t version, vault::KeyService::master_version(*v->store));
  CHARTER_TRY(crypto::MasterKey key, vault::load_master_key(master_source(o), version));
  crypto::KeyRing ring;
  CHARTER_TRY_STATUS(ring.add(std::move(key)));
  auto policy = std::make_shared<const policy::Policy>(v->policy);
  consent::LedgerOptions lo;
  lo.audit = v->trail.get();
  CHARTER_TRY(auto ledger,
              consent::ConsentLedger::open(*v->store, policy, v->clock, v->random, ring, lo));
  int applied = 0;
  for (const auto& e : entries) {
    vault::ErasureRequest req;
    req.subject_id = e.subject_id;
    if (!e.kept.empty()) req.classes = e.destroyed;  // a partial erasure: the same classes
    auto report = v->vault->erase(req);
    if (!report) {
      // Not in this backup (created after it), or erased in it already: nothing to do.
      if (report.error().code == Errc::kNotFound ||
          report.error().code == Errc::kFailedPrecondition) {
        continue;
      }
      return report.error();
    }
    if (report->status_after == vault::SubjectStatus::kErased) {
      CHARTER_TRY_STATUS(ledger->erase_subject(e.subject_id));
    }
    ++applied;
  }
  std::printf("erasure journal %s: %zu entries, %d erasure(s) re-applied\n", journal.path().c_str(),
              entries.size(), applied);
  return applied;
}

int restore(const BackupOpts& o) {
  if (o.replay_only) {
    auto n = replay_erasures(o.vault);
    return n ? 0 : fail(n.error());
  }
  if (!o.vault.store.database.empty()) {
    return fail(make_error(Errc::kUnsupported,
                           "PostgreSQL: restore with pg_restore, then run `charter restore "
                           "--replay-erasures` (docs/RELIABILITY.md)"));
  }
  if (o.in.empty()) return fail(make_error(Errc::kInvalidArgument, "--in: the archive to restore"));
  auto version = archive_master_version(o.in);
  if (!version) return fail(version.error());
  auto master = master_for(o.vault, *version);
  if (!master) return fail(master.error());
  const fs::path data = fs::absolute(o.vault.store.data);
  TempDir tmp(data.parent_path());
  if (tmp.path.empty()) {
    return fail(make_error(Errc::kUnavailable,
                           "cannot make a temporary folder beside " + o.vault.store.data));
  }
  // 1. Everything authenticated and unpacked aside; the data folder is not touched yet.
  auto files = read_archive(o.in, *master, tmp.path);
  if (!files) {
    std::fprintf(stderr, "charter: nothing was restored; %s is unchanged\n",
                 o.vault.store.data.c_str());
    return fail(files.error());
  }
  bool has_db = false;
  for (const auto& f : *files) has_db = has_db || f.name == "charter.db";
  if (!has_db) return fail(make_error(Errc::kIntegrity, "the archive holds no charter.db"));
  for (const auto& f : *files) {
    if (f.name.size() > 3 && f.name.substr(f.name.size() - 3) == ".db") {
      if (auto s = store::integrity_check_sqlite_file(f.path); !s) return fail(s.error());
    }
  }
  // 2. Swap in: databases (their WAL files first removed), then the epoch key files.
  std::error_code ec;
  fs::create_directories(data, ec);
  fs::permissions(data, fs::perms::owner_all, ec);  // 0700, as open_store makes it
  for (const auto& f : *files) {
    const fs::path dest = data / f.name;
    if (!fs::exists(dest.parent_path())) {
      fs::create_directories(dest.parent_path(), ec);
      fs::permissions(dest.parent_path(), fs::perms::owner_all, ec);  // the key folder: 0700
    }
    if (f.name.find('/') == std::string::npos) {
      for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        fs::remove(dest.string() + suffix, ec);
      }
    }
    fs::rename(f.path, dest, ec);
    if (ec) {
      return fail(
          make_error(Errc::kUnavailable, "cannot move " + f.name + " into place: " + ec.message()));
    }
    std::printf("restored %s\n", f.name.c_str());
  }
  // 3. Erasures made since the backup, again.
  auto n = replay_erasures(o.vault);
  if (!n) {
    std::fprintf(stderr,
                 "charter: the backup was restored but the erasure journal could not be "
                 "re-applied; do not start the server before `charter restore --replay-erasures` "
                 "succeeds\n");
    return fail(n.error());
  }
  return 0;
}

}  // namespace

void register_backup_commands(CLI::App& app, Action& action) {
  auto o = std::make_shared<BackupOpts>();
  CLI::App* b = app.add_subcommand(
      "backup", "Back up the embedded store (online) into an archive sealed with the master key");
  add_vault_options(b, o->vault);
  b->add_option("--out", o->out, "The archive to write (must not exist)")->required();
  b->callback([o, &action] { action = [o] { return backup(*o); }; });

  CLI::App* r = app.add_subcommand(
      "restore",
      "Restore a backup archive into the data folder (server stopped), then re-apply the "
      "erasure journal");
  add_vault_options(r, o->vault);
  r->add_option("--in", o->in, "The archive to restore");
  r->add_flag("--replay-erasures", o->replay_only,
              "Only re-apply the erasure journal (after pg_restore of a PostgreSQL store)");
  r->callback([o, &action] { action = [o] { return restore(*o); }; });
}

}  // namespace charter::cli
