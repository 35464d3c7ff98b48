#include "policy/ropa_jsonld.h"

#include <string>

#include "policy/dpv.h"
#include "policy/phrases.h"
#include "policy/retention_text.h"

namespace charter::policy {

namespace {

using nlohmann::json;

std::string node_id(const std::string& kind, const std::string& id) {
  return "urn:charter:" + kind + ":" + id;
}

json id_ref(const std::string& iri) { return {{"@id", iri}}; }

json refs(const std::string& kind, const std::vector<std::string>& ids) {
  json out = json::array();
  for (const auto& id : ids) out.push_back(id_ref(node_id(kind, id)));
  return out;
}

// A text in every language, as JSON-LD language-tagged strings.
json text(const Text& t) {
  json out = json::array();
  for (const auto& [lang, value] : t.by_lang)
    out.push_back({{"@value", value}, {"@language", lang}});
  return out;
}

json labelled(const std::string& kind, const std::string& id, const json& type, const Text& label) {
  return {{"@id", node_id(kind, id)}, {"@type", type}, {"rdfs:label", text(label)}};
}

json context() {
  return {
      {"dpv", std::string(dpv::kDpvNamespace)},
      {"pd", std::string(dpv::kPdNamespace)},
      {"eu-gdpr", std::string(dpv::kEuGdprNamespace)},
      {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
      {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
      {"dct", "http://purl.org/dc/terms/"},
      {"xsd", "http://www.w3.org/2001/XMLSchema#"},
      {"charter", "urn:charter:vocab:"},
  };
}

std::vector<Phrases> phrasebooks(const Policy& policy) {
  std::vector<Phrases> out;
  for (const auto& lang : policy.languages) {
    auto p = Phrases::for_language(lang);
    if (p.ok()) out.push_back(std::move(p).value());
  }
  return out;
}

json storage_condition(const RetentionRule& r, const std::vector<Phrases>& books) {
  json summary = json::array();
  for (const Phrases& p : books) {
    summary.push_back(
        {{"@value", describe_retention(r, p, RetentionStyle::kShort)}, {"@language", p.lang()}});
  }
  json duration = {
      {"@type", r.duration.is_zero() ? "dpv:UntilEventDuration" : "dpv:TemporalDuration"},
      {"rdf:value", {{"@value", r.duration.iso()}, {"@type", "xsd:duration"}}},
      {"rdfs:comment", summary},
  };
  return {
      {"@type", "dpv:StorageDuration"},
      {"dpv:hasPersonalData", refs("category", r.categories)},
      {"dpv:hasDuration", duration},
      {"charter:onExpiry",
       id_ref(r.on_expiry == OnExpiry::kAnonymise ? "dpv:Anonymise" : "dpv:Erase")},
      {"rdfs:comment", text(r.note)},
  };
}

json process(const Policy& policy, const Purpose& u, const std::vector<Phrases>& books) {
  json storage = json::array();
  for (const RetentionRule& r : u.retention) storage.push_back(storage_condition(r, books));
  for (const HostingSite& h : policy.hosting) storage.push_back(id_ref(node_id("hosting", h.id)));
  json measures = json::array();
  for (const SecurityMeasure& m : policy.security_measures) {
    measures.push_back(id_ref(node_id("measure", m.id)));
  }
  json p = {
      {"@id", node_id("process", u.id)},
      {"@type", "dpv:Process"},
      {"rdfs:label", text(u.label)},
      {"dpv:hasPurpose", id_ref(node_id("purpose", u.id))},
      {"dpv:hasDataController", id_ref("urn:charter:controller")},
      {"dpv:hasDataSubject", refs("subject", u.subjects)},
      {"dpv:hasPersonalData", refs("category", u.categories)},
      {"dpv:hasRecipient", refs("recipient", u.recipients)},
      {"dpv:hasTechnicalOrganisationalMeasure", measures},
      {"dpv:hasStorageCondition", storage},
      {"charter:transfersOutsideEU", false},
      {"charter:objection", to_string(u.objection)},
  };
  if (const LegalBasis* b = policy.find_basis(u.basis)) {
    p["dpv:hasLegalBasis"] = id_ref(dpv::basis_iri(b->kind));
  }
  if (u.consent) {
    p["charter:consentNotice"] = text(u.consent->notice);
    p["charter:withdrawalChannels"] = refs("channel", u.consent->withdrawal_channels);
  }
  return p;
}

}  // namespace

json ropa_jsonld(const Policy& policy) {
  const auto books = phrasebooks(policy);
  const Controller& c = policy.controller;
  json graph = json::array();

  json title = json::array();
  for (const Phrases& p : books)
    title.push_back({{"@value", p.get("ropa/title")}, {"@language", p.lang()}});
  json processes = json::array();
  for (const Purpose& u : policy.purposes) processes.push_back(id_ref(node_id("process", u.id)));
  json rights = json::array();
  for (const Right& r : policy.rights.list) {
    auto iri = dpv::right_iri(r.id);
    rights.push_back(id_ref(iri ? *iri : node_id("right", r.id)));
  }
  rights.push_back(id_ref("eu-gdpr:A77"));  // lodging a complaint with the authority (C17)
  graph.push_back({
      {"@id", "urn:charter:ropa"},
      {"@type", "dpv:ROPA"},
      {"rdfs:label", title},
      {"dct:hasVersion", policy.version},
      {"dpv:hasDataController", id_ref("urn:charter:controller")},
      {"dpv:hasProcess", processes},
      {"dpv:hasRight", rights},
      {"dpv:hasNotice", id_ref("urn:charter:rights-exercise")},
      {"dpv:hasAuthority", id_ref("urn:charter:authority")},
  });

  graph.push_back({
      {"@id", "urn:charter:controller"},
      {"@type", "dpv:DataController"},
      {"dpv:hasName", c.name},
      {"dpv:hasAddress", c.address.street + ", " + c.address.postcode + " " + c.address.city +
                             ", " + c.address.country},
      {"dpv:hasIdentifier", c.register_name + " " + c.register_number},
      {"dpv:hasContact", "mailto:" + c.contact_email},
      {"dpv:hasDataProtectionOfficer", id_ref("urn:charter:dpo")},
  });
  graph.push_back({{"@id", "urn:charter:dpo"},
                   {"@type", "dpv:DataProtectionOfficer"},
                   {"dpv:hasContact", "mailto:" + c.dpo_email}});
  graph.push_back({{"@id", "urn:charter:authority"},
                   {"@type", "dpv:DataProtectionAuthority"},
                   {"dpv:hasName", text(policy.authority.name)},
                   {"charter:country", policy.authority.country},
                   {"rdfs:seeAlso", id_ref(policy.authority.complaint_url)}});
  json channels = json::array();
  for (const auto& id : policy.rights.channels) channels.push_back(id_ref(node_id("channel", id)));
  graph.push_back({{"@id", "urn:charter:rights-exercise"},
                   {"@type", "dpv:RightExerciseNotice"},
                   {"dpv:hasContact", "mailto:" + c.dpo_email},
                   {"charter:channel", channels},
                   {"charter:responseDeadline",
                    {{"@value", policy.rights.deadline.iso()}, {"@type", "xsd:duration"}}},
                   {"charter:deadlineExtension",
                    {{"@value", policy.rights.extension.iso()}, {"@type", "xsd:duration"}}}});
  for (const Right& r : policy.rights.list) {
    if (dpv::right_iri(r.id)) continue;
    json node = labelled("right", r.id, "dpv:DataSubjectRight", r.label);
    node["dct:description"] = text(r.description);
    node["charter:legalReference"] = r.article;
    graph.push_back(node);
  }
  for (const Channel& ch : policy.channels) {
    graph.push_back({{"@id", node_id("channel", ch.id)}, {"rdfs:label", text(ch.label)}});
  }

  for (const Purpose& u : policy.purposes) graph.push_back(process(policy, u, books));
  for (const Purpose& u : policy.purposes) {
    json node = labelled("purpose", u.id, u.dpv, u.label);
    node["dct:description"] = text(u.description);
    graph.push_back(node);
  }
  for (const Category& cat : policy.categories) {
    json node = labelled("category", cat.id, cat.dpv, cat.label);
    node["dct:description"] = text(cat.description);
    graph.push_back(node);
  }
  for (const DataSubjectType& s : policy.data_subjects) {
    graph.push_back(labelled("subject", s.id, s.dpv, s.label));
  }
  for (const Recipient& r : policy.recipients) {
    json node = labelled("recipient", r.id,
                         json::array({"dpv:Recipient", "dpv:OrganisationalUnit"}), r.label);
    node["charter:country"] = r.country;
    graph.push_back(node);
  }
  for (const SecurityMeasure& m : policy.security_measures) {
    json node = labelled("measure", m.id, m.dpv, m.label);
    node["dct:description"] = text(m.description);
    graph.push_back(node);
  }
  for (const HostingSite& h : policy.hosting) {
    json node = labelled("hosting", h.id, "dpv:StorageLocation", h.label);
    node["charter:country"] = h.country;
    graph.push_back(node);
  }
  return {{"@context", context()}, {"@graph", graph}};
}

}  // namespace charter::policy
