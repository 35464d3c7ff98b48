#include "web/policy_views.h"

#include <algorithm>

#include "policy/phrases.h"
#include "policy/retention_text.h"

namespace charter::web {

using nlohmann::json;
using policy::Phrases;

namespace {

template <typename Find>
std::string joined_labels(const std::vector<std::string>& ids, Find find, const Phrases& p) {
  std::vector<std::string> labels;
  for (const auto& id : ids) {
    const auto* item = find(id);
    labels.push_back(item ? item->label.in(p.lang()) : id);
  }
  return p.join_and(labels);
}

const char* input_type(policy::FieldType t) {
  switch (t) {
    case policy::FieldType::kEmail:
      return "email";
    case policy::FieldType::kPhone:
      return "tel";
    case policy::FieldType::kDate:
      return "date";
    default:
      return "text";
  }
}

bool required_for(const policy::Field& f, const std::string& purpose) {
  return std::find(f.required_for.begin(), f.required_for.end(), purpose) != f.required_for.end();
}

bool uses_category(const policy::Purpose& u, const std::string& category) {
  return std::find(u.categories.begin(), u.categories.end(), category) != u.categories.end();
}

json field_json(const policy::Policy& policy, const policy::Field& f, const policy::Purpose& u,
                const Phrases& p) {
  const std::string& lang = p.lang();
  bool mandatory = required_for(f, u.id);
  const policy::Category* c = policy.find_category(f.category);
  return {{"id", f.id},
          {"label", f.label.in(lang)},
          {"input_type", input_type(f.type)},
          {"mandatory", mandatory},
          {"requirement", mandatory ? p.format("field/required", {{"purposes", u.label.in(lang)}})
                                    : p.get("field/optional")},
          {"source", p.get(std::string("field/") + to_string(f.source))},
          {"if_missing", f.if_missing.in(lang)},
          {"has_if_missing", !f.if_missing.in(lang).empty()},
          {"category", c ? c->label.in(lang) : f.category}};
}

json purpose_json(const policy::Policy& policy, const policy::Purpose& u, const Phrases& p) {
  const std::string& lang = p.lang();
  const policy::LegalBasis* basis = policy.find_basis(u.basis);
  json categories = json::array();
  for (const auto& cid : u.categories) {
    const policy::Category* c = policy.find_category(cid);
    json fields = json::array();
    for (const auto& f : policy.fields) {
      if (f.category == cid) fields.push_back(field_json(policy, f, u, p));
    }
    categories.push_back({{"label", c ? c->label.in(lang) : cid},
                          {"description", c ? c->description.in(lang) : ""},
                          {"fields", fields},
                          {"has_fields", !fields.empty()}});
  }
  json retention = json::array();
  for (const auto& r : u.retention) {
    retention.push_back(
        {{"categories",
          joined_labels(
              r.categories, [&](const std::string& id) { return policy.find_category(id); }, p)},
         {"text", policy::describe_retention(r, p, policy::RetentionStyle::kSentence)},
         {"short", policy::describe_retention(r, p, policy::RetentionStyle::kShort)},
         {"expiry", policy::expiry_noun(r.on_expiry, p)},
         {"note", r.note.in(lang)},
         {"has_note", !r.note.in(lang).empty()}});
  }
  return {{"id", u.id},
          {"label", u.label.in(lang)},
          {"description", u.description.in(lang)},
          {"basis", basis ? basis->label.in(lang) : u.basis},
          {"basis_article",
           basis ? p.get(std::string("basis_article/") + to_string(basis->kind)) : std::string()},
          {"categories", categories},
          {"category_labels",
           joined_labels(
               u.categories, [&](const std::string& id) { return policy.find_category(id); }, p)},
          {"recipients",
           joined_labels(
               u.recipients, [&](const std::string& id) { return policy.find_recipient(id); }, p)},
          {"subjects",
           joined_labels(
               u.subjects, [&](const std::string& id) { return policy.find_subject_type(id); }, p)},
          {"retention", retention},
          {"consent", u.consent.has_value()},
          {"objection_absolute", u.objection == policy::Objection::kAbsolute},
          {"objection_overridable", u.objection == policy::Objection::kOverridable}};
}

bool collects_provided(const policy::Policy& policy, const policy::Purpose& u) {
  for (const auto& f : policy.fields) {
    if (f.source == policy::Source::kProvided && uses_category(u, f.category)) return true;
  }
  return false;
}

}  // namespace

json purpose_options(const policy::Policy& policy, const std::string& lang,
                     const std::string& selected) {
  json out = json::array();
  for (const auto& u : policy.purposes) {
    out.push_back({{"id", u.id}, {"label", u.label.in(lang)}, {"selected", u.id == selected}});
  }
  return out;
}

Result<json> home_view(const policy::Policy& policy, const std::string& lang) {
  CHARTER_TRY(Phrases p, Phrases::for_language(lang));
  json purposes = json::array();
  for (const auto& u : policy.purposes) purposes.push_back(purpose_json(policy, u, p));
  return json{{"purposes", purposes},
              {"dpo_email", policy.controller.dpo_email},
              {"contact_email", policy.controller.contact_email},
              {"controller", policy.controller.name},
              {"deadline", p.duration(policy.rights.deadline)}};
}

Result<json> notice_view(const policy::Policy& policy, const std::string& lang,
                         const std::optional<std::string>& purpose_id) {
  CHARTER_TRY(Phrases p, Phrases::for_language(lang));
  const policy::Purpose* chosen = nullptr;
  if (purpose_id) {
    chosen = policy.find_purpose(*purpose_id);
    if (!chosen) {
      return make_error(Errc::kNotFound, "purpose: not a purpose of the policy");
    }
  } else {
    for (const auto& u : policy.purposes) {
      if (collects_provided(policy, u)) {
        chosen = &u;
        break;
      }
    }
    if (!chosen) chosen = &policy.purposes.front();
  }
  json fields = json::array();
  for (const auto& f : policy.fields) {
    if (f.source != policy::Source::kProvided || f.kind != policy::FieldKind::kValue) continue;
    if (!uses_category(*chosen, f.category)) continue;
    fields.push_back(field_json(policy, f, *chosen, p));
  }
  json purpose = purpose_json(policy, *chosen, p);
  return json{{"purposes", purpose_options(policy, lang, chosen->id)},
              {"purpose", purpose},
              {"fields", fields},
              {"has_fields", !fields.empty()}};
}

Result<json> register_view(const policy::Policy& policy, const std::string& lang) {
  CHARTER_TRY(Phrases p, Phrases::for_language(lang));
  json rows = json::array();
  for (const auto& u : policy.purposes) rows.push_back(purpose_json(policy, u, p));
  return json{{"rows", rows},
              {"controller", policy.controller.name},
              {"dpo_email", policy.controller.dpo_email}};
}

}  // namespace charter::web
