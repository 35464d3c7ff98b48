// Privacy-center sign-in and the session's subject (service.h; docs/RIGHTS.md "Sign-in").
#include <nlohmann/json.hpp>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/seal.h"
#include "rights/service.h"
#include "vault/normalize.h"

namespace charter::rights {
namespace {

std::int64_t us(Timestamp t) { return to_unix_micros(t); }

std::vector<std::uint8_t> seal_email(RequestQueue& q, std::string_view id, std::string_view email) {
  const auto ad = crypto::canonical_ad({"rights", "signin", id, "email"});
  return crypto::seal(q.keys().seal, crypto::as_bytes(email), ad, q.random());
}

Result<std::string> open_email(RequestQueue& q, std::string_view id, crypto::ByteView sealed) {
  const auto ad = crypto::canonical_ad({"rights", "signin", id, "email"});
  CHARTER_TRY(auto plain, crypto::open(q.keys().seal, sealed, ad));
  return std::string(crypto::as_chars(plain));
}

notify::Email sign_in_email(const policy::Policy& policy, std::string_view to,
                            std::string_view lang, std::string_view id, std::string_view code,
                            int ttl) {
  notify::Email e;
  e.to = std::string(to);
  e.language = lang == "fr" ? "fr" : "en";
  e.kind = "code";
  e.reference = std::string(id);
  const std::string& name = policy.controller.name;
  if (e.language == "fr") {
    e.subject = "Votre code de connexion : " + std::string(code);
    e.text = "Bonjour,\n\nPour ouvrir l'espace confidentialité de " + name +
             ", saisissez ce code : " + std::string(code) + "\nIl est valable " +
             std::to_string(ttl) +
             " minutes.\n\nSi vous n'avez rien demandé, ignorez ce message.\n";
  } else {
    e.subject = "Your sign-in code: " + std::string(code);
    e.text = "Hello,\n\nTo open the privacy center of " + name +
             ", enter this code: " + std::string(code) + "\nIt is valid for " +
             std::to_string(ttl) +
             " minutes.\n\nIf you did not ask for anything, ignore this message.\n";
  }
  return e;
}

Error unauthenticated() {
  return make_error(Errc::kUnauthenticated,
                    "subject session: missing or expired; sign in with a code again");
}

}  // namespace

Result<std::string> RightsService::start_sign_in(std::string_view email, std::string_view language,
                                                 std::string_view client) {
  CHARTER_TRY_STATUS(need_outbox());
  if (language != "fr" && language != "en") {
    return make_error(Errc::kInvalidArgument, "language: \"fr\" or \"en\"");
  }
  auto normalized = vault::normalize_email(email);
  if (!normalized) return make_error(Errc::kInvalidArgument, "email: not a valid e-mail address");
  CHARTER_TRY_STATUS(d_.verifier->admit(*normalized, client));
  RequestQueue& q = *d_.queue;
  const Timestamp now = q.clock().now();
  const std::string id = new_id(q.random(), "sgn");
  const auto index = q.email_index(*normalized);
  {
    CHARTER_TRY(auto tx, q.store().write());
    CHARTER_TRY(auto purged, tx.exec("DELETE FROM rights_signins WHERE expires_at < ?", {us(now)}));
    (void)purged;
    CHARTER_TRY(auto n,
                tx.exec("INSERT INTO rights_signins (signin_id, email_index, "
                        "email_sealed, language, subject_id, expires_at) "
                        "VALUES (?, ?, ?, ?, '', ?)",
                        {id, crypto::ByteView(index), seal_email(q, id, *normalized),
                         std::string(language), us(now + d_.verifier->options().code_ttl)}));
    (void)n;
    CHARTER_TRY_STATUS(tx.commit());
  }
  CHARTER_TRY(std::string code, d_.verifier->issue(id));
  const int ttl = static_cast<int>(d_.verifier->options().code_ttl.count());
  CHARTER_TRY(auto sent, d_.outbox->send_email(
                             sign_in_email(q.policy(), *normalized, language, id, code, ttl)));
  (void)sent;
  return id;
}

Result<SubjectSession> RightsService::verify_sign_in(std::string_view sign_in_id,
                                                     std::string_view code) {
  RequestQueue& q = *d_.queue;
  const auto unknown = [] {
    return make_error(Errc::kNotFound, "sign-in: no such sign-in, or it has expired");
  };
  if (!is_valid_id(sign_in_id, "sgn")) return unknown();
  std::string email;
  {
    CHARTER_TRY(auto tx, q.store().read());
    CHARTER_TRY(auto row, tx.query_one("SELECT email_sealed, expires_at, verified_at FROM "
                                       "rights_signins WHERE signin_id = ?",
                                       {std::string(sign_in_id)}));
    if (!row) return unknown();
    CHARTER_TRY(std::int64_t expires, (*row)[1].as_int(1));
    if (!(*row)[2].is_null() || us(q.clock().now()) >= expires) return unknown();
    CHARTER_TRY(auto sealed, (*row)[0].as_blob(0));
    CHARTER_TRY(email, open_email(q, sign_in_id, sealed));
  }
  CHARTER_TRY_STATUS(d_.verifier->check(sign_in_id, code));
  CHARTER_TRY(auto ids, d_.vault->find("email", email));
  const std::string subject = ids.empty() ? std::string() : ids.front();
  CHARTER_TRY(auto session, d_.sessions->open(q.email_index(email)));
  CHARTER_TRY(auto tx, q.store().write());
  CHARTER_TRY(auto n, tx.exec("UPDATE rights_signins SET subject_id = ?, verified_at = ?, "
                              "expires_at = ? WHERE signin_id = ?",
                              {subject, us(q.clock().now()), us(session.expires_at),
                               std::string(sign_in_id)}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return session;
}

Result<SessionSubject> RightsService::session_subject(const crypto::BlindIndex& email_index) {
  RequestQueue& q = *d_.queue;
  {
    CHARTER_TRY(auto tx, q.store().read());
    CHARTER_TRY(auto row,
                tx.query_one("SELECT signin_id, email_sealed, subject_id, language FROM "
                             "rights_signins WHERE email_index = ? AND verified_at IS NOT NULL "
                             "AND expires_at > ? ORDER BY verified_at DESC LIMIT 1",
                             {crypto::ByteView(email_index), us(q.clock().now())}));
    if (row) {
      CHARTER_TRY(auto id, (*row)[0].as_text(0));
      CHARTER_TRY(auto sealed, (*row)[1].as_blob(1));
      SessionSubject out;
      CHARTER_TRY(out.email, open_email(q, id, sealed));
      CHARTER_TRY(auto subject, (*row)[2].as_text(2));
      CHARTER_TRY(auto lang, (*row)[3].as_text(3));
      out.subject_id = std::string(subject);
      out.language = std::string(lang);
      return out;
    }
  }
  // A session opened by verifying a request's code: the latest verified subject request.
  CHARTER_TRY(auto own, q.list_by_email_index(email_index));
  const Request* best = nullptr;
  for (const auto& r : own) {
    if (!r.verified_at || r.requester != Requester::kSubject) continue;
    if (best == nullptr || *r.verified_at > *best->verified_at) best = &r;
  }
  if (best == nullptr) return unauthenticated();
  return SessionSubject{best->email, best->subject_id, best->language};
}

Result<Request> RightsService::submit_in_session(const crypto::BlindIndex& email_index,
                                                 NewRequest in) {
  if (in.type == RightType::kUnclassified) {
    return make_error(Errc::kInvalidArgument,
                      "type: one of access, rectification, erasure, restriction, portability, "
                      "withdraw_consent, objection, post_mortem");
  }
  if (in.requester != Requester::kSubject) {
    return make_error(Errc::kInvalidArgument,
                      "requester: only \"subject\" from a session (heirs and agents verify by "
                      "code and send a proof)");
  }
  if (in.received) {
    return make_error(Errc::kInvalidArgument, "received: only the DPO records a receipt date");
  }
  CHARTER_TRY(auto who, session_subject(email_index));
  in.email = who.email;
  CHARTER_TRY(Request r, d_.queue->create(in, Actor{Actor::Kind::kSubject, ""}, "intake"));
  Changes c;
  c.verified = true;
  c.subject_id = who.subject_id;
  CHARTER_TRY(Request after,
              d_.queue->transition(r.id, State::kInProgress, Actor{Actor::Kind::kSubject, ""},
                                   "session_verified", {}, c));
  reindex(after.subject_id);
  return after;
}

Status forget_sign_ins(store::Store& store, std::span<const std::string> subject_ids) {
  CHARTER_TRY(auto tx, store.write());
  for (const auto& id : subject_ids) {
    if (id.empty()) continue;  // a sign-in not yet verified has no subject
    CHARTER_TRY(auto ended, tx.exec("DELETE FROM rights_sessions WHERE email_index IN (SELECT "
                                    "email_index FROM rights_signins WHERE subject_id = ?)",
                                    {id}));
    (void)ended;
    CHARTER_TRY(auto gone, tx.exec("DELETE FROM rights_signins WHERE subject_id = ?", {id}));
    (void)gone;
  }
  return tx.commit();
}

}  // namespace charter::rights
