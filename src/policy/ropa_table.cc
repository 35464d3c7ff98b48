#include "policy/ropa_table.h"

#include <algorithm>

#include "policy/eu.h"
#include "policy/retention_text.h"

namespace charter::policy {

namespace {

template <typename Find>
std::string labels(const std::vector<std::string>& ids, Find find, const Phrases& p) {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    const auto* item = find(id);
    out.push_back(item ? item->label.in(p.lang()) : id);
  }
  return p.join_list(out);
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string categories_with_fields(const Policy& policy, const Purpose& u, const Phrases& p) {
  std::string out;
  for (const auto& id : u.categories) {
    const Category* c = policy.find_category(id);
    std::string entry = c ? c->label.in(p.lang()) : id;
    std::vector<std::string> fields;
    for (const Field& f : policy.fields) {
      if (f.category == id) fields.push_back(f.label.in(p.lang()));
    }
    if (!fields.empty()) entry += " (" + p.join_list(fields) + ")";
    out += (out.empty() ? "" : "; ") + entry;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

std::vector<std::string> ropa_columns(const Phrases& p) { return p.list("ropa/columns"); }

std::string transfers_outside_eu(const Policy& policy, const Phrases& p) {
  std::vector<std::string> eu, outside;
  for (const HostingSite& h : policy.hosting) {
    add_unique(is_eu_country(h.country) ? eu : outside, p.country(h.country));
  }
  for (const Recipient& r : policy.recipients) {
    add_unique(is_eu_country(r.country) ? eu : outside, p.country(r.country));
  }
  if (!outside.empty())
    return p.format("ropa/transfers_some", {{"countries", p.join_and(outside)}});
  return p.format("ropa/transfers_none", {{"countries", p.join_and(eu)}});
}

std::vector<std::string> retention_entries(const Policy& policy, const Purpose& u,
                                           const Phrases& p) {
  std::vector<std::string> out;
  for (const auto& id : u.categories) {
    const Category* c = policy.find_category(id);
    for (const RetentionRule& r : u.retention) {
      if (std::find(r.categories.begin(), r.categories.end(), id) == r.categories.end()) continue;
      out.push_back(p.format("ropa/retention_entry",
                             {{"categories", c ? c->label.in(p.lang()) : id},
                              {"retention", describe_retention(r, p, RetentionStyle::kShort)},
                              {"expiry", expiry_noun(r.on_expiry, p)}}));
    }
  }
  return out;
}

std::vector<std::vector<std::string>> ropa_rows(const Policy& policy, const Phrases& p) {
  const std::string& lang = p.lang();
  const Controller& c = policy.controller;
  const std::string controller =
      p.format("ropa/controller", {{"name", c.name},
                                   {"street", c.address.street},
                                   {"postcode", c.address.postcode},
                                   {"city", c.address.city},
                                   {"country", p.country(c.address.country)},
                                   {"register", c.register_name},
                                   {"number", c.register_number}});
  std::vector<std::string> measures;
  for (const SecurityMeasure& m : policy.security_measures) measures.push_back(m.label.in(lang));
  const std::string transfers = transfers_outside_eu(policy, p);

  std::vector<std::vector<std::string>> rows;
  for (const Purpose& u : policy.purposes) {
    const LegalBasis* basis = policy.find_basis(u.basis);
    std::string basis_text =
        basis ? basis->label.in(lang) + " (" +
                    p.get(std::string("basis_article/") + to_string(basis->kind)) + ")"
              : u.basis;
    rows.push_back({
        u.id,
        u.label.in(lang),
        u.description.in(lang),
        basis_text,
        labels(
            u.subjects, [&](const std::string& id) { return policy.find_subject_type(id); }, p),
        categories_with_fields(policy, u, p),
        labels(
            u.recipients, [&](const std::string& id) { return policy.find_recipient(id); }, p),
        transfers,
        join_lines(retention_entries(policy, u, p)),
        p.join_list(measures),
        controller,
        c.dpo_email,
    });
  }
  return rows;
}

}  // namespace charter::policy
