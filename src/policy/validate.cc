#include "policy/validate.h"

#include <map>
#include <set>
#include <string>

#include "policy/eu.h"
#include "policy/yaml_reader.h"

namespace charter::policy {
namespace {

// The rights a GDPR controller must offer; post_mortem (French law) is optional.
const std::vector<std::string> kRequiredRights = {
    "access",      "rectification",    "erasure",  "restriction",
    "portability", "withdraw_consent", "objection"};
const std::set<std::string> kKnownRights = {"access",      "rectification", "erasure",
                                            "restriction", "portability",   "withdraw_consent",
                                            "objection",   "post_mortem"};

template <typename T>
std::set<std::string> unique_ids(const std::vector<T>& items, const std::string& list,
                                 IssueLog& log) {
  std::set<std::string> ids;
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& id = items[i].id;
    if (id.empty()) continue;
    if (!ids.insert(id).second) {
      log.add_at(
          join_key(index_key(list, i), "id"),
          "duplicate id \"" + id + "\" (already used by " + index_key(list, first[id]) + ")");
    } else {
      first[id] = i;
    }
  }
  return ids;
}

void check_refs(const std::vector<std::string>& refs, const std::set<std::string>& known,
                const std::string& path, const char* what, IssueLog& log) {
  std::string allowed;
  for (auto& k : known) allowed += (allowed.empty() ? "" : ", ") + k;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (!known.count(refs[i])) {
      log.add_at(index_key(path, i),
                 "unknown " + std::string(what) + " \"" + refs[i] + "\"; declared: " + allowed);
    }
  }
}

void check_ref(const std::string& ref, const std::set<std::string>& known, const std::string& path,
               const char* what, IssueLog& log) {
  if (ref.empty()) return;
  if (!known.count(ref)) {
    std::string allowed;
    for (auto& k : known) allowed += (allowed.empty() ? "" : ", ") + k;
    log.add_at(path, "unknown " + std::string(what) + " \"" + ref + "\"; declared: " + allowed);
  }
}

void check_eu(const std::string& country, const std::string& path, const char* what,
              IssueLog& log) {
  if (!country.empty() && !is_eu_country(country)) {
    log.add_at(path, std::string(what) + " in \"" + country +
                         "\", outside the European Union; allowed: " + eu_country_list());
  }
}

}  // namespace

