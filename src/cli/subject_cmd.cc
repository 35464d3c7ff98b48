// charter subject add|show|find|rectify|event|erase — the DPO's commands on the vault.
// Errors never contain personal data: they name fields, ids and what was expected. `show`
// prints the data because the DPO asked for it.
#include <cstdio>
#include <map>

#include "cli/areas.h"
#include "cli/common.h"
#include "cli/retention_cli.h"
#include "cli/vault_cli.h"
#include "policy/version.h"

namespace charter::cli {
namespace {

using vault::FieldInput;

// "name=value" (split at the first '='). The message never repeats the argument.
Result<FieldInput> parse_field(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) {
    return make_error(Errc::kInvalidArgument, "--field expects name=value");
  }
  return FieldInput{arg.substr(0, eq), arg.substr(eq + 1)};
}

Result<std::optional<Timestamp>> parse_when(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Timestamp>();
  auto t = parse_timestamp(text);
  if (!t) {
    return make_error(Errc::kInvalidArgument,
                      std::string(option) + ": expected YYYY-MM-DD or an RFC 3339 time");
  }
  return std::optional<Timestamp>(*t);
}

std::string when(const std::optional<Timestamp>& t) { return t ? format_timestamp(*t) : "-"; }

// Multi-line values keep their lines, indented under the field.
std::string indent(const std::string& value) {
  std::string out;
  for (char c : value) {
    out.push_back(c);
    if (c == '\n') out += "      ";
  }
  return out;
}

struct SubjectOpts {
  VaultOptions vault;
  std::string id;
  std::vector<std::string> purposes;
  std::string relationship = "prospect";
  std::string contract_start, contract_end, at;
  std::vector<std::string> fields;
  std::string email, phone, field, payload;
  bool events = false;
  std::size_t limit = 100;
  std::vector<std::string> classes;
  bool legal_hold = false, request_open = false;
  std::string lang = "en";
};

int subject_add(const SubjectOpts& o) {
  vault::NewSubject s;
  s.purposes = o.purposes;
  auto rel = vault::parse_relationship(o.relationship);
  if (!rel) return fail(rel.error());
  s.relationship = *rel;
  auto start = parse_when(o.contract_start, "--contract-start");
  if (!start) return fail(start.error());
  auto end = parse_when(o.contract_end, "--contract-end");
  if (!end) return fail(end.error());
  s.contract_start = *start;
  s.contract_end = *end;
  for (const auto& f : o.fields) {
    auto parsed = parse_field(f);
    if (!parsed) return fail(parsed.error());
    s.fields.push_back(std::move(parsed).value());
  }
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  auto id = (*v)->vault->create_subject(s);
  if (!id) return fail(id.error());
  reindex_after_change(**v, o.vault, *id);
  std::printf("%s\n", id->c_str());
  return 0;
}

int subject_show(const SubjectOpts& o) {
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  vault::ReadRequest r;
  r.subject_id = o.id;
  r.purpose = "rights_management";
  r.events = o.events;
  r.event_limit = o.limit;
  auto data = (*v)->vault->read(r);
  if (!data) return fail(data.error());
  const vault::SubjectInfo& i = data->info;
  std::printf("subject %s\n", i.id.c_str());
  std::printf("  status: %s\n", vault::to_string(i.status));
  std::printf("  relationship: %s\n", vault::to_string(i.relationship));
  std::printf("  contract: %s .. %s\n", when(i.contract_start).c_str(),
              when(i.contract_end).c_str());
  std::printf("  collected: %s; last contact: %s\n", when(i.collected_at).c_str(),
              when(i.last_contact_at).c_str());
  std::string purposes;
  for (const auto& p : i.purposes) purposes += (purposes.empty() ? "" : ", ") + p;
  std::printf("  collection purposes: %s\n", purposes.empty() ? "-" : purposes.c_str());
  std::printf("  policy version: %s\n", policy::short_version(i.policy_version).c_str());
  std::printf("  created: %s; updated: %s%s\n", format_timestamp(i.created_at).c_str(),
              format_timestamp(i.updated_at).c_str(),
              i.erased_at ? ("; erased: " + format_timestamp(*i.erased_at)).c_str() : "");
  std::printf("values:\n");
  if (data->values.empty()) std::printf("  (none)\n");
  for (const auto& f : data->values) {
    std::printf("  %s [%s, %s, updated %s]:\n      %s\n", f.field.c_str(), f.category.c_str(),
                vault::source_name(f.source), format_timestamp(f.updated_at).c_str(),
                indent(f.value).c_str());
  }
  if (o.events) {
    std::printf("events (newest first, at most %zu):\n", o.limit);
    if (data->events.empty()) std::printf("  (none)\n");
    for (const auto& e : data->events) {
      std::printf("  %s %s [%s, %s] %s:\n      %s\n", format_timestamp(e.occurred_at).c_str(),
                  e.field.c_str(), e.category.c_str(), vault::source_name(e.source), e.id.c_str(),
                  indent(e.payload).c_str());
    }
  }
  return 0;
}

int subject_find(const SubjectOpts& o) {
  std::vector<FieldInput> queries;
  if (!o.email.empty()) queries.push_back({"email", o.email});
  if (!o.phone.empty()) queries.push_back({"phone", o.phone});
  if (!o.field.empty()) {
    auto parsed = parse_field(o.field);
    if (!parsed) return fail(parsed.error());
    queries.push_back(std::move(parsed).value());
  }
  if (queries.size() != 1) {
    return fail(
        make_error(Errc::kInvalidArgument, "give exactly one of --email, --phone, --field"));
  }
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  auto ids = (*v)->vault->find(queries[0].field, queries[0].value);
  if (!ids) return fail(ids.error());
  if (ids->empty()) {
    return fail(make_error(Errc::kNotFound, "no subject has this " + queries[0].field));
  }
  for (const auto& id : *ids) std::printf("%s\n", id.c_str());
  return 0;
}

int subject_rectify(const SubjectOpts& o) {
  if (o.fields.size() != 1) {
    return fail(make_error(Errc::kInvalidArgument, "give one --field name=value"));
  }
  auto parsed = parse_field(o.fields[0]);
  if (!parsed) return fail(parsed.error());
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  auto report = (*v)->vault->rectify(o.id, parsed->field, parsed->value);
  if (!report) return fail(report.error());
  std::printf("%s: field %s rectified; class key now version %u (%lld other item(s) resealed)%s\n",
              o.id.c_str(), parsed->field.c_str(), report->key_version,
              static_cast<long long>(report->resealed),
              report->scrubbed ? "; old page images checkpointed out of the WAL" : "");
  return 0;
}

int subject_event(const SubjectOpts& o) {
  auto occurred = parse_when(o.at, "--at");
  if (!occurred) return fail(occurred.error());
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  vault::NewEvent e{o.id, o.field, occurred->value_or((*v)->clock.now()), o.payload, {}};
  auto id = (*v)->vault->record_event(e);
  if (!id) return fail(id.error());
  reindex_after_change(**v, o.vault, o.id);
  std::printf("%s\n", id->c_str());
  return 0;
}

int subject_erase(const SubjectOpts& o) {
  auto v = open_vault(o.vault);
  if (!v) return fail(v.error());
  vault::ErasureRequest req;
  req.subject_id = o.id;
  req.classes = o.classes;
  req.facts.legal_hold = o.legal_hold;
  req.facts.request_open = o.request_open;
  {
    // A legal hold placed with `charter hold place` counts as --legal-hold.
    auto ctx = open_retention(**v, o.vault, /*quiet=*/true);
    if (!ctx) return fail(ctx.error());
    auto facts = (*ctx)->engine->erasure_facts(o.id);
    if (!facts) return fail(facts.error());
    req.facts.legal_hold = req.facts.legal_hold || facts->legal_hold;
  }
  auto r = (*v)->vault->erase(req);
  if (!r) return fail(r.error());
  reindex_after_change(**v, o.vault, o.id);
  std::printf("erasure %s of %s at %s\n", r->erasure_id.c_str(), r->subject_id.c_str(),
              format_timestamp(r->at).c_str());
  for (const auto& d : r->destroyed) {
    std::printf("destroyed: %s (%lld key(s), %lld value(s), %lld event(s))\n", d.cls.c_str(),
                static_cast<long long>(d.keys), static_cast<long long>(d.values),
                static_cast<long long>(d.events));
  }
  for (const auto& k : r->kept) {
    std::printf("kept: %s (%lld value(s), %lld event(s); %lld older event(s) erased)\n",
                k.cls.c_str(), static_cast<long long>(k.values), static_cast<long long>(k.events),
                static_cast<long long>(k.events_erased));
    for (const auto& h : k.holds) {
      std::printf("  held by %s (%s): %s%s\n    %s\n", h.purpose.c_str(), h.basis.c_str(),
                  h.reason.c_str(),
                  h.until ? (", until " + format_date(date_of(*h.until))).c_str() : "",
                  h.note.by_lang.count(o.lang) ? h.note.in(o.lang).c_str() : "");
    }
  }
  if (r->destroyed.empty() && r->kept.empty()) std::printf("nothing held for this subject\n");
  std::printf("status: %s\n", vault::to_string(r->status_after));
  std::printf("%s\n", r->completion.c_str());
  if (!r->scrub_error.empty()) std::printf("scrub: %s\n", r->scrub_error.c_str());
  return 0;
}

}  // namespace

