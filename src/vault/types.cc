#include "vault/types.h"

namespace charter::vault {

const char* to_string(SubjectStatus s) {
  switch (s) {
    case SubjectStatus::kActive:
      return "active";
    case SubjectStatus::kRestricted:
      return "restricted";
    case SubjectStatus::kDeceased:
      return "deceased";
    case SubjectStatus::kErased:
      return "erased";
  }
  return "active";
}

const char* to_string(Relationship r) {
  switch (r) {
    case Relationship::kProspect:
      return "prospect";
    case Relationship::kCustomer:
      return "customer";
    case Relationship::kFormerCustomer:
      return "former_customer";
  }
  return "prospect";
}

const char* source_name(policy::Source s) {
  return s == policy::Source::kObserved ? "observed" : "provided";
}

Result<SubjectStatus> parse_status(std::string_view s) {
  for (auto v : {SubjectStatus::kActive, SubjectStatus::kRestricted, SubjectStatus::kDeceased,
                 SubjectStatus::kErased}) {
    if (s == to_string(v)) return v;
  }
  return make_error(Errc::kInvalidArgument,
                    "status: expected active, restricted, deceased or erased");
}

Result<Relationship> parse_relationship(std::string_view s) {
  for (auto v : {Relationship::kProspect, Relationship::kCustomer, Relationship::kFormerCustomer}) {
    if (s == to_string(v)) return v;
  }
  return make_error(Errc::kInvalidArgument,
                    "relationship: expected prospect, customer or former_customer");
}

Result<policy::Source> parse_source(std::string_view s) {
  if (s == "provided") return policy::Source::kProvided;
  if (s == "observed") return policy::Source::kObserved;
  return make_error(Errc::kInvalidArgument, "source: expected provided or observed");
}

std::string_view subject_type_of(Relationship r) {
  return r == Relationship::kProspect ? "prospect" : "customer";
}

}  // namespace charter::vault
