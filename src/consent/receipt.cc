#include "consent/receipt.h"

#include <algorithm>
#include <chrono>

#include "core/id.h"

namespace charter::consent {
namespace {

using nlohmann::json;

bool is_fr(const std::string& lang) { return lang == "fr"; }

std::string dpv_status(EventKind kind) {
  switch (kind) {
    case EventKind::kGiven:
      return "dpv:ConsentGiven";
    case EventKind::kWithdrawn:
      return "dpv:ConsentWithdrawn";
    case EventKind::kExpired:
      return "dpv:ConsentExpired";
  }
  return "dpv:ConsentUnknown";
}

std::string termination(const policy::Policy& policy, const policy::Purpose& purpose,
                        const ConsentEvent& e, const std::string& lang) {
  const bool fr = is_fr(lang);
  std::string out;
  switch (e.kind) {
    case EventKind::kWithdrawn:
      out = (fr ? "Consentement retiré le " : "Consent withdrawn on ") + format_date(date_of(e.at));
      break;
    case EventKind::kExpired:
      out = (fr ? "Consentement expiré le " : "Consent expired on ") +
            format_date(date_of(e.expires_at ? *e.expires_at : e.at));
      break;
    case EventKind::kGiven: {
      std::string channels;
      for (const auto& id : purpose.consent->withdrawal_channels) {
        const auto* ch = policy.find_channel(id);
        channels += (channels.empty() ? "" : "; ") + (ch ? ch->label.in(lang) : id);
      }
      out = (fr ? "Jusqu'au retrait du consentement, possible à tout moment ("
                : "Until consent is withdrawn, at any time (") +
            channels + ")";
      if (e.expires_at) {
        out += (fr ? " ; expire le " : "; expires on ") + format_date(date_of(*e.expires_at));
      }
      break;
    }
  }
  for (const auto& rule : purpose.retention) out += ". " + rule.note.in(lang);
  return out;
}

void require(std::vector<std::string>& problems, const json& obj, const std::string& where,
             const char* key, json::value_t type) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    problems.push_back(where + key + " missing");
    return;
  }
  bool ok = it->type() == type ||
            (type == json::value_t::number_integer && it->type() == json::value_t::number_unsigned);
  if (!ok) problems.push_back(where + key + " has the wrong type");
}

void require_strings(std::vector<std::string>& problems, const json& obj, const std::string& where,
                     const char* key) {
  require(problems, obj, where, key, json::value_t::array);
  auto it = obj.find(key);
  if (it != obj.end() && it->is_array()) {
    for (const auto& v : *it)
      if (!v.is_string()) problems.push_back(where + key + " has a non-string item");
  }
}

}  // namespace

Result<json> make_receipt(const policy::Policy& policy, const ConsentEvent& e,
                          const ReceiptOptions& options) {
  const auto* purpose = policy.find_purpose(e.purpose);
  if (!purpose || !purpose->consent) {
    return make_error(Errc::kInvalidArgument,
                      "receipt: the event's purpose is not a consent purpose of this policy");
  }
  std::string lang = options.language.empty() ? e.language : options.language;
  if (std::find(policy.languages.begin(), policy.languages.end(), lang) == policy.languages.end()) {
    lang = policy.languages.front();
    if (!options.language.empty()) {
      return make_error(Errc::kInvalidArgument, "receipt: language is not a policy language");
    }
  }
  const bool fr = is_fr(lang);
  const auto& c = policy.controller;
  const auto* channel = policy.find_channel(e.channel);
  std::string method =
      channel ? channel->label.in(lang) : (fr ? "Expiration automatique" : "Automatic expiry");

  json categories = json::array();
  for (const auto& id : purpose->categories) {
    const auto* cat = policy.find_category(id);
    categories.push_back(cat && !cat->dpv.empty() ? cat->dpv : id);
  }
  json purposes = json::array();
  purposes.push_back({
      {"purpose", purpose->description.in(lang)},
      {"purposeCategory", json::array({purpose->dpv})},
      {"consentType", "EXPLICIT"},
      {"piiCategory", categories},
      {"primaryPurpose", true},
      {"termination", termination(policy, *purpose, e, lang)},
      {"thirdPartyDisclosure", false},
  });

  json charter = {
      {"eventKind", to_string(e.kind)},
      {"consentStatus", dpv_status(e.kind)},
      {"purposeId", e.purpose},
      {"channel", e.channel},
      {"policyVersion", e.policy_version},
      {"recordedAt", format_timestamp(e.at)},
      {"gpc", e.gpc},
      {"complaintUrl", policy.authority.complaint_url},
  };
  if (e.notice_sha256) charter["noticeSha256"] = to_hex(*e.notice_sha256);
  if (e.expires_at) charter["expiresAt"] = format_timestamp(*e.expires_at);

  json receipt = {
      {"version", "KI-CR-v1.1.0"},
      {"jurisdiction", c.address.country},
      {"consentTimestamp",
       std::chrono::duration_cast<std::chrono::seconds>(e.at.time_since_epoch()).count()},
      {"collectionMethod", method},
      {"consentReceiptID", e.event_id},
      {"language", lang},
      {"piiPrincipalId", e.subject_id},
      {"piiControllers", json::array({{
                             {"piiController", c.name},
                             {"onBehalf", false},
                             {"contact", fr ? "Délégué à la protection des données (DPO)"
                                            : "Data protection officer (DPO)"},
                             {"address",
                              {{"streetAddress", c.address.street},
                               {"postalCode", c.address.postcode},
                               {"addressLocality", c.address.city},
                               {"addressCountry", c.address.country}}},
                             {"email", c.dpo_email},
                             {"phone", ""},
                             {"piiControllerUrl", c.website},
                         }})},
      {"policyUrl", options.policy_url.empty() ? c.website + "/charter" : options.policy_url},
      {"services", json::array({{{"service", purpose->label.in(lang)}, {"purposes", purposes}}})},
      {"sensitive", false},
      {"spiCat", json::array()},
      {"charter", charter},
  };
  return receipt;
}

