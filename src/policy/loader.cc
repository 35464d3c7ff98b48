#include "policy/loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "policy/validate.h"
#include "policy/version.h"
#include "policy/yaml_reader.h"

namespace charter::policy {
namespace {

using Node = YAML::Node;

template <typename Fn>
void each(Reader& r, const Node& parent, const std::string& path, const char* key, Fn&& fn,
          bool required = true) {
  Node list = parent[key];
  std::string list_path = join_key(path, key);
  if (!list) return;  // a missing required key was reported by map()
  if (!r.seq(list, list_path, required)) return;
  if (required && list.size() == 0) r.log().add(list_path, location_of(list), "must not be empty");
  for (std::size_t i = 0; i < list.size(); ++i) fn(list[i], index_key(list_path, i));
}

Controller read_controller(Reader& r, const Node& n, const std::string& p) {
  Controller c;
  if (!r.map(n, p, {"name", "address", "registration", "contact_email", "dpo"},
             {"legal_form", "website"}))
    return c;
  c.name = r.string(n["name"], join_key(p, "name"));
  if (n["legal_form"]) c.legal_form = r.string(n["legal_form"], join_key(p, "legal_form"));
  if (n["website"]) c.website = r.url(n["website"], join_key(p, "website"));
  c.contact_email = r.email(n["contact_email"], join_key(p, "contact_email"));
  Node a = n["address"];
  std::string ap = join_key(p, "address");
  if (a && r.map(a, ap, {"street", "postcode", "city", "country"})) {
    c.address.street = r.string(a["street"], join_key(ap, "street"));
    c.address.postcode = r.string(a["postcode"], join_key(ap, "postcode"));
    c.address.city = r.string(a["city"], join_key(ap, "city"));
    c.address.country = r.country(a["country"], join_key(ap, "country"));
  }
  Node reg = n["registration"];
  std::string rp = join_key(p, "registration");
  if (reg && r.map(reg, rp, {"register", "number"})) {
    c.register_name = r.string(reg["register"], join_key(rp, "register"));
    c.register_number = r.string(reg["number"], join_key(rp, "number"));
  }
  Node dpo = n["dpo"];
  std::string dp = join_key(p, "dpo");
  if (dpo && r.map(dpo, dp, {"email"})) c.dpo_email = r.email(dpo["email"], join_key(dp, "email"));
  return c;
}

RetentionRule read_rule(Reader& r, const Node& n, const std::string& p) {
  RetentionRule rule;
  if (!r.map(n, p, {"categories", "duration", "on_expiry", "note"},
             {"after", "open_while", "stops_on"}))
    return rule;
  rule.categories = r.id_list(n["categories"], join_key(p, "categories"));
  if (auto d = r.duration(n["duration"], join_key(p, "duration"))) rule.duration = *d;
  auto read_enum_list = [&](const char* key, const std::vector<std::string_view>& allowed,
                            auto& out) {
    Node list = n[key];
    std::string lp = join_key(p, key);
    if (!list || !r.seq(list, lp)) return;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (auto c = r.choice(list[i], index_key(lp, i), allowed)) {
        out.push_back(static_cast<typename std::decay_t<decltype(out)>::value_type>(*c));
      }
    }
  };
  read_enum_list("after",
                 {"collection", "last_contact", "contract_end", "consent_withdrawal",
                  "transaction_date", "event_time", "request_closed"},
                 rule.after);
  read_enum_list("open_while", {"contract_running", "legal_hold", "request_open"}, rule.open_while);
  read_enum_list("stops_on", {"consent_withdrawal", "objection"}, rule.stops_on);
  if (auto c = r.choice(n["on_expiry"], join_key(p, "on_expiry"), {"delete", "anonymise"})) {
    rule.on_expiry = static_cast<OnExpiry>(*c);
  }
  rule.note = r.text(n["note"], join_key(p, "note"));
  return rule;
}

Purpose read_purpose(Reader& r, const Node& n, const std::string& p) {
  Purpose pu;
  if (!r.map(n, p,
             {"id", "dpv", "label", "description", "basis", "subjects", "categories", "recipients",
              "retention"},
             {"consent", "objection"}))
    return pu;
  pu.id = r.id(n["id"], join_key(p, "id"));
  pu.dpv = r.dpv_iri(n["dpv"], join_key(p, "dpv"));
  pu.label = r.text(n["label"], join_key(p, "label"));
  pu.description = r.text(n["description"], join_key(p, "description"));
  pu.basis = r.id(n["basis"], join_key(p, "basis"));
  pu.subjects = r.id_list(n["subjects"], join_key(p, "subjects"));
  pu.categories = r.id_list(n["categories"], join_key(p, "categories"));
  pu.recipients = r.id_list(n["recipients"], join_key(p, "recipients"));
  each(r, n, p, "retention", [&](const Node& rn, const std::string& rp) {
    pu.retention.push_back(read_rule(r, rn, rp));
  });
  if (Node c = n["consent"]) {
    std::string cp = join_key(p, "consent");
    ConsentTerms terms;
    if (r.map(c, cp, {"withdrawal_channels", "notice"}, {"expiry"})) {
      terms.withdrawal_channels =
          r.id_list(c["withdrawal_channels"], join_key(cp, "withdrawal_channels"));
      terms.notice = r.text(c["notice"], join_key(cp, "notice"));
      if (c["expiry"]) terms.expiry = r.duration(c["expiry"], join_key(cp, "expiry"));
    }
    pu.consent = std::move(terms);
  }
  if (n["objection"]) {
    if (auto c = r.choice(n["objection"], join_key(p, "objection"),
                          {"none", "overridable", "absolute"})) {
      pu.objection = static_cast<Objection>(*c);
    }
  }
  return pu;
}

Field read_field(Reader& r, const Node& n, const std::string& p) {
  Field f;
  if (!r.map(n, p,
             {"id", "category", "type", "kind", "source", "required_for", "label", "if_missing"},
             {"blind_index"}))
    return f;
  f.id = r.id(n["id"], join_key(p, "id"));
  f.category = r.id(n["category"], join_key(p, "category"));
  if (auto c = r.choice(n["type"], join_key(p, "type"),
                        {"text", "email", "phone", "postal_address", "date", "ip_address",
                         "identifier", "record"}))
    f.type = static_cast<FieldType>(*c);
  if (auto c = r.choice(n["kind"], join_key(p, "kind"), {"value", "event"}))
    f.kind = static_cast<FieldKind>(*c);
  if (auto c = r.choice(n["source"], join_key(p, "source"), {"provided", "observed"}))
    f.source = static_cast<Source>(*c);
  f.blind_index = r.boolean(n["blind_index"], join_key(p, "blind_index"), false);
  f.required_for = r.id_list(n["required_for"], join_key(p, "required_for"));
  f.label = r.text(n["label"], join_key(p, "label"));
  f.if_missing = r.text(n["if_missing"], join_key(p, "if_missing"));
  return f;
}

// Reads the languages first: every text is checked against them.
std::vector<std::string> read_languages(IssueLog& log, const Node& root) {
  std::vector<std::string> langs;
  if (!root.IsMap()) return langs;  // reported by map(); operator[] would throw on a scalar
  Node n = root["languages"];
  if (!n) return langs;  // reported by map()
  Reader r(log, {});
  if (!r.seq(n, "languages")) return langs;
  for (std::size_t i = 0; i < n.size(); ++i) {
    std::string key = index_key("languages", i);
    std::string l = r.string(n[i], key);
    if (l.empty()) continue;
    if (l.size() != 2 || l[0] < 'a' || l[0] > 'z' || l[1] < 'a' || l[1] > 'z') {
      log.add(key, location_of(n[i]),
              "found \"" + l + "\", expected a two-letter language code (ISO 639-1, e.g. fr)");
      continue;
    }
    bool dup = false;
    for (auto& x : langs) dup = dup || x == l;
    if (dup) {
      log.add(key, location_of(n[i]), "\"" + l + "\" is listed twice");
      continue;
    }
    langs.push_back(l);
  }
  if (langs.empty()) log.add("languages", location_of(n), "must list at least one language");
  return langs;
}

void read_policy(const Node& root, IssueLog& log, Policy& pol) {
  Reader r(log, read_languages(log, root));
  if (!r.map(root, "",
             {"charter_policy", "controller", "supervisory_authority", "languages", "scope",
              "hosting", "data_subjects", "categories", "fields", "legal_bases", "recipients",
              "channels", "purposes", "rights", "staff", "security_measures"})) {
    return;
  }
  pol.format = r.integer(root["charter_policy"], "charter_policy", 1);
  if (root["charter_policy"] && pol.format != 1) {
    log.add_at("charter_policy", "found format " + std::to_string(pol.format) +
                                     ", this version of Charter reads format 1");
  }
  pol.languages = [&] {
    std::vector<std::string> out;
    Node n = root["languages"];
    if (n && n.IsSequence())
      for (auto x : n)
        if (x.IsScalar()) out.push_back(x.Scalar());
    return out;
  }();
  if (Node c = root["controller"]) pol.controller = read_controller(r, c, "controller");
  if (Node a = root["supervisory_authority"]) {
    const std::string p = "supervisory_authority";
    if (r.map(a, p, {"name", "country", "complaint_url"})) {
      pol.authority.name = r.text(a["name"], join_key(p, "name"));
      pol.authority.country = r.country(a["country"], join_key(p, "country"));
      pol.authority.complaint_url = r.url(a["complaint_url"], join_key(p, "complaint_url"));
    }
  }
  pol.scope = r.text(root["scope"], "scope");
  each(r, root, "", "hosting", [&](const Node& n, const std::string& p) {
    HostingSite h;
    if (r.map(n, p, {"id", "label", "country"})) {
      h.id = r.id(n["id"], join_key(p, "id"));
      h.label = r.text(n["label"], join_key(p, "label"));
      h.country = r.country(n["country"], join_key(p, "country"));
    }
    pol.hosting.push_back(std::move(h));
  });
  each(r, root, "", "data_subjects", [&](const Node& n, const std::string& p) {
    DataSubjectType s;
    if (r.map(n, p, {"id", "dpv", "label"})) {
      s.id = r.id(n["id"], join_key(p, "id"));
      s.dpv = r.dpv_iri(n["dpv"], join_key(p, "dpv"));
      s.label = r.text(n["label"], join_key(p, "label"));
    }
    pol.data_subjects.push_back(std::move(s));
  });
  each(r, root, "", "categories", [&](const Node& n, const std::string& p) {
    Category c;
    if (r.map(n, p, {"id", "dpv", "label", "description"})) {
      c.id = r.id(n["id"], join_key(p, "id"));
      c.dpv = r.dpv_iri(n["dpv"], join_key(p, "dpv"));
      c.label = r.text(n["label"], join_key(p, "label"));
      c.description = r.text(n["description"], join_key(p, "description"));
    }
    pol.categories.push_back(std::move(c));
  });
  each(r, root, "", "fields",
       [&](const Node& n, const std::string& p) { pol.fields.push_back(read_field(r, n, p)); });
  each(r, root, "", "legal_bases", [&](const Node& n, const std::string& p) {
    LegalBasis b;
    if (r.map(n, p, {"id", "kind", "label", "description"})) {
      b.id = r.id(n["id"], join_key(p, "id"));
      if (auto c = r.choice(n["kind"], join_key(p, "kind"),
                            {"consent", "contract", "legal_obligation", "vital_interest",
                             "public_task", "legitimate_interest"}))
        b.kind = static_cast<BasisKind>(*c);
      b.label = r.text(n["label"], join_key(p, "label"));
      b.description = r.text(n["description"], join_key(p, "description"));
    }
    pol.legal_bases.push_back(std::move(b));
  });
  each(r, root, "", "recipients", [&](const Node& n, const std::string& p) {
    Recipient rc;
    if (r.map(n, p, {"id", "organisation", "country", "label"})) {
      rc.id = r.id(n["id"], join_key(p, "id"));
      if (auto c =
              r.choice(n["organisation"], join_key(p, "organisation"), {"internal", "external"}))
        rc.internal = *c == 0;
      rc.country = r.country(n["country"], join_key(p, "country"));
      rc.label = r.text(n["label"], join_key(p, "label"));
    }
    pol.recipients.push_back(std::move(rc));
  });
  each(r, root, "", "channels", [&](const Node& n, const std::string& p) {
    Channel ch;
    if (r.map(n, p, {"id", "label"})) {
      ch.id = r.id(n["id"], join_key(p, "id"));
      ch.label = r.text(n["label"], join_key(p, "label"));
    }
    pol.channels.push_back(std::move(ch));
  });
  each(r, root, "", "purposes",
       [&](const Node& n, const std::string& p) { pol.purposes.push_back(read_purpose(r, n, p)); });
  if (Node rt = root["rights"]) {
    const std::string p = "rights";
    if (r.map(rt, p, {"deadline", "extension", "channels", "list"})) {
      if (auto d = r.duration(rt["deadline"], join_key(p, "deadline"))) pol.rights.deadline = *d;
      if (auto d = r.duration(rt["extension"], join_key(p, "extension"))) pol.rights.extension = *d;
      pol.rights.channels = r.id_list(rt["channels"], join_key(p, "channels"));
      each(r, rt, p, "list", [&](const Node& n, const std::string& rp) {
        Right right;
        if (r.map(n, rp, {"id", "article", "label", "description"})) {
          right.id = r.id(n["id"], join_key(rp, "id"));
          right.article = r.string(n["article"], join_key(rp, "article"));
          right.label = r.text(n["label"], join_key(rp, "label"));
          right.description = r.text(n["description"], join_key(rp, "description"));
        }
        pol.rights.list.push_back(std::move(right));
      });
    }
  }
  if (Node s = root["staff"]) {
    const std::string p = "staff";
    if (r.map(s, p, {"training_validity", "confidentiality_commitment", "roles"})) {
      if (auto d = r.duration(s["training_validity"], join_key(p, "training_validity")))
        pol.staff.training_validity = *d;
      if (r.choice(s["confidentiality_commitment"], join_key(p, "confidentiality_commitment"),
                   {"required"}))
        pol.staff.confidentiality_required = true;
      pol.staff.roles = r.id_list(s["roles"], join_key(p, "roles"));
    }
  }
  each(r, root, "", "security_measures", [&](const Node& n, const std::string& p) {
    SecurityMeasure m;
    if (r.map(n, p, {"id", "dpv", "label", "description"})) {
      m.id = r.id(n["id"], join_key(p, "id"));
      m.dpv = r.dpv_iri(n["dpv"], join_key(p, "dpv"));
      m.label = r.text(n["label"], join_key(p, "label"));
      m.description = r.text(n["description"], join_key(p, "description"));
    }
    pol.security_measures.push_back(std::move(m));
  });
}

}  // namespace

