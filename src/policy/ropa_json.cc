#include "policy/ropa_json.h"

#include "policy/dpv.h"
#include "policy/phrases.h"
#include "policy/retention_text.h"
#include "policy/ropa_table.h"

namespace charter::policy {

namespace {

using nlohmann::json;

json text(const Text& t) {
  json out = json::object();
  for (const auto& [lang, value] : t.by_lang) out[lang] = value;
  return out;
}

template <typename T>
json names(const std::vector<T>& values) {
  json out = json::array();
  for (const auto& v : values) out.push_back(to_string(v));
  return out;
}

json id_label(const std::string& id, const Text& label) {
  return {{"id", id}, {"label", text(label)}};
}

// Phrasebooks of the policy languages that Charter has one for.
std::vector<Phrases> phrasebooks(const Policy& policy) {
  std::vector<Phrases> out;
  for (const auto& lang : policy.languages) {
    auto p = Phrases::for_language(lang);
    if (p.ok()) out.push_back(std::move(p).value());
  }
  return out;
}

json activity(const Policy& policy, const Purpose& u, const std::vector<Phrases>& books) {
  json a;
  a["id"] = u.id;
  a["dpv"] = u.dpv;
  a["purpose"] = text(u.label);
  a["description"] = text(u.description);
  if (const LegalBasis* b = policy.find_basis(u.basis)) {
    a["legal_basis"] = {{"id", b->id},
                        {"kind", to_string(b->kind)},
                        {"label", text(b->label)},
                        {"dpv", dpv::basis_iri(b->kind)}};
  }
  a["data_subjects"] = json::array();
  for (const auto& id : u.subjects) {
    if (const DataSubjectType* s = policy.find_subject_type(id)) {
      json e = id_label(s->id, s->label);
      e["dpv"] = s->dpv;
      a["data_subjects"].push_back(e);
    }
  }
  a["data_categories"] = json::array();
  for (const auto& id : u.categories) {
    if (const Category* c = policy.find_category(id)) {
      json e = id_label(c->id, c->label);
      e["dpv"] = c->dpv;
      e["fields"] = json::array();
      for (const Field& f : policy.fields) {
        if (f.category == c->id) e["fields"].push_back(f.id);
      }
      a["data_categories"].push_back(e);
    }
  }
  a["recipients"] = json::array();
  for (const auto& id : u.recipients) {
    if (const Recipient* r = policy.find_recipient(id)) {
      json e = id_label(r->id, r->label);
      e["internal"] = r->internal;
      e["country"] = r->country;
      a["recipients"].push_back(e);
    }
  }
  a["transfers_outside_eu"] = json::array();  // the loader refuses any non-EU place (C10)
  a["retention"] = json::array();
  for (const RetentionRule& r : u.retention) {
    json summary = json::object();
    for (const Phrases& p : books)
      summary[p.lang()] = describe_retention(r, p, RetentionStyle::kShort);
    a["retention"].push_back({{"categories", r.categories},
                              {"duration", r.duration.iso()},
                              {"after", names(r.after)},
                              {"open_while", names(r.open_while)},
                              {"stops_on", names(r.stops_on)},
                              {"on_expiry", to_string(r.on_expiry)},
                              {"summary", summary},
                              {"note", text(r.note)}});
  }
  json measures = json::array();
  for (const SecurityMeasure& m : policy.security_measures) measures.push_back(m.id);
  a["security_measures"] = measures;
  a["objection"] = to_string(u.objection);
  if (u.consent) {
    a["consent"] = {{"withdrawal_channels", u.consent->withdrawal_channels},
                    {"notice", text(u.consent->notice)}};
  } else {
    a["consent"] = nullptr;
  }
  return a;
}

}  // namespace

json ropa_json(const Policy& policy) {
  const auto books = phrasebooks(policy);
  const Controller& c = policy.controller;
  json out;
  out["format"] = "charter-ropa/1";
  json title = json::object();
  for (const Phrases& p : books) title[p.lang()] = p.get("ropa/title");
  out["title"] = title;
  out["policy_version"] = policy.version;
  out["languages"] = policy.languages;
  out["controller"] = {
      {"name", c.name},
      {"legal_form", c.legal_form},
      {"address",
       {{"street", c.address.street},
        {"postcode", c.address.postcode},
        {"city", c.address.city},
        {"country", c.address.country}}},
      {"register", {{"name", c.register_name}, {"number", c.register_number}}},
      {"contact_email", c.contact_email},
      {"website", c.website},
  };
  out["dpo"] = {{"email", c.dpo_email}};
  out["supervisory_authority"] = {{"name", text(policy.authority.name)},
                                  {"country", policy.authority.country},
                                  {"complaint_url", policy.authority.complaint_url}};
  out["hosting"] = json::array();
  for (const HostingSite& h : policy.hosting) {
    json e = id_label(h.id, h.label);
    e["country"] = h.country;
    out["hosting"].push_back(e);
  }
  json transfers = json::object();
  for (const Phrases& p : books) transfers[p.lang()] = transfers_outside_eu(policy, p);
  out["transfers_outside_eu"] = transfers;
  out["activities"] = json::array();
  for (const Purpose& u : policy.purposes) out["activities"].push_back(activity(policy, u, books));
  out["security_measures"] = json::array();
  for (const SecurityMeasure& m : policy.security_measures) {
    json e = id_label(m.id, m.label);
    e["dpv"] = m.dpv;
    e["description"] = text(m.description);
    out["security_measures"].push_back(e);
  }
  json channels = json::array();
  for (const auto& id : policy.rights.channels) {
    if (const Channel* ch = policy.find_channel(id))
      channels.push_back(id_label(ch->id, ch->label));
  }
  json rights = json::array();
  for (const Right& r : policy.rights.list) {
    json e = id_label(r.id, r.label);
    e["article"] = r.article;
    e["description"] = text(r.description);
    auto iri = dpv::right_iri(r.id);
    e["dpv"] = iri ? json(*iri) : json(nullptr);
    rights.push_back(e);
  }
  out["rights"] = {{"deadline", policy.rights.deadline.iso()},
                   {"extension", policy.rights.extension.iso()},
                   {"channels", channels},
                   {"list", rights}};
  return out;
}

}  // namespace charter::policy