Status check_receipt(const json& r) {
  using T = json::value_t;
  std::vector<std::string> problems;
  if (!r.is_object()) return make_error(Errc::kInvalidArgument, "receipt: not a JSON object");
  require(problems, r, "", "version", T::string);
  require(problems, r, "", "jurisdiction", T::string);
  require(problems, r, "", "consentTimestamp", T::number_integer);
  require(problems, r, "", "collectionMethod", T::string);
  require(problems, r, "", "consentReceiptID", T::string);
  require(problems, r, "", "piiPrincipalId", T::string);
  require(problems, r, "", "piiControllers", T::array);
  require(problems, r, "", "services", T::array);
  require(problems, r, "", "policyUrl", T::string);
  require(problems, r, "", "sensitive", T::boolean);
  require_strings(problems, r, "", "spiCat");
  if (r.contains("consentTimestamp") && r["consentTimestamp"].is_number_integer() &&
      r["consentTimestamp"].get<std::int64_t>() < 0) {
    problems.push_back("consentTimestamp is negative");
  }
  if (r.contains("piiControllers") && r["piiControllers"].is_array()) {
    int i = 0;
    for (const auto& c : r["piiControllers"]) {
      std::string where = "piiControllers[" + std::to_string(i++) + "].";
      if (!c.is_object()) {
        problems.push_back(where + " not an object");
        continue;
      }
      require(problems, c, where, "piiController", T::string);
      require(problems, c, where, "contact", T::string);
      require(problems, c, where, "address", T::object);
      require(problems, c, where, "email", T::string);
      require(problems, c, where, "phone", T::string);
    }
  }
  if (r.contains("services") && r["services"].is_array()) {
    int i = 0;
    for (const auto& s : r["services"]) {
      std::string where = "services[" + std::to_string(i++) + "].";
      if (!s.is_object()) {
        problems.push_back(where + " not an object");
        continue;
      }
      require(problems, s, where, "service", T::string);
      require(problems, s, where, "purposes", T::array);
      if (!s.contains("purposes") || !s["purposes"].is_array()) continue;
      int j = 0;
      for (const auto& p : s["purposes"]) {
        std::string pw = where + "purposes[" + std::to_string(j++) + "].";
        if (!p.is_object()) {
          problems.push_back(pw + " not an object");
          continue;
        }
        require(problems, p, pw, "consentType", T::string);
        require_strings(problems, p, pw, "purposeCategory");
        require_strings(problems, p, pw, "piiCategory");
        require(problems, p, pw, "termination", T::string);
        require(problems, p, pw, "thirdPartyDisclosure", T::boolean);
        if (p.contains("thirdPartyDisclosure") && p["thirdPartyDisclosure"].is_boolean() &&
            p["thirdPartyDisclosure"].get<bool>() &&
            !(p.contains("thirdPartyName") && p["thirdPartyName"].is_string())) {
          problems.push_back(pw + "thirdPartyName missing (thirdPartyDisclosure is true)");
        }
      }
    }
  }
  if (problems.empty()) return ok_status();
  std::string msg = "receipt:";
  for (const auto& p : problems) msg += "\n  " + p;
  return make_error(Errc::kInvalidArgument, msg);
}

}  // namespace charter::consent
