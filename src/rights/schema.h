// The rights module's tables (migration component "rights"; docs/RIGHTS.md "Tables"):
//   rights_keys         the wrapped root key of the module (sealing, blind index, code MAC)
//   rights_requests     one row per request; e-mail, free text, parameters, proof and answer
//                       sealed; the e-mail also as a blind index (own requests, rate limits)
//   rights_transitions  every transition with who and why (the note sealed)
//   rights_codes        the current one-time code of a request: MAC only, expiry, attempts
//   rights_rate         fixed-window counters of the rate limits (keys are MACs, never clear)
//   rights_sessions     subject sessions: MAC of the secret, the address index, expiry
//   rights_mail         maildir messages already turned into requests (idempotent intake)
// Errors: the store's. Thread safety: as store::migrate.
#pragma once

#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace charter::rights {

inline constexpr std::string_view kComponent = "rights";

Status migrate_rights(store::Store& store, const Clock& clock);

}  // namespace charter::rights
