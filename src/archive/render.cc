// The archive's content files: data.json, the CSV tables and the HTML report.
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>

#include "archive/archiver.h"
#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "policy/embedded.h"
#include "policy/phrases.h"
#include "policy/retention_text.h"

namespace charter::archive {
namespace {

using nlohmann::json;
namespace mu = kainjow::mustache;

std::string ts(Timestamp t) { return format_timestamp(t); }
std::string ts(const std::optional<Timestamp>& t) { return t ? format_timestamp(*t) : ""; }
json tsj(const std::optional<Timestamp>& t) { return t ? json(format_timestamp(*t)) : json(); }

const char* actor_text(audit::ActorKind k) {
  switch (k) {
    case audit::ActorKind::kStaff:
      return "staff";
    case audit::ActorKind::kService:
      return "service";
    case audit::ActorKind::kSubject:
      return "subject";
    case audit::ActorKind::kSystem:
      return "system";
  }
  return "";
}
const char* decision_text(audit::Decision d) {
  return d == audit::Decision::kAllow ? "allow" : d == audit::Decision::kDeny ? "deny" : "";
}

// RFC 4180: quoted when it holds a comma, quote, CR or LF; a leading =, +, - or @ is prefixed
// with ' so a spreadsheet never runs it as a formula.
std::string cell(std::string_view v) {
  std::string s(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

struct Csv {
  std::string text;
  explicit Csv(std::initializer_list<std::string_view> header) { row(header); }
  void row(std::initializer_list<std::string_view> cells) {
    bool first = true;
    for (auto c : cells) {
      if (!first) text += ',';
      text += cell(c);
      first = false;
    }
    text += "\r\n";
  }
};

bool portable(policy::Source) { return true; }  // provided and observed (WP29 guidelines)

const std::string& label_of(const policy::Text& t, const std::string& lang) { return t.in(lang); }

// Fixed texts of the report.
struct Words {
  std::map<std::string, std::string> w;
  const std::string& operator[](const std::string& k) const { return w.at(k); }
};

Words words(const std::string& lang) {
  if (lang == "fr") {
    return {{{"title", "Vos données personnelles"},
             {"title_portability", "Vos données personnelles (portabilité)"},
             {"intro",
              "Ce document réunit les données que nous détenons à votre sujet, ce que "
              "nous en faisons et vos droits. Les fichiers JSON et CSV joints contiennent "
              "les mêmes données dans un format lisible par machine."},
             {"generated", "Produit le"},
             {"expires", "Lien de téléchargement valable jusqu'au"},
             {"subject", "Identifiant"},
             {"status", "Statut"},
             {"values", "Données"},
             {"field", "Donnée"},
             {"value", "Valeur"},
             {"category", "Catégorie"},
             {"source", "Source"},
             {"collected", "Collectée le"},
             {"events", "Événements enregistrés"},
             {"count", "Nombre"},
             {"first", "Premier"},
             {"last", "Dernier"},
             {"events_note", "Le détail de chaque événement est dans csv/events.csv et data.json."},
             {"purposes", "Finalités, destinataires et durées de conservation"},
             {"purpose", "Finalité"},
             {"basis", "Base légale"},
             {"categories", "Catégories"},
             {"recipients", "Destinataires"},
             {"retention", "Conservation"},
             {"consents", "Historique de vos consentements"},
             {"objections", "Vos oppositions"},
             {"restrictions", "Limitations du traitement"},
             {"access", "Qui a utilisé vos données"},
             {"when", "Date"},
             {"what", "Événement"},
             {"channel", "Canal"},
             {"who", "Par"},
             {"decision", "Décision"},
             {"none", "Aucun."},
             {"sources", "Sources"},
             {"sources_text",
              "« provided » : vous nous les avez communiquées ; « observed » : "
              "elles résultent de votre utilisation de nos services."},
             {"rights", "Vos droits"},
             {"dpo", "Délégué à la protection des données"},
             {"complaint", "Vous pouvez introduire une réclamation auprès de la CNIL :"},
             {"verify",
              "Ce dossier est signé : manifest.json liste l'empreinte SHA-256 de chaque "
              "fichier, manifest.sig en est la signature Ed25519, vérifiable avec la clé "
              "signing-key.pem (voir la notice de vérification)."}}};
  }
  return {{{"title", "Your personal data"},
           {"title_portability", "Your personal data (portability)"},
           {"intro",
            "This document gathers the data we hold about you, what we do with it and "
            "your rights. The JSON and CSV files beside it hold the same data in a "
            "machine-readable form."},
           {"generated", "Produced on"},
           {"expires", "Download link valid until"},
           {"subject", "Identifier"},
           {"status", "Status"},
           {"values", "Data"},
           {"field", "Data item"},
           {"value", "Value"},
           {"category", "Category"},
           {"source", "Source"},
           {"collected", "Collected on"},
           {"events", "Recorded events"},
           {"count", "Count"},
           {"first", "First"},
           {"last", "Last"},
           {"events_note", "Every event is listed in csv/events.csv and data.json."},
           {"purposes", "Purposes, recipients and retention"},
           {"purpose", "Purpose"},
           {"basis", "Legal basis"},
           {"categories", "Categories"},
           {"recipients", "Recipients"},
           {"retention", "Retention"},
           {"consents", "History of your consents"},
           {"objections", "Your objections"},
           {"restrictions", "Restrictions of processing"},
           {"access", "Who used your data"},
           {"when", "Date"},
           {"what", "Event"},
           {"channel", "Channel"},
           {"who", "By"},
           {"decision", "Decision"},
           {"none", "None."},
           {"sources", "Sources"},
           {"sources_text",
            "\"provided\": you gave them to us; \"observed\": they come from your "
            "use of our services."},
           {"rights", "Your rights"},
           {"dpo", "Data protection officer"},
           {"complaint", "You may lodge a complaint with the CNIL:"},
           {"verify",
            "This archive is signed: manifest.json lists the SHA-256 digest of every "
            "file, manifest.sig is its Ed25519 signature, checked with the key "
            "signing-key.pem (see the verification notice)."}}};
}

constexpr const char* kEventsPlaceholder = "@@charter-events@@";

// A JSON string. ASCII is escaped here (the common case, fast); text with other bytes goes
// through nlohmann, which replaces invalid UTF-8.
void append_json_string(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) {
      out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
      return;
    }
  }
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// The events array of data.json, written directly (a subject may have tens of thousands): the
// same members and layout as nlohmann's dump(2) at depth 1.
std::string events_json(const Dossier& d, const ManifestInfo& info,
                        const std::vector<std::string>& times) {
  std::string out = "[";
  bool first = true;
  for (std::size_t i = 0; i < d.data.events.size(); ++i) {
    const auto& e = d.data.events[i];
    if (info.portability && !portable(e.source)) continue;
    out += first ? "\n    {" : ",\n    {";
    first = false;
    out += "\n      \"id\": ";
    append_json_string(out, e.id);
    out += ",\n      \"field\": ";
    append_json_string(out, e.field);
    out += ",\n      \"category\": ";
    append_json_string(out, e.category);
    out += ",\n      \"occurred_at\": ";
    append_json_string(out, times[i]);
    out += ",\n      \"source\": ";
    append_json_string(out, to_string(e.source));
    out += ",\n      \"payload\": ";
    append_json_string(out, e.payload);
    out += "\n    }";
  }
  out += first ? "]" : "\n  ]";
  return out;
}

json data_json(const Dossier& d, const policy::Policy& p, const ManifestInfo& info) {
  json values = json::array();
  for (const auto& v : d.data.values) {
    if (info.portability && !portable(v.source)) continue;
    values.push_back({{"field", v.field},
                      {"category", v.category},
                      {"value", v.value},
                      {"source", to_string(v.source)},
                      {"collected_at", ts(v.collected_at)},
                      {"updated_at", ts(v.updated_at)}});
  }
  // Events (often thousands) are written by events_json() and spliced in: see render_files.
  const json events = kEventsPlaceholder;
  const auto& s = d.data.info;
  json out = {{"format", "charter-subject-data/1"},
              {"subject_id", s.id},
              {"kind", info.portability ? "portability" : "access"},
              {"controller", p.controller.name},
              {"values", std::move(values)},
              {"events", std::move(events)}};
  if (info.portability) return out;
  out["subject"] = {{"status", vault::to_string(s.status)},
                    {"relationship", vault::to_string(s.relationship)},
                    {"contract_start", tsj(s.contract_start)},
                    {"contract_end", tsj(s.contract_end)},
                    {"collected_at", tsj(s.collected_at)},
                    {"last_contact_at", tsj(s.last_contact_at)},
                    {"purposes", s.purposes},
                    {"created_at", ts(s.created_at)}};
  json consents = json::array();
  for (const auto& c : d.consents) {
    consents.push_back({{"event_id", c.event_id},
                        {"purpose", c.purpose},
                        {"kind", consent::to_string(c.kind)},
                        {"at", ts(c.at)},
                        {"channel", c.channel},
                        {"language", c.language},
                        {"expires_at", tsj(c.expires_at)},
                        {"gpc", c.gpc}});
  }
  json objections = json::array();
  for (const auto& o : d.objections) {
    objections.push_back({{"event_id", o.event_id},
                          {"purpose", o.purpose},
                          {"kind", consent::to_string(o.kind)},
                          {"at", ts(o.at)},
                          {"channel", o.channel}});
  }
  json restrictions = json::array();
  for (const auto& r : d.restrictions) {
    restrictions.push_back({{"event_id", r.event_id},
                            {"kind", consent::to_string(r.kind)},
                            {"ground", r.ground ? json(consent::to_string(*r.ground)) : json()},
                            {"at", ts(r.at)},
                            {"channel", r.channel}});
  }
  json access = json::array();
  for (const auto& a : d.access) {
    access.push_back({{"time", ts(a.time)},
                      {"actor_kind", actor_text(a.actor_kind)},
                      {"actor", a.actor},
                      {"action", a.action},
                      {"purpose", a.purpose},
                      {"decision", decision_text(a.decision)},
                      {"reason", a.reason}});
  }
  out["consents"] = std::move(consents);
  out["objections"] = std::move(objections);
  out["restrictions"] = std::move(restrictions);
  out["access_history"] = std::move(access);
  return out;
}

mu::data report_view(const Dossier& d, const policy::Policy& p, const ManifestInfo& info) {
  const std::string& lang = info.language;
  const Words w = words(lang);
  mu::data v;
  for (const auto& [k, s] : w.w) v.set("w_" + k, s);
  v.set("lang", lang);
  v.set("title", info.portability ? w["title_portability"] : w["title"]);
  v.set("controller", p.controller.name);
  v.set("generated", ts(info.created_at));
  v.set("expires", ts(info.expires_at));
  v.set("subject_id", d.data.info.id);
  v.set("status", vault::to_string(d.data.info.status));
  v.set("dpo_email", p.controller.dpo_email);
  v.set("complaint_url", p.authority.complaint_url.empty() ? "https://www.cnil.fr/fr/plaintes/"
                                                           : p.authority.complaint_url);
  auto category_label = [&](const std::string& id) {
    const auto* c = p.find_category(id);
    return c ? label_of(c->label, lang) : id;
  };
  mu::data values{mu::data::type::list};
  for (const auto& x : d.data.values) {
    if (info.portability && !portable(x.source)) continue;
    const auto* f = p.find_field(x.field);
    mu::data row;
    row.set("field", f ? label_of(f->label, lang) : x.field);
    row.set("value", x.value);
    row.set("category", category_label(x.category));
    row.set("source", to_string(x.source));
    row.set("collected", ts(x.collected_at));
    values.push_back(row);
  }
  v.set("values", values);
  v.set("has_values", !values.list_value().empty());
  struct Summary {
    std::int64_t n = 0;
    Timestamp first, last;
    std::string category;
    policy::Source source;
  };
  std::map<std::string, Summary> by_field;
  for (const auto& e : d.data.events) {
    auto& s = by_field[e.field];
    if (s.n == 0 || e.occurred_at < s.first) s.first = e.occurred_at;
    if (s.n == 0 || e.occurred_at > s.last) s.last = e.occurred_at;
    s.category = e.category;
    s.source = e.source;
    ++s.n;
  }
  mu::data events{mu::data::type::list};
  for (const auto& [field, s] : by_field) {
    const auto* f = p.find_field(field);
    mu::data row;
    row.set("field", f ? label_of(f->label, lang) : field);
    row.set("category", category_label(s.category));
    row.set("source", to_string(s.source));
    row.set("count", std::to_string(s.n));
    row.set("first", ts(s.first));
    row.set("last", ts(s.last));
    events.push_back(row);
  }
  v.set("events", events);
  v.set("has_events", !by_field.empty());

  auto phrases = policy::Phrases::for_language(lang);
  mu::data purposes{mu::data::type::list};
  for (const auto& pu : p.purposes) {
    bool concerned = d.data.info.purposes.empty();
    for (const auto& id : d.data.info.purposes) concerned = concerned || id == pu.id;
    for (const auto& c : d.consents) concerned = concerned || c.purpose == pu.id;
    if (!concerned) continue;
    mu::data row;
    row.set("label", label_of(pu.label, lang));
    row.set("description", label_of(pu.description, lang));
    const auto* b = p.find_basis(pu.basis);
    row.set("basis", b ? label_of(b->label, lang) : pu.basis);
    std::string cats, recs, ret;
    for (const auto& c : pu.categories) cats += (cats.empty() ? "" : ", ") + category_label(c);
    for (const auto& r : pu.recipients) {
      const auto* rec = p.find_recipient(r);
      recs += (recs.empty() ? "" : ", ") + (rec ? label_of(rec->label, lang) : r);
    }
    if (phrases.ok()) {
      for (const auto& rule : pu.retention) {
        std::string rc;
        for (const auto& c : rule.categories) rc += (rc.empty() ? "" : ", ") + category_label(c);
        ret += (ret.empty() ? "" : " ") + rc + " : " +
               policy::describe_retention(rule, *phrases, policy::RetentionStyle::kShort) + ".";
      }
    }
    row.set("categories", cats);
    row.set("recipients", recs);
    row.set("retention", ret);
    purposes.push_back(row);
  }
  v.set("purposes", purposes);

  auto history = [&](auto&& fill) {
    mu::data list{mu::data::type::list};
    fill(list);
    return list;
  };
  mu::data consents = history([&](mu::data& l) {
    for (const auto& c : d.consents) {
      mu::data r;
      const auto* pu = p.find_purpose(c.purpose);
      r.set("when", ts(c.at));
      r.set("what", std::string(consent::to_string(c.kind)) + " — " +
                        (pu ? label_of(pu->label, lang) : c.purpose));
      r.set("channel", c.channel);
      l.push_back(r);
    }
  });
  v.set("has_consents", !consents.list_value().empty());
  v.set("consents", consents);
  mu::data objections = history([&](mu::data& l) {
    for (const auto& o : d.objections) {
      mu::data r;
      const auto* pu = p.find_purpose(o.purpose);
      r.set("when", ts(o.at));
      r.set("what", std::string(consent::to_string(o.kind)) + " — " +
                        (pu ? label_of(pu->label, lang) : o.purpose));
      r.set("channel", o.channel);
      l.push_back(r);
    }
  });
  v.set("has_objections", !objections.list_value().empty());
  v.set("objections", objections);
  mu::data restrictions = history([&](mu::data& l) {
    for (const auto& x : d.restrictions) {
      mu::data r;
      r.set("when", ts(x.at));
      r.set("what", std::string(consent::to_string(x.kind)) +
                        (x.ground ? std::string(" — ") + consent::to_string(*x.ground) : ""));
      r.set("channel", x.channel);
      l.push_back(r);
    }
  });
  v.set("has_restrictions", !restrictions.list_value().empty());
  v.set("restrictions", restrictions);
  mu::data access = history([&](mu::data& l) {
    for (const auto& a : d.access) {
      mu::data r;
      r.set("when", ts(a.time));
      r.set("who", std::string(actor_text(a.actor_kind)) + (a.actor.empty() ? "" : " " + a.actor));
      r.set("what", a.action + (a.purpose.empty() ? "" : " (" + a.purpose + ")"));
      r.set("decision", decision_text(a.decision));
      l.push_back(r);
    }
  });
  v.set("has_access", !access.list_value().empty());
  v.set("access", access);
  v.set("full", !info.portability);

  mu::data rights{mu::data::type::list};
  for (const auto& r : p.rights.list) {
    mu::data row;
    row.set("label", label_of(r.label, lang));
    row.set("article", r.article);
    row.set("description", label_of(r.description, lang));
    rights.push_back(row);
  }
  v.set("rights", rights);
  return v;
}

}  // namespace

std::vector<ArchiveFile> render_files(const Dossier& d, const policy::Policy& p,
                                      const ManifestInfo& info) {
  std::vector<ArchiveFile> files;
  std::vector<std::string> times;  // each event's time, formatted once
  times.reserve(d.data.events.size());
  for (const auto& e : d.data.events) times.push_back(ts(e.occurred_at));
  std::string data = data_json(d, p, info).dump(2, ' ', false, json::error_handler_t::replace);
  const std::string placeholder = std::string("\"") + kEventsPlaceholder + "\"";
  if (auto at = data.find(placeholder); at != std::string::npos) {
    data.replace(at, placeholder.size(), events_json(d, info, times));
  }
  files.push_back({"data.json", data + "\n"});
  Csv values({"field", "category", "value", "source", "collected_at", "updated_at"});
  for (const auto& v : d.data.values) {
    if (info.portability && !portable(v.source)) continue;
    values.row(
        {v.field, v.category, v.value, to_string(v.source), ts(v.collected_at), ts(v.updated_at)});
  }
  files.push_back({"csv/values.csv", std::move(values.text)});
  Csv events({"id", "field", "category", "occurred_at", "source", "payload"});
  for (std::size_t i = 0; i < d.data.events.size(); ++i) {
    const auto& e = d.data.events[i];
    if (info.portability && !portable(e.source)) continue;
    events.row({e.id, e.field, e.category, times[i], to_string(e.source), e.payload});
  }
  files.push_back({"csv/events.csv", std::move(events.text)});
  if (!info.portability) {
    Csv consents({"event_id", "purpose", "kind", "at", "channel", "language", "expires_at"});
    for (const auto& c : d.consents)
      consents.row({c.event_id, c.purpose, consent::to_string(c.kind), ts(c.at), c.channel,
                    c.language, ts(c.expires_at)});
    files.push_back({"csv/consents.csv", std::move(consents.text)});
    Csv objections({"event_id", "purpose", "kind", "at", "channel"});
    for (const auto& o : d.objections)
      objections.row({o.event_id, o.purpose, consent::to_string(o.kind), ts(o.at), o.channel});
    files.push_back({"csv/objections.csv", std::move(objections.text)});
    Csv restrictions({"event_id", "kind", "ground", "at", "channel"});
    for (const auto& r : d.restrictions)
      restrictions.row({r.event_id, consent::to_string(r.kind),
                        r.ground ? consent::to_string(*r.ground) : "", ts(r.at), r.channel});
    files.push_back({"csv/restrictions.csv", std::move(restrictions.text)});
    Csv access({"time", "actor_kind", "actor", "action", "purpose", "decision", "reason"});
    for (const auto& a : d.access)
      access.row({ts(a.time), actor_text(a.actor_kind), a.actor, a.action, a.purpose,
                  decision_text(a.decision), a.reason});
    files.push_back({"csv/access_history.csv", std::move(access.text)});
  }
  auto text = policy::embedded_template("archive.html.mustache");
  std::string html;
  if (text) {
    mu::mustache tmpl{std::string(*text)};
    html = tmpl.render(report_view(d, p, info));
  }
  files.push_back({"report.html", std::move(html)});
  return files;
}

std::string make_manifest(const std::vector<ArchiveFile>& files, const ManifestInfo& info,
                          std::string_view subject_id, const crypto::PublicKey& key,
                          std::string_view policy_version) {
  json list = json::array();
  for (const auto& f : files) {
    auto digest = crypto::sha256(
        crypto::ByteView(reinterpret_cast<const std::uint8_t*>(f.bytes.data()), f.bytes.size()));
    list.push_back({{"name", f.name}, {"bytes", f.bytes.size()}, {"sha256", to_hex(digest)}});
  }
  json m = {{"format", "charter-archive/1"},
            {"archive_id", info.archive_id},
            {"kind", info.portability ? "portability" : "access"},
            {"subject_id", subject_id},
            {"request_id", info.request_id},
            {"language", info.language},
            {"created_at", ts(info.created_at)},
            {"expires_at", ts(info.expires_at)},
            {"policy_version", policy_version},
            {"signature",
             {{"algorithm", "Ed25519"},
              {"file", "manifest.sig"},
              {"public_key_hex", to_hex(key)},
              {"public_key_file", "signing-key.pem"}}},
            {"files", std::move(list)}};
  return m.dump(2) + "\n";
}

}  // namespace charter::archive
