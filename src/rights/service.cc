#include "rights/service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "rights/answer.h"
#include "vault/normalize.h"

namespace charter::rights {
namespace {

using nlohmann::json;

bool fr(const Request& r) { return r.language == "fr"; }

Actor staff(std::string_view id) { return Actor{Actor::Kind::kStaff, std::string(id)}; }
Actor subject_actor() { return Actor{Actor::Kind::kSubject, ""}; }

Result<json> params_of(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error(Errc::kInvalidArgument, "params: a JSON object is required");
  }
  return j;
}

// The list member `name` of params (strings), or nullopt when absent.
Result<std::optional<std::vector<std::string>>> string_list(const json& p, const char* name) {
  if (!p.contains(name)) return std::optional<std::vector<std::string>>();
  const json& v = p[name];
  if (!v.is_array()) {
    return make_error(Errc::kInvalidArgument,
                      std::string("params.") + name + ": a list of purpose ids is required");
  }
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) {
      return make_error(Errc::kInvalidArgument,
                        std::string("params.") + name + ": a list of purpose ids is required");
    }
    out.push_back(e.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

std::string bullet(const std::string& s) { return "- " + s + "\n"; }

}  // namespace

DeadlineView deadline_view(const Request& r, Date today) {
  DeadlineView v;
  v.due = r.extended_due ? *r.extended_due : r.due;
  if (!is_final(r.state)) v.status = deadline_status(v.due, today);
  return v;
}

RightsService::RightsService(RightsDeps deps) : d_(deps) {}

Status RightsService::need_outbox() const {
  if (d_.outbox == nullptr) {
    return make_error(Errc::kUnavailable,
                      "outbox not configured: e-mails to requesters cannot be sent");
  }
  return ok_status();
}

void RightsService::reindex(std::string_view subject_id) {
  if (d_.retention == nullptr || subject_id.empty()) return;
  // Best effort: the index is rebuilt by the next full sweep if this fails.
  Status st = d_.retention->reindex(subject_id);
  (void)st;
}

Result<Request> RightsService::submit(const NewRequest& in, std::string_view client) {
  CHARTER_TRY_STATUS(need_outbox());
  if (in.type == RightType::kUnclassified) {
    return make_error(Errc::kInvalidArgument,
                      "type: one of access, rectification, erasure, restriction, portability, "
                      "withdraw_consent, objection, post_mortem");
  }
  if (in.received) {
    return make_error(Errc::kInvalidArgument, "received: only the DPO records a receipt date");
  }
  auto email = vault::normalize_email(in.email);
  if (!email) return make_error(Errc::kInvalidArgument, "email: not a valid e-mail address");
  CHARTER_TRY_STATUS(d_.verifier->admit(*email, client));
  CHARTER_TRY(Request r, d_.queue->create(in, subject_actor(), "intake"));
  CHARTER_TRY(std::string code, d_.verifier->issue(r.id));
  const int ttl = static_cast<int>(d_.verifier->options().code_ttl.count());
  CHARTER_TRY(auto sent, d_.outbox->send_email(code_email(d_.queue->policy(), r, code, ttl)));
  (void)sent;
  return d_.queue->transition(r.id, State::kAwaitingVerification,
                              Actor{Actor::Kind::kSystem, "rights"}, "code_sent");
}

Status RightsService::resend_code(std::string_view request_id, std::string_view client) {
  CHARTER_TRY_STATUS(need_outbox());
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.state != State::kAwaitingVerification) {
    return make_error(Errc::kFailedPrecondition, "request: not awaiting verification");
  }
  CHARTER_TRY_STATUS(d_.verifier->admit(r.email, client));
  CHARTER_TRY(std::string code, d_.verifier->issue(r.id));
  const int ttl = static_cast<int>(d_.verifier->options().code_ttl.count());
  CHARTER_TRY(auto sent, d_.outbox->send_email(code_email(d_.queue->policy(), r, code, ttl)));
  (void)sent;
  return ok_status();
}

