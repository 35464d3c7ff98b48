// Internal: the PostgreSQL backend (see store.h and open.h for the contract).
#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace charter::store::detail {

// Connects to `url` (libpq URL); the pool opens more connections on demand.
Result<std::unique_ptr<Store>> open_postgres(std::string_view url, const StoreOptions& options);

}  // namespace charter::store::detail
