// The actor of access decisions from the staff registry's Identity (staff member or service).
// Pure; thread safe.
#pragma once

#include "access/decision.h"
#include "staff/types.h"

namespace charter::access {

Actor actor_from(const staff::Identity& identity);

}  // namespace charter::access
