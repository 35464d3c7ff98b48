#include "store/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace charter::store {
namespace {

struct Db {
  sqlite3* db = nullptr;
  ~Db() {
    if (db) sqlite3_close_v2(db);
  }
};

Error sqlite_error(int rc, const std::string& what) {
  const int primary = rc & 0xff;
  Errc code = Errc::kUnavailable;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) code = Errc::kIntegrity;
  if (primary == SQLITE_CANTOPEN) code = Errc::kNotFound;
  return make_error(code, what + ": " + sqlite3_errstr(rc));
}

Status fsync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(Errc::kUnavailable, "cannot open " + path + " to sync it");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return make_error(Errc::kUnavailable, "fsync of " + path + " failed");
  return ok_status();
}

}  // namespace

Status backup_sqlite_file(const std::string& source, const std::string& dest,
                          std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::exists(source, ec)) {
    return make_error(Errc::kNotFound, "no database file " + source);
  }
  if (std::filesystem::exists(dest, ec)) {
    return make_error(Errc::kAlreadyExists, dest + " exists already");
  }
  Db src, dst;
  int rc = sqlite3_open_v2(source.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc, "opening " + source);
  sqlite3_busy_timeout(src.db, static_cast<int>(busy_timeout.count()));
  {
    // Created 0600 before SQLite opens it: a copy of personal data is never world readable.
    int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(Errc::kUnavailable, "cannot create " + dest);
    ::close(fd);
  }
  auto fail = [&](Error e) {
    if (dst.db) {
      sqlite3_close_v2(dst.db);
      dst.db = nullptr;
    }
    std::filesystem::remove(dest, ec);
    return e;
  };
  rc = sqlite3_open_v2(dest.c_str(), &dst.db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) return fail(sqlite_error(rc, "opening " + dest));
  sqlite3_backup* b = sqlite3_backup_init(dst.db, "main", src.db, "main");
  if (!b)
    return fail(
        make_error(Errc::kUnavailable, "backup of " + source + ": " + sqlite3_errmsg(dst.db)));
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (;;) {
    rc = sqlite3_backup_step(b, 1024);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) continue;
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    sqlite3_backup_finish(b);
    return fail(sqlite_error(rc, "backup of " + source));
  }
  rc = sqlite3_backup_finish(b);
  if (rc != SQLITE_OK) return fail(sqlite_error(rc, "backup of " + source));
  // The copy is a plain rollback-journal database: no -wal to carry along.
  char* err = nullptr;
  rc = sqlite3_exec(dst.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return fail(sqlite_error(rc, "finishing " + dest));
  sqlite3_close_v2(dst.db);
  dst.db = nullptr;
  if (auto s = fsync_file(dest); !s) return fail(s.error());
  return ok_status();
}

Status integrity_check_sqlite_file(const std::string& path) {
  Db db;
  int rc = sqlite3_open_v2(path.c_str(), &db.db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc, "opening " + path);
  sqlite3_busy_timeout(db.db, 30'000);
  sqlite3_stmt* st = nullptr;
  rc = sqlite3_prepare_v2(db.db, "PRAGMA integrity_check", -1, &st, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc, "integrity check of " + path);
  std::string report;
  int lines = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(st, 0);
    if (lines++ < 5 && text) report += std::string(reinterpret_cast<const char*>(text)) + "\n";
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return sqlite_error(rc, "integrity check of " + path);
  if (report == "ok\n") return ok_status();
  return make_error(Errc::kIntegrity, "integrity check of " + path + " failed: " + report);
}

}  // namespace charter::store
