// The staff component's tables (store migrations, component "staff").
//
// Staff members, services and tokens are owned by no data subject: they are reference tables
// (docs/STORE.md), keyed by their own ids. Personal data of staff (display name, e-mail) is
// sealed; the e-mail is found by a keyed hash (blind index). Migrations are only appended.
// Thread safety: constants.
#pragma once

#include <span>

#include "core/clock.h"
#include "core/result.h"
#include "store/migrate.h"
#include "store/store.h"

namespace charter::staff {

std::span<const store::Migration> migrations();
Result<int> migrate_staff(store::Store& store, const Clock& clock);

}  // namespace charter::staff
