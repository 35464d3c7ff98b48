#include "policy/version.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace charter::policy {
namespace {

using json = nlohmann::json;

json j(const Text& t) { return json(t.by_lang); }

template <typename E>
json enums(const std::vector<E>& v) {
  json out = json::array();
  for (auto e : v) out.push_back(to_string(e));
  return out;
}

json j(const RetentionRule& r) {
  return {{"categories", r.categories},
          {"duration", r.duration.iso()},
          {"after", enums(r.after)},
          {"open_while", enums(r.open_while)},
          {"stops_on", enums(r.stops_on)},
          {"on_expiry", to_string(r.on_expiry)},
          {"note", j(r.note)}};
}

json j(const Purpose& p) {
  json rules = json::array();
  for (auto& r : p.retention) rules.push_back(j(r));
  json out = {{"id", p.id},
              {"dpv", p.dpv},
              {"label", j(p.label)},
              {"description", j(p.description)},
              {"basis", p.basis},
              {"subjects", p.subjects},
              {"categories", p.categories},
              {"recipients", p.recipients},
              {"retention", rules},
              {"objection", to_string(p.objection)}};
  if (p.consent) {
    out["consent"] = {{"withdrawal_channels", p.consent->withdrawal_channels},
                      {"notice", j(p.consent->notice)},
                      {"expiry", p.consent->expiry ? json(p.consent->expiry->iso()) : json()}};
  }
  return out;
}

template <typename T, typename Fn>
json list(const std::vector<T>& v, Fn fn) {
  json out = json::array();
  for (auto& x : v) out.push_back(fn(x));
  return out;
}

}  // namespace

std::string canonical_json(const Policy& p) {
  const Controller& c = p.controller;
  json doc = {
      {"charter_policy", p.format},
      {"controller",
       {{"name", c.name},
        {"legal_form", c.legal_form},
        {"address",
         {{"street", c.address.street},
          {"postcode", c.address.postcode},
          {"city", c.address.city},
          {"country", c.address.country}}},
        {"registration", {{"register", c.register_name}, {"number", c.register_number}}},
        {"contact_email", c.contact_email},
        {"dpo", {{"email", c.dpo_email}}},
        {"website", c.website}}},
      {"supervisory_authority",
       {{"name", j(p.authority.name)},
        {"country", p.authority.country},
        {"complaint_url", p.authority.complaint_url}}},
      {"languages", p.languages},
      {"scope", j(p.scope)},
      {"hosting", list(p.hosting,
                       [](auto& h) {
                         return json{{"id", h.id}, {"label", j(h.label)}, {"country", h.country}};
                       })},
      {"data_subjects", list(p.data_subjects,
                             [](auto& s) {
                               return json{{"id", s.id}, {"dpv", s.dpv}, {"label", j(s.label)}};
                             })},
      {"categories", list(p.categories,
                          [](auto& x) {
                            return json{{"id", x.id},
                                        {"dpv", x.dpv},
                                        {"label", j(x.label)},
                                        {"description", j(x.description)}};
                          })},
      {"fields", list(p.fields,
                      [](auto& f) {
                        return json{{"id", f.id},
                                    {"category", f.category},
                                    {"type", to_string(f.type)},
                                    {"kind", to_string(f.kind)},
                                    {"source", to_string(f.source)},
                                    {"blind_index", f.blind_index},
                                    {"required_for", f.required_for},
                                    {"label", j(f.label)},
                                    {"if_missing", j(f.if_missing)}};
                      })},
      {"legal_bases", list(p.legal_bases,
                           [](auto& b) {
                             return json{{"id", b.id},
                                         {"kind", to_string(b.kind)},
                                         {"label", j(b.label)},
                                         {"description", j(b.description)}};
                           })},
      {"recipients", list(p.recipients,
                          [](auto& r) {
                            return json{{"id", r.id},
                                        {"organisation", r.internal ? "internal" : "external"},
                                        {"country", r.country},
                                        {"label", j(r.label)}};
                          })},
      {"channels", list(p.channels,
                        [](auto& ch) {
                          return json{{"id", ch.id}, {"label", j(ch.label)}};
                        })},
      {"purposes", list(p.purposes, [](auto& pu) { return j(pu); })},
      {"rights",
       {{"deadline", p.rights.deadline.iso()},
        {"extension", p.rights.extension.iso()},
        {"channels", p.rights.channels},
        {"list", list(p.rights.list,
                      [](auto& r) {
                        return json{{"id", r.id},
                                    {"article", r.article},
                                    {"label", j(r.label)},
                                    {"description", j(r.description)}};
                      })}}},
      {"staff",
       {{"training_validity", p.staff.training_validity.iso()},
        {"confidentiality_commitment", p.staff.confidentiality_required ? "required" : "none"},
        {"roles", p.staff.roles}}},
      {"security_measures", list(p.security_measures,
                                 [](auto& m) {
                                   return json{{"id", m.id},
                                               {"dpv", m.dpv},
                                               {"label", j(m.label)},
                                               {"description", j(m.description)}};
                                 })},
  };
  return doc.dump();
}

std::string policy_version(const Policy& policy) {
  std::string canon = canonical_json(policy);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(canon.data(), canon.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");  // not an input error
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string short_version(const std::string& version) { return version.substr(0, 12); }

}  // namespace charter::policy
