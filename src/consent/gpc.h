// Global Privacy Control (reference/gpc/NOTES.md): what `Sec-GPC: 1` from an identified
// subject's browser does under the Oxemis policy (docs/CONSENT.md, "GPC").
//
// GPC is a do-not-sell-or-share request. Oxemis sells and shares nothing (C9), so under the GDPR
// it is read as the subject's refusal of direct marketing, the nearest processing to "sale or
// sharing" (GPC points to arts. 7(3) and 21): for every purpose whose DPV purpose is
// dpv:DirectMarketing (Oxemis: `prospecting`),
//   - resting on consent: a given consent is withdrawn (event with gpc = true), unless it was
//     itself given in a request that carried Sec-GPC: 1 (a specific opt-in made with the signal
//     on prevails over the general signal);
//   - on another basis (e.g. legitimate interest, soft opt-in): an objection is recorded
//     (absolute, art. 21(3)).
// Other purposes are untouched. A `gpc` signal event is recorded the first time, and whenever
// the signal changes something, so repeated requests with the header write nothing.
// apply_gpc is what the HTTP layer calls for a request with Sec-GPC: 1 from an identified
// subject (privacy center session). `evidence.channel` defaults to privacy_center and must be a
// withdrawal channel of each consent purpose concerned (kInvalidArgument otherwise); IP and user
// agent, if given, are sealed into the withdrawal events. Everything happens in one transaction.
// Errors: kInvalidArgument (subject id, channel), storage errors. Thread safety: thread safe.
#pragma once

#include <string_view>
#include <vector>

#include "consent/ledger.h"
#include "consent/types.h"

namespace charter::consent {

// True for a purpose the GPC signal applies to (DPV purpose dpv:DirectMarketing).
bool gpc_applies(const policy::Purpose& purpose);

// Parses a request's Sec-GPC header values (several fields possible): true only when one of them
// is exactly "1" (GPC spec: no other value counts, no parameters).
bool gpc_header_set(const std::vector<std::string_view>& values);

Result<GpcOutcome> apply_gpc(ConsentLedger& ledger, std::string_view subject_id,
                             Evidence evidence = {});

// The signal events recorded for a subject (times, in order).
Result<std::vector<Timestamp>> gpc_signals(ConsentLedger& ledger, std::string_view subject_id);

}  // namespace charter::consent