Result<Verified> RightsService::verify(std::string_view request_id, std::string_view code) {
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.state != State::kAwaitingVerification || r.verified_at) {
    return make_error(Errc::kFailedPrecondition, "request: not awaiting a code");
  }
  CHARTER_TRY_STATUS(d_.verifier->check(request_id, code));
  Changes c;
  c.verified = true;
  Request after;
  if (r.requester == Requester::kSubject) {
    CHARTER_TRY(auto ids, d_.vault->find("email", r.email));
    c.subject_id = ids.empty() ? std::string() : ids.front();
    CHARTER_TRY(after, d_.queue->transition(r.id, State::kInProgress, subject_actor(),
                                            "code_verified", {}, c));
    reindex(after.subject_id);
  } else {
    CHARTER_TRY(after,
                d_.queue->transition(r.id, r.state, subject_actor(), "address_verified", {}, c));
  }
  CHARTER_TRY(auto session, d_.sessions->open(d_.queue->email_index(r.email)));
  return Verified{std::move(after), std::move(session)};
}

Result<std::vector<Request>> RightsService::own_requests(const crypto::BlindIndex& email_index) {
  return d_.queue->list_by_email_index(email_index);
}

Result<Request> RightsService::record(const NewRequest& in, std::string_view staff_id) {
  return d_.queue->create(in, staff(staff_id), "recorded");
}

Result<Request> RightsService::classify(std::string_view request_id, RightType type,
                                        std::string_view staff_id) {
  if (type == RightType::kUnclassified) {
    return make_error(Errc::kInvalidArgument, "type: the right the request exercises");
  }
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  Changes c;
  c.type = type;
  return d_.queue->transition(request_id, r.state, staff(staff_id), "classified", {}, c);
}

Result<Request> RightsService::confirm_identity(std::string_view request_id,
                                                std::string_view staff_id, std::string_view note) {
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.requester != Requester::kSubject) {
    return make_error(Errc::kFailedPrecondition,
                      "request: made by an heir or agent; accept or refuse the proof instead");
  }
  if (note.empty()) {
    return make_error(Errc::kInvalidArgument, "note: say how the identity was established");
  }
  Changes c;
  c.verified = true;
  CHARTER_TRY(auto ids, d_.vault->find("email", r.email));
  c.subject_id = ids.empty() ? std::string() : ids.front();
  CHARTER_TRY(Request after, d_.queue->transition(request_id, State::kInProgress, staff(staff_id),
                                                  "identity_confirmed", note, c));
  reindex(after.subject_id);
  return after;
}

Result<Request> RightsService::send_code(std::string_view request_id, std::string_view staff_id) {
  CHARTER_TRY_STATUS(need_outbox());
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.state != State::kReceived) {
    return make_error(Errc::kFailedPrecondition, std::string("request is ") + to_string(r.state) +
                                                     ": a code is sent only "
                                                     "to a received request");
  }
  CHARTER_TRY(std::string code, d_.verifier->issue(r.id));
  const int ttl = static_cast<int>(d_.verifier->options().code_ttl.count());
  CHARTER_TRY(auto sent, d_.outbox->send_email(code_email(d_.queue->policy(), r, code, ttl)));
  (void)sent;
  return d_.queue->transition(r.id, State::kAwaitingVerification, staff(staff_id), "code_sent");
}

Result<Request> RightsService::upload_proof(std::string_view request_id, std::string_view document,
                                            const Actor& actor) {
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.requester == Requester::kSubject) {
    return make_error(Errc::kFailedPrecondition, "request: made by the subject; no proof needed");
  }
  if (document.empty() || document.size() > 4 * 1024 * 1024) {
    return make_error(Errc::kInvalidArgument, "proof: a document of 1 byte to 4 MiB");
  }
  Changes c;
  c.proof = ProofState::kPending;
  c.proof_document = std::string(document);
  return d_.queue->transition(request_id, r.state, actor, "proof_uploaded", {}, c);
}

Result<Request> RightsService::decide_proof(std::string_view request_id, bool accept,
                                            std::string_view subject_id, std::string_view staff_id,
                                            std::string_view note) {
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.requester == Requester::kSubject || r.proof != ProofState::kPending) {
    return make_error(Errc::kFailedPrecondition, "request: no proof is pending");
  }
  if (note.empty()) return make_error(Errc::kInvalidArgument, "note: the reason of the decision");
  if (!accept) {
    CHARTER_TRY(Outcome o, refuse(request_id, staff_id, "proof_refused", note));
    return o.request;
  }
  CHARTER_TRY(auto info, d_.vault->subject(subject_id));
  Changes c;
  c.proof = ProofState::kAccepted;
  c.subject_id = info.id;
  c.verified = true;
  CHARTER_TRY(Request after, d_.queue->transition(request_id, State::kInProgress, staff(staff_id),
                                                  "proof_accepted", note, c));
  reindex(after.subject_id);
  return after;
}

