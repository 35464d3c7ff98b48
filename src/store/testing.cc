#include "store/testing.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/id.h"
#include "core/random.h"
#include "store/open.h"

namespace charter::store {
namespace {

Status run_admin(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    PQfinish(c);
    return make_error(Errc::kUnavailable, "test store: cannot connect to CHARTER_TEST_PG_URL");
  }
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(c, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  PQfinish(c);
  if (!ok) return make_error(Errc::kUnavailable, "test store: " + sql + " failed");
  return ok_status();
}

}  // namespace

std::optional<std::string> test_pg_url() {
  const char* v = std::getenv("CHARTER_TEST_PG_URL");
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

bool pg_required() {
  const char* v = std::getenv("CHARTER_REQUIRE_PG");
  return v && std::string_view(v) == "1";
}

Result<std::unique_ptr<TestStore>> TestStore::make(Backend backend, StoreOptions options) {
  std::unique_ptr<TestStore> t(new TestStore());
  t->options_ = std::move(options);
  SystemRandom random;
  if (backend == Backend::kSqlite) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "charter-store-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      return make_error(Errc::kUnavailable, "test store: cannot create a temporary folder");
    }
    t->folder_ = tmpl;
    t->target_ = tmpl + "/data";
  } else {
    auto url = test_pg_url();
    if (!url) return make_error(Errc::kUnavailable, "CHARTER_TEST_PG_URL is not set");
    std::uint8_t bytes[8];
    random.fill(bytes);
    t->schema_ = "test_" + to_hex(bytes);
    t->base_url_ = *url;
    CHARTER_TRY_STATUS(run_admin(*url, "CREATE SCHEMA " + t->schema_));
    t->target_ = *url + (url->find('?') == std::string::npos ? "?" : "&") +
                 "options=-csearch_path%3D" + t->schema_;
  }
  CHARTER_TRY(t->store_, open_store(t->target_, t->options_));
  return t;
}

TestStore::~TestStore() {
  store_.reset();
  if (!folder_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
  }
  if (!schema_.empty()) {
    Status st = run_admin(base_url_, "DROP SCHEMA " + schema_ + " CASCADE");
    (void)st;
  }
}

Status TestStore::reopen() {
  store_.reset();
  CHARTER_TRY(store_, open_store(target_, options_));
  return ok_status();
}

}  // namespace charter::store
