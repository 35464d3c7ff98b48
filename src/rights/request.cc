#include "rights/request.h"

#include <array>
#include <utility>

namespace charter::rights {
namespace {

constexpr std::array<std::pair<RightType, const char*>, 9> kRights{{
    {RightType::kUnclassified, "unclassified"},
    {RightType::kAccess, "access"},
    {RightType::kRectification, "rectification"},
    {RightType::kErasure, "erasure"},
    {RightType::kRestriction, "restriction"},
    {RightType::kPortability, "portability"},
    {RightType::kWithdrawConsent, "withdraw_consent"},
    {RightType::kObjection, "objection"},
    {RightType::kPostMortem, "post_mortem"},
}};

constexpr std::array<std::pair<State, const char*>, 7> kStates{{
    {State::kReceived, "received"},
    {State::kAwaitingVerification, "awaiting_verification"},
    {State::kInProgress, "in_progress"},
    {State::kExtended, "extended"},
    {State::kFulfilled, "fulfilled"},
    {State::kPartiallyFulfilled, "partially_fulfilled"},
    {State::kRefused, "refused"},
}};

}  // namespace

const char* to_string(RightType t) {
  for (const auto& [k, n] : kRights) {
    if (k == t) return n;
  }
  return "unclassified";
}

std::optional<RightType> parse_right(std::string_view s) {
  for (const auto& [k, n] : kRights) {
    if (s == n) return k;
  }
  return std::nullopt;
}

const char* article_of(RightType t) {
  switch (t) {
    case RightType::kAccess:
      return "GDPR art. 15";
    case RightType::kRectification:
      return "GDPR art. 16";
    case RightType::kErasure:
      return "GDPR art. 17";
    case RightType::kRestriction:
      return "GDPR art. 18";
    case RightType::kPortability:
      return "GDPR art. 20";
    case RightType::kWithdrawConsent:
      return "GDPR art. 7(3)";
    case RightType::kObjection:
      return "GDPR art. 21";
    case RightType::kPostMortem:
      return "loi Informatique et Libertés art. 85";
    case RightType::kUnclassified:
      break;
  }
  return "";
}

const char* to_string(State s) {
  for (const auto& [k, n] : kStates) {
    if (k == s) return n;
  }
  return "received";
}

std::optional<State> parse_state(std::string_view s) {
  for (const auto& [k, n] : kStates) {
    if (s == n) return k;
  }
  return std::nullopt;
}

bool is_final(State s) {
  return s == State::kFulfilled || s == State::kPartiallyFulfilled || s == State::kRefused;
}

bool transition_allowed(State from, State to) {
  switch (from) {
    case State::kReceived:
      return to == State::kAwaitingVerification || to == State::kInProgress ||
             to == State::kRefused;
    case State::kAwaitingVerification:
      return to == State::kInProgress || to == State::kRefused;
    case State::kInProgress:
      return to == State::kExtended || to == State::kFulfilled ||
             to == State::kPartiallyFulfilled || to == State::kRefused;
    case State::kExtended:
      return to == State::kFulfilled || to == State::kPartiallyFulfilled || to == State::kRefused;
    case State::kFulfilled:
    case State::kPartiallyFulfilled:
    case State::kRefused:
      return false;
  }
  return false;
}

const char* to_string(Requester r) {
  switch (r) {
    case Requester::kSubject:
      return "subject";
    case Requester::kHeir:
      return "heir";
    case Requester::kAgent:
      return "agent";
  }
  return "subject";
}

std::optional<Requester> parse_requester(std::string_view s) {
  if (s == "subject") return Requester::kSubject;
  if (s == "heir") return Requester::kHeir;
  if (s == "agent") return Requester::kAgent;
  return std::nullopt;
}

const char* to_string(ProofState p) {
  switch (p) {
    case ProofState::kNone:
      return "none";
    case ProofState::kPending:
      return "pending";
    case ProofState::kAccepted:
      return "accepted";
    case ProofState::kRefused:
      return "refused";
  }
  return "none";
}

}  // namespace charter::rights