Result<Request> RightsService::extend(std::string_view request_id, std::string_view staff_id,
                                      std::string_view reason) {
  CHARTER_TRY_STATUS(need_outbox());
  if (reason.empty() || reason.size() > 2000) {
    return make_error(Errc::kInvalidArgument,
                      "reason: why more time is needed (1 to 2000 bytes), sent to the requester");
  }
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.state != State::kInProgress) {
    return make_error(Errc::kFailedPrecondition, std::string("request is ") + to_string(r.state) +
                                                     ": only a request in progress is extended");
  }
  const Date today = date_of(d_.queue->clock().now());
  if (today > r.due) {
    return make_error(Errc::kFailedPrecondition,
                      "request: the first month ended on " + format_date(r.due) +
                          "; an extension must be told within it (art. 12(3))");
  }
  Request told = r;
  told.extended_due = deadlines_for(r.received, d_.queue->policy().rights).extended;
  CHARTER_TRY(auto sent, d_.outbox->send_email(extension_email(d_.queue->policy(), told, reason)));
  (void)sent;
  Changes c;
  c.extended_due = told.extended_due;
  return d_.queue->transition(request_id, State::kExtended, staff(staff_id), "extended", reason, c);
}

Result<Outcome> RightsService::close(const Request& r, State outcome, std::string_view staff_id,
                                     std::string_view reason, std::string body, std::string link) {
  CHARTER_TRY_STATUS(need_outbox());
  const notify::Email email = answer_email(d_.queue->policy(), r, body);
  CHARTER_TRY(auto sent, d_.outbox->send_email(email));
  (void)sent;
  Changes c;
  c.answer = email.text;
  CHARTER_TRY(Request after, d_.queue->transition(r.id, outcome, staff(staff_id), reason, {}, c));
  reindex(after.subject_id);
  return Outcome{std::move(after), email.text, std::move(link)};
}

Result<Outcome> RightsService::refuse(std::string_view request_id, std::string_view staff_id,
                                      std::string_view ground, std::string_view reasons) {
  CHARTER_TRY_STATUS(need_outbox());
  if (ground != "manifestly_unfounded" && ground != "excessive" &&
      ground != "identity_not_established" && ground != "proof_refused") {
    return make_error(Errc::kInvalidArgument,
                      "ground: manifestly_unfounded, excessive (art. 12(5)) or "
                      "identity_not_established");
  }
  if (reasons.empty() || reasons.size() > 4000) {
    return make_error(Errc::kInvalidArgument,
                      "reasons: the reasons sent to the requester (1 to 4000 bytes)");
  }
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (is_final(r.state)) {
    return make_error(Errc::kFailedPrecondition,
                      std::string("request is ") + to_string(r.state) + ": it is closed");
  }
  std::string body;
  const bool identity = ground == "identity_not_established" || ground == "proof_refused";
  if (fr(r)) {
    body = identity ? "Nous ne pouvons pas donner suite à votre demande : l'identité du demandeur "
                      "ou son mandat n'a pas pu être établi (article 12(6) du RGPD).\n"
                    : std::string("Nous ne donnons pas suite à votre demande, que nous estimons ") +
                          (ground == "excessive" ? "excessive" : "manifestement infondée") +
                          " (article 12(5) du RGPD).\n";
    body += "Motifs : " + std::string(reasons);
  } else {
    body = identity ? "We cannot act on your request: the identity of the requester or their "
                      "mandate could not be established (GDPR art. 12(6)).\n"
                    : std::string("We will not act on your request, which we consider ") +
                          (ground == "excessive" ? "excessive" : "manifestly unfounded") +
                          " (GDPR art. 12(5)).\n";
    body += "Reasons: " + std::string(reasons);
  }
  if (ground == "proof_refused") {
    // The proof decision is recorded with the refusal.
    Changes c;
    c.proof = ProofState::kRefused;
    CHARTER_TRY(Request mid, d_.queue->transition(request_id, r.state, staff(staff_id),
                                                  "proof_refused", reasons, c));
    r = std::move(mid);
  }
  return close(r, State::kRefused, staff_id, std::string(ground), std::move(body));
}

