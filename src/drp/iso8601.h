// ISO 8601 timestamps of DRP claims (`issued-at`, `expires-at`) as agents write them:
// "YYYY-MM-DDTHH:MM:SS[.fraction]" followed by "Z" or a UTC offset "+HH:MM", "-HH:MM", "+HHMM"
// or "+HH" (Python's isoformat() writes "+00:00"). A time without a zone is refused (ambiguous).
// Errors: kInvalidArgument saying what was expected (never echoing the input). Pure.
#pragma once

#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace charter::drp {

Result<Timestamp> parse_iso8601(std::string_view text);

}  // namespace charter::drp
