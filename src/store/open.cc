#include "store/open.h"

#include <cstdlib>

#include "store/fault.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"

namespace charter::store {

bool is_postgres_url(std::string_view target) {
  return target.starts_with("postgresql://") || target.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> open_store(std::string_view target, const StoreOptions& options) {
  if (target.empty()) {
    return make_error(Errc::kInvalidArgument, "store: give a data folder or a postgresql:// URL");
  }
  if (is_postgres_url(target)) return detail::open_postgres(target, options);
  // Tests of the real binary (fault.h): CHARTER_TEST_FAULTS="sync:N".
  if (const char* env = std::getenv("CHARTER_TEST_FAULTS");
      env && !options.faults && options.sqlite_file == "charter.db" &&
      std::string_view(env).rfind("sync:", 0) == 0) {
    StoreOptions with = options;
    with.faults = std::make_shared<FaultInjector>();
    with.faults->fail(FaultPoint::kSync, Errc::kUnavailable, 1, std::atoi(env + 5));
    return detail::open_sqlite(target, with);
  }
  return detail::open_sqlite(target, options);
}

Result<std::unique_ptr<Store>> open_audit_store(std::string_view target, StoreOptions options) {
  if (!is_postgres_url(target)) options.sqlite_file = kAuditDbFile;
  return open_store(target, options);
}

}  // namespace charter::store