Result<Outcome> RightsService::fulfil(std::string_view request_id, std::string_view staff_id,
                                      const FulfilOptions& options) {
  CHARTER_TRY_STATUS(need_outbox());
  CHARTER_TRY(Request r, d_.queue->get(request_id));
  if (r.state != State::kInProgress && r.state != State::kExtended) {
    return make_error(Errc::kFailedPrecondition, std::string("request is ") + to_string(r.state) +
                                                     ": only a request in progress is fulfilled");
  }
  if (r.type == RightType::kUnclassified) {
    return make_error(Errc::kFailedPrecondition, "request: classify it first");
  }
  const bool archive = r.type == RightType::kAccess || r.type == RightType::kPortability;
  if (archive && d_.archive == nullptr && !r.subject_id.empty()) {
    return make_error(Errc::kUnavailable,
                      "archive maker not configured: access and portability cannot be fulfilled");
  }
  const std::string params = options.params_json ? *options.params_json : r.params_json;
  CHARTER_TRY(json p, params_of(params));
  (void)p;
  std::string body;
  std::string link;
  bool partial = false;
  if (r.type == RightType::kPostMortem) {
    if (options.note.empty()) {
      return make_error(Errc::kInvalidArgument, "note: what was done, sent to the requester");
    }
    body = options.note;
  } else if (r.subject_id.empty()) {
    body = fr(r) ? "Nous ne détenons aucune donnée associée à cette adresse e-mail.\n"
                 : "We hold no data associated with this e-mail address.\n";
  } else {
    switch (r.type) {
      case RightType::kRectification: {
        CHARTER_TRY(body, fulfil_rectification(r, params, partial));
        break;
      }
      case RightType::kErasure: {
        CHARTER_TRY(body, fulfil_erasure(r, partial));
        break;
      }
      case RightType::kRestriction: {
        CHARTER_TRY(body, fulfil_restriction(r, params));
        break;
      }
      case RightType::kObjection: {
        CHARTER_TRY(body, fulfil_objection(r, params));
        break;
      }
      case RightType::kWithdrawConsent: {
        CHARTER_TRY(body, fulfil_withdrawal(r, params));
        break;
      }
      case RightType::kAccess:
      case RightType::kPortability: {
        archive::ArchiveRequest a;
        a.subject_id = r.subject_id;
        a.language = r.language;
        a.portability = r.type == RightType::kPortability;
        a.request_id = r.id;
        CHARTER_TRY(archive::ArchiveLink l, d_.archive->make(a));
        link = l.path;
        body = fr(r) ? "Vos données sont disponibles dans une archive signée (JSON, CSV et un "
                       "rapport lisible) à cette adresse, jusqu'au " +
                           format_timestamp(l.expires_at) + " :\n" + l.path + "\n"
                     : "Your data is in a signed archive (JSON, CSV and a readable report) at "
                       "this address, until " +
                           format_timestamp(l.expires_at) + ":\n" + l.path + "\n";
        break;
      }
      default:
        break;
    }
  }
  if (!options.note.empty() && r.type != RightType::kPostMortem) body += "\n" + options.note + "\n";
  return close(r, partial ? State::kPartiallyFulfilled : State::kFulfilled, staff_id,
               partial ? "partially_fulfilled" : "fulfilled", std::move(body), std::move(link));
}

Result<std::string> RightsService::fulfil_rectification(const Request& r, const std::string& params,
                                                        bool& partial) {
  CHARTER_TRY(json p, params_of(params));
  if (!p.contains("changes") || !p["changes"].is_object() || p["changes"].empty()) {
    return make_error(Errc::kInvalidArgument,
                      "params.changes: an object of field ids and their corrected values");
  }
  std::vector<std::pair<std::string, std::string>> changes;
  for (const auto& [field, value] : p["changes"].items()) {
    if (!value.is_string()) {
      return make_error(Errc::kInvalidArgument,
                        "params.changes." + field + ": the corrected value as a string");
    }
    if (d_.queue->policy().find_field(field) == nullptr) {
      return make_error(Errc::kInvalidArgument,
                        "params.changes." + field + ": not a field of the policy");
    }
    changes.emplace_back(field, value.get<std::string>());
  }
  std::string list;
  for (const auto& [field, value] : changes) {
    CHARTER_TRY(auto rep, d_.vault->rectify(r.subject_id, field, value));
    (void)rep;
    list += bullet(field);
  }
  partial = false;
  if (d_.outbox != nullptr) {
    CHARTER_TRY_STATUS(d_.outbox->notify(notify::EventNotice{
        notify::Event::kRectification, r.subject_id, "", d_.queue->clock().now()}));
  }
  return fr(r) ? "Nous avons rectifié ces données, et prévenu les destinataires internes "
                 "(article 19 du RGPD) :\n" +
                     list
               : "We rectified this data and told our internal recipients (GDPR art. 19):\n" + list;
}