void validate_policy(const Policy& p, IssueLog& log) {
  auto categories = unique_ids(p.categories, "categories", log);
  auto fields = unique_ids(p.fields, "fields", log);
  auto bases = unique_ids(p.legal_bases, "legal_bases", log);
  auto recipients = unique_ids(p.recipients, "recipients", log);
  auto channels = unique_ids(p.channels, "channels", log);
  auto purposes = unique_ids(p.purposes, "purposes", log);
  auto subjects = unique_ids(p.data_subjects, "data_subjects", log);
  unique_ids(p.hosting, "hosting", log);
  unique_ids(p.security_measures, "security_measures", log);
  auto rights = unique_ids(p.rights.list, "rights.list", log);

  // C10: hosting and recipients in the EU; C9: recipients inside the company.
  for (std::size_t i = 0; i < p.hosting.size(); ++i) {
    check_eu(p.hosting[i].country, join_key(index_key("hosting", i), "country"), "hosting", log);
  }
  for (std::size_t i = 0; i < p.recipients.size(); ++i) {
    std::string path = index_key("recipients", i);
    if (!p.recipients[i].internal) {
      log.add_at(join_key(path, "organisation"),
                 "recipient \"" + p.recipients[i].id +
                     "\" is outside the company; the charter allows internal recipients only "
                     "(data is never ceded, sold or rented)");
    }
    check_eu(p.recipients[i].country, join_key(path, "country"), "recipient located", log);
  }

  // Fields: category exists, required_for purposes exist, and some purpose uses the field.
  std::set<std::string> used_categories;
  for (auto& pu : p.purposes)
    for (auto& c : pu.categories) used_categories.insert(c);
  for (std::size_t i = 0; i < p.fields.size(); ++i) {
    const Field& f = p.fields[i];
    std::string path = index_key("fields", i);
    check_ref(f.category, categories, join_key(path, "category"), "category", log);
    check_refs(f.required_for, purposes, join_key(path, "required_for"), "purpose", log);
    if (!f.category.empty() && categories.count(f.category) && !used_categories.count(f.category)) {
      log.add_at(join_key(path, "id"), "field \"" + f.id + "\" (category \"" + f.category +
                                           "\") is used by no purpose; remove it or add its "
                                           "category to a purpose (data minimisation)");
    }
    for (std::size_t k = 0; k < f.required_for.size(); ++k) {
      const Purpose* pu = p.find_purpose(f.required_for[k]);
      if (pu && !f.category.empty()) {
        bool uses = false;
        for (auto& c : pu->categories) uses = uses || c == f.category;
        if (!uses) {
          log.add_at(index_key(join_key(path, "required_for"), k),
                     "purpose \"" + pu->id + "\" does not use category \"" + f.category +
                         "\", so it cannot require this field");
        }
      }
    }
    if (f.blind_index && f.type != FieldType::kEmail && f.type != FieldType::kPhone) {
      log.add_at(join_key(path, "blind_index"),
                 "blind indexes are for e-mail and phone fields only; found type " +
                     std::string(to_string(f.type)));
    }
  }
  for (std::size_t i = 0; i < p.categories.size(); ++i) {
    const Category& c = p.categories[i];
    bool has_field = false;
    for (auto& f : p.fields) has_field = has_field || f.category == c.id;
    if (!c.id.empty() && !has_field) {
      log.add_at(join_key(index_key("categories", i), "id"),
                 "category \"" + c.id + "\" declares no field; each category needs at least one");
    }
  }

  // Purposes.
  for (std::size_t i = 0; i < p.purposes.size(); ++i) {
    const Purpose& pu = p.purposes[i];
    std::string path = index_key("purposes", i);
    check_ref(pu.basis, bases, join_key(path, "basis"), "legal basis", log);
    check_refs(pu.subjects, subjects, join_key(path, "subjects"), "data subject type", log);
    check_refs(pu.categories, categories, join_key(path, "categories"), "category", log);
    check_refs(pu.recipients, recipients, join_key(path, "recipients"), "recipient", log);
    if (pu.categories.empty()) log.add_at(join_key(path, "categories"), "must not be empty");
    if (pu.recipients.empty()) log.add_at(join_key(path, "recipients"), "must not be empty");
    if (pu.subjects.empty()) log.add_at(join_key(path, "subjects"), "must not be empty");

    const LegalBasis* basis = p.find_basis(pu.basis);
    bool is_consent = basis && basis->kind == BasisKind::kConsent;
    if (is_consent && !pu.consent) {
      log.add_at(join_key(path, "basis"),
                 "purpose \"" + pu.id +
                     "\" rests on consent but has no consent block (withdrawal_channels, notice)");
    }
    if (!is_consent && basis && pu.consent) {
      log.add_at(join_key(path, "consent"),
                 "purpose \"" + pu.id + "\" does not rest on consent (basis \"" + pu.basis +
                     "\"); remove the consent block or change the basis");
    }
    if (pu.consent) {
      std::string cp = join_key(path, "consent");
      if (pu.consent->withdrawal_channels.empty()) {
        log.add_at(join_key(cp, "withdrawal_channels"),
                   "a consent purpose needs at least one withdrawal channel (consent must be as "
                   "easy to withdraw as to give)");
      }
      check_refs(pu.consent->withdrawal_channels, channels, join_key(cp, "withdrawal_channels"),
                 "channel", log);
    }
    if (basis && basis->kind == BasisKind::kLegitimateInterest &&
        pu.objection == Objection::kNone) {
      log.add_at(join_key(path, "basis"),
                 "purpose \"" + pu.id +
                     "\" rests on legitimate interest, so the right to object applies: set "
                     "objection to overridable or absolute");
    }
    if (basis && pu.objection == Objection::kOverridable &&
        basis->kind != BasisKind::kLegitimateInterest && basis->kind != BasisKind::kPublicTask) {
      log.add_at(join_key(path, "objection"),
                 "objection \"overridable\" applies to legitimate interest or public task only; "
                 "found basis \"" +
                     pu.basis + "\"");
    }

    // Retention: every rule has a duration and a trigger, covers only the purpose's categories,
    // and every category of the purpose has a rule.
    std::set<std::string> covered;
    for (std::size_t k = 0; k < pu.retention.size(); ++k) {
      const RetentionRule& rule = pu.retention[k];
      std::string rp = index_key(join_key(path, "retention"), k);
      if (rule.after.empty() && rule.open_while.empty() && !log.has_issue_under(rp)) {
        log.add_at(rp,
                   "retention rule has no trigger: give `after` (an event the duration runs "
                   "from) or `open_while` (a state that keeps it open)");
      }
      for (std::size_t c = 0; c < rule.categories.size(); ++c) {
        const std::string& cat = rule.categories[c];
        covered.insert(cat);
        bool in_purpose = false;
        for (auto& pc : pu.categories) in_purpose = in_purpose || pc == cat;
        if (!in_purpose) {
          log.add_at(
              index_key(join_key(rp, "categories"), c),
              "category \"" + cat + "\" is not among the categories of purpose \"" + pu.id + "\"");
        }
      }
    }
    for (auto& cat : pu.categories) {
      if (!covered.count(cat) && categories.count(cat)) {
        log.add_at(join_key(path, "retention"),
                   "no retention rule for category \"" + cat + "\" of purpose \"" + pu.id + "\"");
      }
    }
  }
  if (!p.purposes.empty()) {
    for (std::size_t i = 0; i < p.legal_bases.size(); ++i) {
      bool used = false;
      for (auto& pu : p.purposes) used = used || pu.basis == p.legal_bases[i].id;
      if (!used) {
        log.add_at(join_key(index_key("legal_bases", i), "id"),
                   "legal basis \"" + p.legal_bases[i].id + "\" is used by no purpose");
      }
    }
  }

  // Rights (C15, C16).
  check_refs(p.rights.channels, channels, "rights.channels", "channel", log);
  if (p.rights.channels.empty()) log.add_at("rights.channels", "must not be empty");
  for (std::size_t i = 0; i < p.rights.list.size(); ++i) {
    const std::string& id = p.rights.list[i].id;
    if (!id.empty() && !kKnownRights.count(id)) {
      log.add_at(join_key(index_key("rights.list", i), "id"),
                 "unknown right \"" + id +
                     "\"; known: access, rectification, erasure, restriction, portability, "
                     "withdraw_consent, objection, post_mortem");
    }
  }
  for (auto& r : kRequiredRights) {
    if (!rights.count(r)) log.add_at("rights.list", "missing right \"" + r + "\"");
  }
  if (p.rights.deadline.is_zero()) log.add_at("rights.deadline", "must be longer than P0D");

  // Staff (C11).
  check_refs(p.staff.roles, recipients, "staff.roles", "recipient", log);
  if (p.staff.training_validity.is_zero()) {
    log.add_at("staff.training_validity", "must be longer than P0D");
  }
}

}  // namespace charter::policy
