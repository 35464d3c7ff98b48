#include "vault/collect.h"

#include <algorithm>
#include <set>

#include "vault/normalize.h"

namespace charter::vault {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string Problem::to_string() const {
  std::string out = (field == "purposes" || field == "contract_end" || field == "relationship")
                        ? field + ": " + message
                        : "field " + quoted(field) + ": " + message;
  if (if_missing) {
    out += "; if missing:";
    for (const auto& [lang, text] : if_missing->by_lang) out += " [" + lang + "] " + text;
  }
  return out;
}

std::vector<Problem> check_new_subject(const policy::Policy& policy, const NewSubject& subject,
                                       std::vector<PreparedValue>* prepared) {
  std::vector<Problem> problems;
  std::vector<const policy::Purpose*> purposes;
  if (subject.purposes.empty()) {
    problems.push_back({"purposes", "at least one collection purpose is required"});
  }
  const std::string_view type = subject_type_of(subject.relationship);
  const bool type_declared = policy.find_subject_type(std::string(type)) != nullptr;
  for (const auto& id : subject.purposes) {
    const policy::Purpose* p = policy.find_purpose(id);
    if (!p) {
      problems.push_back({"purposes", "purpose " + quoted(id) + " is not declared in the policy"});
      continue;
    }
    if (type_declared && !contains(p->subjects, std::string(type))) {
      problems.push_back({"purposes", "purpose " + quoted(id) + " does not apply to a " +
                                          std::string(to_string(subject.relationship))});
      continue;
    }
    if (std::find(purposes.begin(), purposes.end(), p) == purposes.end()) purposes.push_back(p);
  }
  if (subject.contract_start && subject.contract_end &&
      *subject.contract_end < *subject.contract_start) {
    problems.push_back({"contract_end", "the contract ends before it starts"});
  }
  if (subject.relationship == Relationship::kFormerCustomer && !subject.contract_end) {
    problems.push_back({"relationship", "a former customer needs the contract end date"});
  }

  std::set<std::string> given;
  for (const FieldInput& in : subject.fields) {
    const policy::Field* f = policy.find_field(in.field);
    if (!f) {
      problems.push_back({in.field, "not declared in the policy"});
      continue;
    }
    if (f->kind != policy::FieldKind::kValue) {
      problems.push_back({in.field, "is an event field: record it as an event"});
      continue;
    }
    if (!given.insert(in.field).second) {
      problems.push_back({in.field, "given more than once"});
      continue;
    }
    const bool used = std::any_of(purposes.begin(), purposes.end(), [&](const policy::Purpose* p) {
      return contains(p->categories, f->category);
    });
    if (!used && !purposes.empty()) {
      problems.push_back({in.field, "its category " + quoted(f->category) +
                                        " is used by none of the declared purposes"});
      continue;
    }
    auto value = normalize_value(f->type, in.value);
    if (!value) {
      problems.push_back({in.field, value.error().message});
      continue;
    }
    if (prepared) prepared->push_back({f, std::move(value).value()});
  }
  for (const policy::Purpose* p : purposes) {
    for (const policy::Field& f : policy.fields) {
      if (f.kind != policy::FieldKind::kValue || !contains(f.required_for, p->id)) continue;
      if (given.count(f.id) != 0) continue;
      // Report a missing field once, for the first purpose that requires it.
      bool reported = std::any_of(problems.begin(), problems.end(),
                                  [&](const Problem& pr) { return pr.field == f.id; });
      if (reported) continue;
      problems.push_back(
          {f.id, "required for purpose " + quoted(p->id) + " and missing", &f.if_missing});
    }
  }
  return problems;
}

Result<std::vector<PreparedValue>> prepare_subject(const policy::Policy& policy,
                                                   const NewSubject& subject) {
  std::vector<PreparedValue> prepared;
  auto problems = check_new_subject(policy, subject, &prepared);
  if (problems.empty()) return prepared;
  std::string msg;
  for (const auto& p : problems) msg += (msg.empty() ? "" : "; ") + p.to_string();
  return make_error(Errc::kInvalidArgument, msg);
}

Result<PreparedValue> prepare_value(const policy::Policy& policy, std::string_view field_id,
                                    std::string_view value) {
  const policy::Field* f = policy.find_field(std::string(field_id));
  if (!f) {
    return make_error(Errc::kInvalidArgument,
                      "field " + quoted(field_id) + ": not declared in the policy");
  }
  if (f->kind != policy::FieldKind::kValue) {
    return make_error(Errc::kInvalidArgument,
                      "field " + quoted(field_id) + ": is an event field, not a value");
  }
  auto v = normalize_value(f->type, value);
  if (!v)
    return make_error(Errc::kInvalidArgument,
                      "field " + quoted(field_id) + ": " + v.error().message);
  return PreparedValue{f, std::move(v).value()};
}

Result<PreparedValue> prepare_event(const policy::Policy& policy, std::string_view field_id,
                                    std::string_view payload) {
  const policy::Field* f = policy.find_field(std::string(field_id));
  if (!f) {
    return make_error(Errc::kInvalidArgument,
                      "event field " + quoted(field_id) + ": not declared in the policy");
  }
  if (f->kind != policy::FieldKind::kEvent) {
    return make_error(Errc::kInvalidArgument,
                      "field " + quoted(field_id) + ": is a value field, not an event");
  }
  auto v = normalize_value(f->type, payload);
  if (!v)
    return make_error(Errc::kInvalidArgument,
                      "event field " + quoted(field_id) + ": " + v.error().message);
  return PreparedValue{f, std::move(v).value()};
}

}  // namespace charter::vault