Result<std::string> RightsService::fulfil_erasure(const Request& r, bool& partial) {
  vault::ErasureRequest e;
  e.subject_id = r.subject_id;
  if (d_.retention != nullptr) {
    CHARTER_TRY(e.facts, d_.retention->erasure_facts(r.subject_id));
  }
  // This request is being answered: it closes now.
  e.facts.request_open = false;
  e.facts.request_closed = d_.queue->clock().now();
  auto report = d_.vault->erase(e);
  if (!report) {
    if (report.error().code == Errc::kFailedPrecondition) {
      return fr(r) ? std::string("Vos données avaient déjà été effacées.\n")
                   : std::string("Your data had already been erased.\n");
    }
    return report.error();
  }
  if (report->status_after == vault::SubjectStatus::kErased && d_.ledger != nullptr) {
    CHARTER_TRY_STATUS(d_.ledger->erase_subject(r.subject_id));
  }
  if (d_.outbox != nullptr) {
    CHARTER_TRY_STATUS(d_.outbox->notify(
        notify::EventNotice{notify::Event::kErasure, r.subject_id, "", d_.queue->clock().now()}));
  }
  const policy::Policy& pol = d_.queue->policy();
  const std::string lang = fr(r) ? "fr" : "en";
  std::string body = fr(r) ? "Nous avons effacé vos données.\n" : "We erased your data.\n";
  if (report->kept.empty()) return body;
  body += fr(r) ? "\nLa loi nous oblige à conserver ceci, dont l'usage est désormais limité à "
                  "cette obligation :\n"
                : "\nThe law obliges us to keep the following, whose use is now restricted to "
                  "that obligation:\n";
  for (const auto& k : report->kept) {
    const policy::Category* cat = pol.find_category(k.cls);
    std::string what = k.cls;
    if (cat != nullptr) {
      auto it = cat->label.by_lang.find(lang);
      if (it != cat->label.by_lang.end()) what = it->second;
    }
    for (const auto& h : k.holds) {
      const bool hold = h.reason == "open_while:legal_hold";
      const std::string ground =
          hold
              ? (fr(r) ? "article 17(3)(e) du RGPD (constatation, exercice ou défense de droits en "
                         "justice)"
                       : "GDPR art. 17(3)(e) (establishment, exercise or defence of legal claims)")
              : (fr(r) ? "article 17(3)(b) du RGPD (obligation légale)"
                       : "GDPR art. 17(3)(b) (legal obligation)");
      std::string until;
      if (h.until) {
        until = (fr(r) ? "supprimé le " : "deleted on ") + format_date(date_of(*h.until));
      } else {
        until = hold ? (fr(r) ? "supprimé à la fin du litige" : "deleted when the dispute ends")
                     : (fr(r) ? "supprimé à la fin de l'obligation" : "deleted when it ends");
      }
      std::string note;
      auto it = h.note.by_lang.find(lang);
      if (it != h.note.by_lang.end() && !it->second.empty()) note = " — " + it->second;
      body += bullet(what + " : " + ground + " ; " + until + note);
      if (h.purpose != "rights_management") partial = true;
    }
  }
  return body;
}

Result<std::string> RightsService::fulfil_restriction(const Request& r, const std::string& params) {
  CHARTER_TRY(json p, params_of(params));
  consent::RestrictionGround ground = consent::RestrictionGround::kAccuracyContested;
  if (p.contains("ground")) {
    const std::string g = p["ground"].is_string() ? p["ground"].get<std::string>() : "";
    if (g == "accuracy_contested") {
      ground = consent::RestrictionGround::kAccuracyContested;
    } else if (g == "unlawful_processing") {
      ground = consent::RestrictionGround::kUnlawfulProcessing;
    } else if (g == "legal_claims") {
      ground = consent::RestrictionGround::kLegalClaims;
    } else if (g == "objection_pending") {
      ground = consent::RestrictionGround::kObjectionPending;
    } else {
      return make_error(Errc::kInvalidArgument,
                        "params.ground: accuracy_contested, unlawful_processing, legal_claims or "
                        "objection_pending (art. 18(1)(a)-(d))");
    }
  }
  auto placed = d_.restrictions->place(r.subject_id, ground, r.channel);
  if (!placed && placed.error().code != Errc::kAlreadyExists) return placed.error();
  if (d_.outbox != nullptr) {
    CHARTER_TRY_STATUS(d_.outbox->notify(notify::EventNotice{
        notify::Event::kRestriction, r.subject_id, "", d_.queue->clock().now()}));
  }
  return fr(r) ? std::string(
                     "Le traitement de vos données est limité à compter de ce jour : elles "
                     "restent conservées mais ne sont plus utilisées (article 18 du "
                     "RGPD). Nous vous préviendrons avant de lever cette limitation.\n")
               : std::string(
                     "The processing of your data is restricted from today: it stays "
                     "stored but is no longer used (GDPR art. 18). We will tell you "
                     "before lifting the restriction.\n");
}

