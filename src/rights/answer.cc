#include "rights/answer.h"

namespace charter::rights {
namespace {

bool fr(std::string_view lang) { return lang == "fr"; }

std::string intro(const policy::Policy& policy, const Request& r) {
  const std::string label = right_label(policy, r.type, r.language);
  if (fr(r.language)) {
    return "Bonjour,\n\nVotre demande " + r.id + " (" + label + "), reçue le " +
           format_date(r.received) + " :\n\n";
  }
  return "Hello,\n\nYour request " + r.id + " (" + label + "), received on " +
         format_date(r.received) + ":\n\n";
}

}  // namespace

std::string right_label(const policy::Policy& policy, RightType t, std::string_view lang) {
  const std::string l(fr(lang) ? "fr" : "en");
  const policy::Right* right = policy.find_right(to_string(t));
  std::string name;
  if (right != nullptr) {
    auto it = right->label.by_lang.find(l);
    if (it != right->label.by_lang.end()) name = it->second;
  }
  if (name.empty()) {
    name = t == RightType::kUnclassified ? (fr(lang) ? "demande à qualifier" : "to be classified")
                                         : to_string(t);
  }
  const std::string article = article_of(t);
  return article.empty() ? name : name + " (" + article + ")";
}

std::string dpo_and_cnil(const policy::Policy& policy, std::string_view lang) {
  const std::string dpo = policy.controller.dpo_email.empty() ? policy.controller.contact_email
                                                              : policy.controller.dpo_email;
  const std::string cnil = policy.authority.complaint_url.empty() ? std::string(kCnilComplaints)
                                                                  : policy.authority.complaint_url;
  if (fr(lang)) {
    return "\n\nVotre délégué à la protection des données (DPO) : " + dpo +
           ".\nVous pouvez introduire une réclamation auprès de la CNIL : " + cnil + "\n";
  }
  return "\n\nOur data protection officer (DPO): " + dpo +
         ".\nYou have the right to lodge a complaint with the CNIL: " + cnil + "\n";
}

notify::Email code_email(const policy::Policy& policy, const Request& r, std::string_view code,
                         int ttl_minutes) {
  notify::Email e;
  e.to = r.email;
  e.language = fr(r.language) ? "fr" : "en";
  e.kind = "code";
  e.reference = r.id;
  const std::string name = policy.controller.name;
  if (fr(r.language)) {
    e.subject = "Votre code de vérification : " + std::string(code);
    e.text = "Bonjour,\n\nPour confirmer votre demande " + r.id + " auprès de " + name +
             ", saisissez ce code : " + std::string(code) + "\nIl est valable " +
             std::to_string(ttl_minutes) +
             " minutes.\n\nSi vous n'avez rien demandé, ignorez ce message.\n";
  } else {
    e.subject = "Your verification code: " + std::string(code);
    e.text = "Hello,\n\nTo confirm your request " + r.id + " to " + name +
             ", enter this code: " + std::string(code) + "\nIt is valid for " +
             std::to_string(ttl_minutes) +
             " minutes.\n\nIf you did not ask for anything, ignore this message.\n";
  }
  return e;
}

notify::Email extension_email(const policy::Policy& policy, const Request& r,
                              std::string_view reason) {
  notify::Email e;
  e.to = r.email;
  e.language = fr(r.language) ? "fr" : "en";
  e.kind = "extension";
  e.reference = r.id;
  const std::string until = r.extended_due ? format_date(*r.extended_due) : format_date(r.due);
  if (fr(r.language)) {
    e.subject = "Votre demande " + r.id + " : délai prolongé";
    e.text = intro(policy, r) +
             "Nous avons besoin de plus de temps pour y répondre (article 12(3) du RGPD), pour "
             "la raison suivante : " +
             std::string(reason) + "\nNous vous répondrons au plus tard le " + until + ".";
  } else {
    e.subject = "Your request " + r.id + ": deadline extended";
    e.text = intro(policy, r) +
             "We need more time to answer it (GDPR art. 12(3)), for this reason: " +
             std::string(reason) + "\nWe will answer by " + until + " at the latest.";
  }
  e.text += dpo_and_cnil(policy, r.language);
  return e;
}

notify::Email answer_email(const policy::Policy& policy, const Request& r, std::string_view body) {
  notify::Email e;
  e.to = r.email;
  e.language = fr(r.language) ? "fr" : "en";
  e.kind = "answer";
  e.reference = r.id;
  e.subject = fr(r.language) ? "Réponse à votre demande " + r.id : "Answer to your request " + r.id;
  e.text = intro(policy, r) + std::string(body) + dpo_and_cnil(policy, r.language);
  return e;
}

}  // namespace charter::rights