LoadOutcome check_policy_text(std::string_view yaml, const std::string& name) {
  LoadOutcome out;
  IssueLog log(name);
  Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    log.add("", Location{e.mark.line + 1, e.mark.column + 1}, "not valid YAML: " + e.msg);
    out.issues = log.issues();
    return out;
  }
  log.remember("", Location{1, 1});
  Policy pol;
  pol.source_path = name;
  try {
    read_policy(root, log, pol);
  } catch (const YAML::Exception& e) {
    // Every read checks the node's type first; this is the net under a check that was missed
    // (a policy file must never crash the loader: fuzz/policy_fuzz.cc).
    log.add("", Location{e.mark.line + 1, e.mark.column + 1}, "unexpected YAML shape: " + e.msg);
    out.issues = log.issues();
    return out;
  }
  validate_policy(pol, log);
  if (!log.empty()) {
    out.issues = log.issues();
    return out;
  }
  pol.version = policy_version(pol);
  out.policy = std::move(pol);
  return out;
}

LoadOutcome check_policy_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadOutcome out;
    out.issues.push_back(Issue{path, {}, "", "cannot read the policy file"});
    return out;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return check_policy_text(buf.str(), path);
}

namespace {
Result<Policy> to_result(LoadOutcome&& out) {
  if (out.policy) return std::move(*out.policy);
  std::string msg = std::to_string(out.issues.size()) + " problem(s) in the policy:";
  for (auto& i : out.issues) msg += "\n" + i.to_string();
  return make_error(Errc::kInvalidPolicy, msg);
}
}  // namespace

Result<Policy> load_policy(const std::string& path) { return to_result(check_policy_file(path)); }
Result<Policy> load_policy_text(std::string_view yaml, const std::string& name) {
  return to_result(check_policy_text(yaml, name));
}

}  // namespace charter::policy
