#include "store/open.h"

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
  return detail::open_sqlite(target, options);
}

Result<std::unique_ptr<Store>> open_audit_store(std::string_view target, StoreOptions options) {
  if (!is_postgres_url(target)) options.sqlite_file = kAuditDbFile;
  return open_store(target, options);
}

}  // namespace charter::store
