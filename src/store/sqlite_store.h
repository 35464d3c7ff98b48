// Internal: the SQLite backend (see store.h and open.h for the contract).
#pragma once

#include <memory>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace charter::store::detail {

// Opens (creating if needed) the store in data folder `dir`.
Result<std::unique_ptr<Store>> open_sqlite(std::string_view dir, const StoreOptions& options);

}  // namespace charter::store::detail
