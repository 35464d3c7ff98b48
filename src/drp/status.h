// The DRP status object (DRP 3.03) of a DRP request, computed from its rights request
// (docs/DRP.md "Status"):
//   received                       open
//   awaiting_verification          in_progress / need_user_verification (a code was e-mailed)
//   in_progress                    in_progress, expected_by = the legal due date
//   extended                       in_progress, expected_by = the extended due date, with
//                                  processing_details saying so (DRP 3.08)
//   fulfilled                      fulfilled
//   partially_fulfilled            fulfilled, processing_details: something is kept under a
//                                  legal exception, listed in the answer to the user
//   refused, reason revoked        revoked (DELETE by the agent)
//   refused, identity_not_established / proof_refused    denied / insuf_verification
//   refused, excessive             denied / too_many_requests
//   refused, manifestly_unfounded  denied / other
// `received_at` is when the request was registered. Nothing in it says whether the user's
// address is known. Pure; thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "rights/request.h"

namespace charter::drp {

// What the DRP module keeps of a request besides the rights request.
struct DrpLink {
  std::string request_id;  // the rights request id, also the DRP request_id
  std::string agent_id;
  std::string agent_request_id;  // "" when the agent gave none
  std::string version;           // "0.9.4" or "1.0"
  std::string exercise;          // as sent: "access", "deletion", "sale:opt-out", ...
  std::string regime;            // "" when none
  std::string status_callback;   // "" when none
  Timestamp created_at;
};

// `closing_reason`: the reason code of the transition into the final state ("" otherwise).
nlohmann::json status_object(const rights::Request& request, const DrpLink& link,
                             std::string_view closing_reason);

}  // namespace charter::drp
