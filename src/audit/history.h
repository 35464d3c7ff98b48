// A data subject's access history: who used their data, for which purpose, when, with which
// outcome; read through the LogStore's subject index, for the privacy center.
//
// Staff are shown by role, never by name or id; services by their service id (a name of an
// internal system, not a person); the subject's own actions and system jobs without an id.
//
// Contract: `pseudonym` must satisfy is_pseudonym (else kInvalidArgument). Rows are returned in
// log order from `from_sequence`, at most `limit`. Every row is decoded and checked against its
// recorded leaf hash and the asked pseudonym; a row that fails is reported as kIntegrity rather
// than shown. Store failures: kUnavailable. Thread safe as the store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry.h"
#include "audit/log_store.h"

namespace charter::audit {

struct AccessRecord {
  std::uint64_t sequence = 0;
  Timestamp time{};
  ActorKind actor_kind = ActorKind::kSystem;
  std::string actor;  // staff: role; service: service id; system: component; subject: ""
  std::string action;
  std::string purpose;
  Decision decision = Decision::kNone;
  std::string reason;
  bool operator==(const AccessRecord&) const = default;
};

struct HistoryQuery {
  std::uint64_t from_sequence = 0;
  std::size_t limit = 1000;
};

Result<std::vector<AccessRecord>> access_history(LogStore& store, std::string_view pseudonym,
                                                 const HistoryQuery& query = {});

}  // namespace charter::audit