CLI::App* register_subject_commands(CLI::App& app, Action& action) {
  CLI::App* area = app.add_subcommand("subject", "Data subjects in the vault (for the DPO)");
  area->require_subcommand(1);
  auto o = std::make_shared<SubjectOpts>();
  auto bind = [&action, o](CLI::App* cmd, int (*run)(const SubjectOpts&)) {
    add_vault_options(cmd, o->vault);
    cmd->callback([&action, o, run] { action = [o, run] { return run(*o); }; });
  };

  CLI::App* add = area->add_subcommand(
      "add", "Create a subject; prints its id. Every value is checked against the policy");
  add->add_option("--purpose", o->purposes, "Collection purpose (repeatable)")->required();
  add->add_option("--relationship", o->relationship, "prospect, customer or former_customer")
      ->capture_default_str();
  add->add_option("--contract-start", o->contract_start, "YYYY-MM-DD");
  add->add_option("--contract-end", o->contract_end, "YYYY-MM-DD");
  add->add_option("--field", o->fields, "name=value (repeatable)");
  bind(add, subject_add);

  CLI::App* show = area->add_subcommand("show", "Print a subject's facts and decrypted data");
  show->add_option("id", o->id, "Subject id")->required();
  show->add_flag("--events", o->events, "Also print the events");
  show->add_option("--limit", o->limit, "Most events printed")->capture_default_str();
  bind(show, subject_show);

  CLI::App* find = area->add_subcommand(
      "find", "Print the ids of the subjects with this e-mail or phone (any notation)");
  find->add_option("--email", o->email, "E-mail address");
  find->add_option("--phone", o->phone, "Phone number (national French or international)");
  find->add_option("--field", o->field, "name=value for another blind-indexed field");
  bind(find, subject_find);

  CLI::App* rectify = area->add_subcommand(
      "rectify", "Replace a field's value (the old value is not kept, in clear or encrypted)");
  rectify->add_option("id", o->id, "Subject id")->required();
  rectify->add_option("--field", o->fields, "name=value")->required();
  bind(rectify, subject_rectify);

  CLI::App* event = area->add_subcommand("event", "Record an observed event; prints its id");
  event->add_option("id", o->id, "Subject id")->required();
  event->add_option("--field", o->field, "Event field (policy)")->required();
  event->add_option("--payload", o->payload, "The event's content")->required();
  event->add_option("--at", o->at, "When it happened (default: now)");
  bind(event, subject_event);

  CLI::App* erase = area->add_subcommand(
      "erase",
      "Erase a subject (or some retention classes): destroy what no legal exception holds and "
      "say what is kept and why");
  erase->add_option("id", o->id, "Subject id")->required();
  erase->add_option("--class", o->classes, "Only these retention classes (policy categories)");
  erase->add_flag("--legal-hold", o->legal_hold, "A legal hold (dispute) is in force");
  erase->add_flag("--request-open", o->request_open,
                  "A data-subject request is being handled (its evidence is kept)");
  erase->add_option("--lang", o->lang, "Language of the retention notes (fr, en)")
      ->capture_default_str();
  bind(erase, subject_erase);
  return area;
}

}  // namespace charter::cli
