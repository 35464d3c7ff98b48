// The vault's data types: subjects, field values, observed events, and the inputs that create
// them. Plain values; no personal data is ever put in an Error built from them.
//
// Timestamps are charter::Timestamp (UTC, microseconds), stored as int64 microseconds.
// Thread safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "policy/model.h"

namespace charter::vault {

enum class SubjectStatus { kActive, kRestricted, kDeceased, kErased };
enum class Relationship { kProspect, kCustomer, kFormerCustomer };

// Stable names used in the database, the CLI and APIs: "active", "restricted", "deceased",
// "erased"; "prospect", "customer", "former_customer"; "provided", "observed".
const char* to_string(SubjectStatus s);
const char* to_string(Relationship r);
const char* source_name(policy::Source s);
// Errors: kInvalidArgument naming the accepted names.
Result<SubjectStatus> parse_status(std::string_view s);
Result<Relationship> parse_relationship(std::string_view s);
Result<policy::Source> parse_source(std::string_view s);

// The data subject type id of the policy (data_subjects[].id) a relationship belongs to:
// "prospect" for prospects, "customer" for customers and former customers.
std::string_view subject_type_of(Relationship r);

struct FieldInput {
  std::string field;  // policy field id (kind: value)
  std::string value;  // as given; normalised by type before it is sealed
};

// A subject to create. `purposes`: the purposes the data is collected for (policy purpose ids,
// at least one); every field given must belong to a category one of them uses, and every field
// one of them requires must be given.
struct NewSubject {
  std::vector<std::string> purposes;
  Relationship relationship = Relationship::kProspect;
  std::optional<Timestamp> contract_start;
  std::optional<Timestamp> contract_end;
  std::optional<Timestamp> collected_at;  // default: now
  std::vector<FieldInput> fields;
};

struct SubjectInfo {
  std::string id;
  SubjectStatus status = SubjectStatus::kActive;
  Relationship relationship = Relationship::kProspect;
  std::optional<Timestamp> contract_start;
  std::optional<Timestamp> contract_end;
  std::optional<Timestamp> collected_at;
  std::optional<Timestamp> last_contact_at;
  std::vector<std::string> purposes;  // collection purposes
  std::string policy_version;         // in force when the subject was created
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> erased_at;
};

struct FieldValue {
  std::string field;
  std::string category;  // = retention class
  std::string value;     // decrypted, normalised
  policy::Source source = policy::Source::kProvided;
  Timestamp collected_at;
  Timestamp updated_at;
};

// An observed (or recorded) event: connection, transaction, order, device id, usage, support
// exchange, cookie.
struct NewEvent {
  std::string subject_id;
  std::string field;  // policy field id (kind: event)
  Timestamp occurred_at;
  std::string payload;                   // normalised by the field's type
  std::optional<policy::Source> source;  // default: the field's declared source
};

struct EventRecord {
  std::string id;  // "evt_..."
  std::string field;
  std::string category;
  Timestamp occurred_at;
  policy::Source source = policy::Source::kObserved;
  std::string payload;  // decrypted
  Timestamp recorded_at;
};

// What to read. The caller names the purpose it reads for; whether that purpose may read is the
// access layer's decision (made before calling); the vault records nothing about it yet.
struct ReadRequest {
  std::string subject_id;
  std::string purpose;              // informational here; for the audit entry later
  std::vector<std::string> fields;  // value fields to read; empty = all
  bool values = true;
  bool events = false;
  std::vector<std::string> event_fields;  // empty = all event fields
  std::optional<Timestamp> events_since;  // inclusive
  std::size_t event_limit = 10000;        // newest first
};

struct SubjectData {
  SubjectInfo info;
  std::vector<FieldValue> values;   // in policy field order
  std::vector<EventRecord> events;  // newest first
};

// Changes to a subject's relationship facts (unset members are left as they are).
struct RelationshipUpdate {
  std::optional<Relationship> relationship;
  std::optional<Timestamp> contract_start;
  std::optional<Timestamp> contract_end;
  std::optional<Timestamp> last_contact_at;
  std::optional<SubjectStatus> status;  // active, restricted or deceased (not erased)
};

}  // namespace charter::vault
