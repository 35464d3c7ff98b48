// Checking what is collected against the policy before anything is stored (C4, C6: minimisation;
// each field's `required_for` and `if_missing`).
//
// check_new_subject() lists every problem of a NewSubject at once: a purpose that is not
// declared or does not apply to the subject's relationship; a field that is not declared, is an
// event field, is given twice, belongs to a category none of the declared purposes uses, or has
// a value of the wrong type; a field that one of the declared purposes requires and is missing
// (with the policy's `if_missing` consequence in every language). Problems name fields and
// purposes, never values. prepare_subject() returns the normalised values when there is none.
// Pure; thread safe.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "policy/model.h"
#include "vault/types.h"

namespace charter::vault {

struct Problem {
  std::string field;                         // field id, or "purposes", "contract_end", ...
  std::string message;                       // what is wrong (no value)
  const policy::Text* if_missing = nullptr;  // for a missing required field
  // "field \"email\": required for purpose \"prospecting\" and missing; if missing: [fr] ...
  // [en] ..."
  std::string to_string() const;
};

struct PreparedValue {
  const policy::Field* field = nullptr;
  std::string value;  // normalised
};

std::vector<Problem> check_new_subject(const policy::Policy& policy, const NewSubject& subject,
                                       std::vector<PreparedValue>* prepared = nullptr);

// kInvalidArgument listing every problem ("; " separated) when there is one.
Result<std::vector<PreparedValue>> prepare_subject(const policy::Policy& policy,
                                                   const NewSubject& subject);

// A value for field `field_id` (kind value), normalised. Errors: kInvalidArgument (undeclared,
// event field, wrong type).
Result<PreparedValue> prepare_value(const policy::Policy& policy, std::string_view field_id,
                                    std::string_view value);

// An event payload for field `field_id` (kind event), normalised. Errors: kInvalidArgument.
Result<PreparedValue> prepare_event(const policy::Policy& policy, std::string_view field_id,
                                    std::string_view payload);

}  // namespace charter::vault
