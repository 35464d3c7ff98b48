#include "policy/charter_view.h"

#include <algorithm>
#include <string>
#include <vector>

#include "policy/markdown_escape.h"
#include "policy/retention_text.h"

namespace charter::policy {

namespace {

using kainjow::mustache::data;

data list_of(std::vector<data> items) {
  data out{data::type::list};
  for (auto& item : items) out.push_back(std::move(item));
  return out;
}

data labelled(const std::string& label) {
  data d;
  d.set("label", label);
  return d;
}

// Labels of the items of `ids`, found with `find`, as a comma-separated list.
template <typename Find>
std::string labels(const std::vector<std::string>& ids, Find find, const std::string& lang,
                   const Phrases& p) {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    const auto* item = find(id);
    out.push_back(item ? item->label.in(lang) : id);
  }
  return p.join_list(out);
}

void add_controller(data& v, const Policy& policy, const Phrases& p) {
  const Controller& c = policy.controller;
  v.set("controller_name", c.name);
  v.set("legal_form", c.legal_form);
  v.set("has_legal_form", !c.legal_form.empty());
  v.set("street", c.address.street);
  v.set("postcode", c.address.postcode);
  v.set("city", c.address.city);
  v.set("country", p.country(c.address.country));
  v.set("register_name", c.register_name);
  v.set("register_number", c.register_number);
  v.set("dpo_email", c.dpo_email);
  v.set("dpo_link", markdown_link(c.dpo_email, "mailto:" + c.dpo_email));
  v.set("contact_link", markdown_link(c.contact_email, "mailto:" + c.contact_email));
  v.set("has_website", !c.website.empty());
  v.set("website_link", markdown_link(c.website, c.website));
  v.set("authority_name", policy.authority.name.in(p.lang()));
  v.set("complaint_link",
        markdown_link(policy.authority.complaint_url, policy.authority.complaint_url));
}

data field_view(const Policy& policy, const Field& f, const Phrases& p) {
  const std::string& lang = p.lang();
  data d;
  d.set("label", f.label.in(lang));
  if (f.required_for.empty()) {
    d.set("requirement", p.get("field/optional"));
  } else {
    d.set("requirement",
          p.format("field/required",
                   {{"purposes", labels(
                                     f.required_for,
                                     [&](const std::string& id) { return policy.find_purpose(id); },
                                     lang, p)}}));
  }
  d.set("source", p.get(std::string("field/") + to_string(f.source)));
  d.set("if_missing", f.if_missing.in(lang));
  return d;
}

data categories_view(const Policy& policy, const Phrases& p) {
  std::vector<data> items;
  for (const Category& c : policy.categories) {
    data d;
    d.set("label", c.label.in(p.lang()));
    d.set("description", c.description.in(p.lang()));
    std::vector<data> fields;
    for (const Field& f : policy.fields) {
      if (f.category == c.id) fields.push_back(field_view(policy, f, p));
    }
    d.set("has_fields", !fields.empty());
    d.set("fields", list_of(std::move(fields)));
    items.push_back(std::move(d));
  }
  return list_of(std::move(items));
}

data bases_view(const Policy& policy, const Phrases& p) {
  std::vector<data> items;
  for (const LegalBasis& b : policy.legal_bases) {
    data d;
    d.set("label", b.label.in(p.lang()));
    d.set("article", p.get(std::string("basis_article/") + to_string(b.kind)));
    d.set("description", b.description.in(p.lang()));
    items.push_back(std::move(d));
  }
  return list_of(std::move(items));
}

std::string category_labels(const Policy& policy, const std::vector<std::string>& ids,
                            const Phrases& p) {
  return labels(
      ids, [&](const std::string& id) { return policy.find_category(id); }, p.lang(), p);
}

data purpose_view(const Policy& policy, const Purpose& u, std::size_t number, const Phrases& p) {
  const std::string& lang = p.lang();
  data d;
  d.set("number", std::to_string(number));
  d.set("label", u.label.in(lang));
  d.set("description", u.description.in(lang));
  const LegalBasis* basis = policy.find_basis(u.basis);
  d.set("basis", basis ? basis->label.in(lang) : u.basis);
  d.set("basis_article",
        basis ? p.get(std::string("basis_article/") + to_string(basis->kind)) : std::string());
  d.set("subjects",
        labels(
            u.subjects, [&](const std::string& id) { return policy.find_subject_type(id); }, lang,
            p));
  d.set("categories", category_labels(policy, u.categories, p));
  d.set(
      "recipients",
      labels(
          u.recipients, [&](const std::string& id) { return policy.find_recipient(id); }, lang, p));
  d.set("consent", u.consent.has_value());
  if (u.consent) {
    d.set("consent_notice", u.consent->notice.in(lang));
    std::vector<data> channels;
    for (const auto& id : u.consent->withdrawal_channels) {
      const Channel* c = policy.find_channel(id);
      channels.push_back(labelled(c ? c->label.in(lang) : id));
    }
    d.set("withdrawal_channels", list_of(std::move(channels)));
  }
  d.set("objection_absolute", u.objection == Objection::kAbsolute);
  d.set("objection_overridable", u.objection == Objection::kOverridable);
  std::vector<data> rules;
  for (const RetentionRule& r : u.retention) {
    data rd;
    rd.set("categories", category_labels(policy, r.categories, p));
    rd.set("text", describe_retention(r, p, RetentionStyle::kSentence));
    rd.set("note", r.note.in(lang));
    rules.push_back(std::move(rd));
  }
  d.set("retention", list_of(std::move(rules)));
  return d;
}

data purposes_view(const Policy& policy, const Phrases& p) {
  std::vector<data> items;
  for (std::size_t i = 0; i < policy.purposes.size(); ++i) {
    items.push_back(purpose_view(policy, policy.purposes[i], i + 1, p));
  }
  return list_of(std::move(items));
}

data retention_summary_view(const Policy& policy, const Phrases& p) {
  std::vector<data> items;
  for (const Purpose& u : policy.purposes) {
    for (const RetentionRule& r : u.retention) {
      data d;
      d.set("purpose", u.label.in(p.lang()));
      d.set("categories", category_labels(policy, r.categories, p));
      d.set("period", describe_retention(r, p, RetentionStyle::kShort));
      d.set("expiry", expiry_noun(r.on_expiry, p));
      items.push_back(std::move(d));
    }
  }
  return list_of(std::move(items));
}

void add_sharing(data& v, const Policy& policy, const Phrases& p) {
  const std::string& lang = p.lang();
  std::vector<data> recipients;
  for (const Recipient& r : policy.recipients) recipients.push_back(labelled(r.label.in(lang)));
  v.set("recipients", list_of(std::move(recipients)));

  std::vector<data> hosting;
  std::vector<std::string> countries;
  for (const HostingSite& h : policy.hosting) {
    data d;
    d.set("label", h.label.in(lang));
    d.set("country", p.country(h.country));
    hosting.push_back(std::move(d));
    std::string name = p.country(h.country);
    if (std::find(countries.begin(), countries.end(), name) == countries.end()) {
      countries.push_back(name);
    }
  }
  v.set("hosting", list_of(std::move(hosting)));
  v.set("hosting_countries", p.join_and(countries));
  v.set("eu", p.get("eu"));

  std::vector<data> measures;
  for (const SecurityMeasure& m : policy.security_measures) {
    data d;
    d.set("label", m.label.in(lang));
    d.set("description", m.description.in(lang));
    measures.push_back(std::move(d));
  }
  v.set("measures", list_of(std::move(measures)));
  v.set("training_validity", p.duration(policy.staff.training_validity));
  v.set("confidentiality_required", policy.staff.confidentiality_required);
}

void add_rights(data& v, const Policy& policy, const Phrases& p) {
  const std::string& lang = p.lang();
  std::vector<data> rights;
  for (const Right& r : policy.rights.list) {
    data d;
    d.set("label", r.label.in(lang));
    d.set("article", p.article(r.article));
    d.set("description", r.description.in(lang));
    rights.push_back(std::move(d));
  }
  v.set("rights", list_of(std::move(rights)));
  std::vector<data> channels;
  for (const auto& id : policy.rights.channels) {
    const Channel* c = policy.find_channel(id);
    channels.push_back(labelled(c ? c->label.in(lang) : id));
  }
  v.set("rights_channels", list_of(std::move(channels)));
  v.set("deadline", p.duration(policy.rights.deadline));
  v.set("extension", p.duration(policy.rights.extension));
}

}  // namespace

data charter_view(const Policy& policy, const Phrases& p) {
  data v;
  v.set("title", p.get("title"));
  add_controller(v, policy, p);
  v.set("scope", policy.scope.in(p.lang()));
  v.set("categories", categories_view(policy, p));
  v.set("bases", bases_view(policy, p));
  bool any_consent = false;
  for (const LegalBasis& b : policy.legal_bases) any_consent |= b.kind == BasisKind::kConsent;
  v.set("has_consent_basis", any_consent);
  v.set("purposes", purposes_view(policy, p));
  v.set("retention_summary", retention_summary_view(policy, p));
  add_sharing(v, policy, p);
  add_rights(v, policy, p);
  v.set("version", policy.version);
  std::vector<std::string> languages;
  for (const auto& l : policy.languages) languages.push_back(p.language_name(l));
  v.set("languages", p.join_and(languages));
  return v;
}

}  // namespace charter::policy
