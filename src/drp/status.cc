#include "drp/status.h"

namespace charter::drp {

using nlohmann::json;
using rights::State;

json status_object(const rights::Request& r, const DrpLink& link, std::string_view closing) {
  json out = {{"request_id", r.id}, {"received_at", format_timestamp(link.created_at)}};
  if (!link.agent_request_id.empty()) out["agent_request_id"] = link.agent_request_id;
  const Date due = r.extended_due ? *r.extended_due : r.due;
  switch (r.state) {
    case State::kReceived:
      out["status"] = "open";
      break;
    case State::kAwaitingVerification:
      out["status"] = "in_progress";
      out["reason"] = "need_user_verification";
      out["expected_by"] = format_date(due);
      out["processing_details"] =
          "The user must confirm their e-mail address with the code that was sent to it.";
      break;
    case State::kInProgress:
      out["status"] = "in_progress";
      out["expected_by"] = format_date(due);
      break;
    case State::kExtended:
      out["status"] = "in_progress";
      out["expected_by"] = format_date(due);
      out["processing_details"] =
          "The deadline was extended by two months (GDPR art. 12(3)); the user was told why.";
      break;
    case State::kFulfilled:
      out["status"] = "fulfilled";
      break;
    case State::kPartiallyFulfilled:
      out["status"] = "fulfilled";
      out["processing_details"] =
          "Some data is kept under a legal exception (GDPR art. 17(3)); the answer sent to the "
          "user lists it, with its legal ground and when it will be deleted.";
      break;
    case State::kRefused:
      if (closing == "revoked") {
        out["status"] = "revoked";
      } else if (closing == "identity_not_established" || closing == "proof_refused") {
        out["status"] = "denied";
        out["reason"] = "insuf_verification";
        out["processing_details"] = "The identity of the user could not be established.";
      } else if (closing == "excessive") {
        out["status"] = "denied";
        out["reason"] = "too_many_requests";
        out["processing_details"] = "The request was refused as excessive (GDPR art. 12(5)).";
      } else {
        out["status"] = "denied";
        out["reason"] = "other";
        out["processing_details"] =
            closing == "manifestly_unfounded"
                ? "The request was refused as manifestly unfounded (GDPR art. 12(5)); the answer "
                  "sent to the user gives the reasons."
                : "The request was refused; the answer sent to the user gives the reasons.";
      }
      break;
  }
  return out;
}

}  // namespace charter::drp