Result<std::string> RightsService::fulfil_objection(const Request& r, const std::string& params) {
  CHARTER_TRY(json p, params_of(params));
  CHARTER_TRY(auto asked, string_list(p, "purposes"));
  const policy::Policy& pol = d_.queue->policy();
  std::vector<std::string> purposes;
  if (asked) {
    purposes = *asked;
  } else {
    for (const auto& pu : pol.purposes) {
      if (pu.objection != policy::Objection::kNone) purposes.push_back(pu.id);
    }
  }
  if (purposes.empty()) {
    return make_error(Errc::kInvalidArgument, "params.purposes: no purpose can be objected to");
  }
  std::string list;
  const std::string lang = fr(r) ? "fr" : "en";
  for (const auto& purpose : purposes) {
    CHARTER_TRY(auto ev, d_.objections->object(r.subject_id, purpose, r.channel));
    (void)ev;
    if (d_.outbox != nullptr) {
      CHARTER_TRY_STATUS(d_.outbox->notify(notify::EventNotice{
          notify::Event::kObjection, r.subject_id, purpose, d_.queue->clock().now()}));
    }
    const policy::Purpose* pu = pol.find_purpose(purpose);
    list += bullet(pu != nullptr ? pu->label.in(lang) : purpose);
  }
  return fr(r) ? "Votre opposition est enregistrée et s'applique dès maintenant (article 21 du "
                 "RGPD) à :\n" +
                     list
               : "Your objection is recorded and applies from now on (GDPR art. 21) to:\n" + list;
}

Result<std::string> RightsService::fulfil_withdrawal(const Request& r, const std::string& params) {
  CHARTER_TRY(json p, params_of(params));
  CHARTER_TRY(auto asked, string_list(p, "purposes"));
  const policy::Policy& pol = d_.queue->policy();
  std::vector<std::string> purposes;
  if (asked) {
    purposes = *asked;
  } else {
    CHARTER_TRY(auto states, d_.ledger->states(r.subject_id));
    for (const auto& [purpose, st] : states) {
      if (st.status == consent::ConsentStatus::kGiven) purposes.push_back(purpose);
    }
  }
  std::string list;
  const std::string lang = fr(r) ? "fr" : "en";
  for (const auto& purpose : purposes) {
    const policy::Purpose* pu = pol.find_purpose(purpose);
    if (pu == nullptr || !pu->consent) {
      return make_error(Errc::kInvalidArgument,
                        "params.purposes: " + purpose + " is not a purpose based on consent");
    }
    // The request's channel when the policy lets it withdraw, else the DPO's mailbox.
    consent::Evidence ev;
    ev.language = lang;
    const auto& channels = pu->consent->withdrawal_channels;
    ev.channel = std::find(channels.begin(), channels.end(), r.channel) != channels.end()
                     ? r.channel
                     : (std::find(channels.begin(), channels.end(), "email_dpo") != channels.end()
                            ? "email_dpo"
                            : channels.front());
    CHARTER_TRY(auto done, d_.ledger->withdraw(r.subject_id, purpose, ev));
    (void)done;
    if (d_.outbox != nullptr) {
      CHARTER_TRY_STATUS(d_.outbox->notify(notify::EventNotice{
          notify::Event::kConsentWithdrawn, r.subject_id, purpose, d_.queue->clock().now()}));
    }
    list += bullet(pu->label.in(lang));
  }
  if (purposes.empty()) {
    return fr(r) ? std::string("Aucun consentement n'était en cours.\n")
                 : std::string("No consent was in force.\n");
  }
  return fr(r)
             ? "Votre consentement est retiré dès maintenant (article 7(3) du RGPD) pour :\n" + list
             : "Your consent is withdrawn from now on (GDPR art. 7(3)) for:\n" + list;
}

}  // namespace charter::rights
