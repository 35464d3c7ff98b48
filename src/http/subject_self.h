// What a signed-in data subject sees and does about themselves (the privacy center's "me"
// area; docs/RIGHTS.md "The subject's own session", docs/WEB.md "Privacy center for subjects").
// One implementation for the JSON routes (subject_self_routes.cc, /v1/rights/me/...) and the
// HTML pages (src/web/subject_pages.cc).
//
// Authorisation: ONLY the subject session cookie `charter_subject` (rights/subject_session.h).
// The subject id is the one the session's verified address leads to (RightsService::
// session_subject), never a URL or body value: no route takes a subject id.
//
// Reading one's own data ("my data") is the exercise of the right of access (GDPR art. 15),
// handled under the policy's purpose `rights_management` (legal obligation). Before anything is
// read, the read is decided and recorded in the audit log (access::DecisionLog, fail closed):
// actor = the service `privacy_center` acting for the verified subject, purpose
// `rights_management`, allowed when the subject is in the vault and not erased (reason
// `allowed`), denied otherwise (`subject_erased`). The staff/service access rules do not apply:
// art. 15 gives the subject every item, whatever purpose holds it, as the archive does.
//
// Writes: consent (give/withdraw through the consent ledger, channel `privacy_center`, evidence
// with the client's address and user agent sealed), objection (object/lift), restriction
// (place with an art. 18(1) ground / lift), requests (created in progress, no second code),
// post-mortem directives (record/revoke through DirectivesService, actor the subject's
// pseudonym). Every change goes through the same ledgers as the API: access decisions change at
// once.
//
// CSRF: self_csrf_token(secret) is the synchronizer token of a session (base64url SHA-256 of
// "charter-subject-csrf-v1:" + secret): the pages put it in a hidden field; check_self_csrf()
// requires it (form field or X-CSRF-Token) with the Sec-Fetch-Site/Origin checks of csrf.h. The
// JSON routes need an application/json body (a cross-site form cannot send one) and pass the
// same Sec-Fetch-Site/Origin checks; the cookie is SameSite=Strict.
//
// Errors: kUnauthenticated (no or expired session), kNotFound (the session's address has no
// subject: "we hold no data"), kInvalidArgument naming the field, the ledgers' and services'.
// Thread safe (borrows the ApiContext's services).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "crypto/blind_index.h"
#include "http/api.h"
#include "http/request.h"
#include "rights/service.h"

namespace charter::http {

struct SelfSession {
  std::string secret;
  crypto::BlindIndex index{};
  rights::SessionSubject who;
  std::string csrf_token;
};

// The session of the request's `charter_subject` cookie. kUnauthenticated without one.
Result<SelfSession> self_session(const Request& request, rights::RightsService& rights);

std::string self_csrf_token(std::string_view session_secret);
// For unsafe methods: Sec-Fetch-Site/Origin, then the session's token (header or form field).
Status check_self_csrf(const Request& request, const SelfSession& session);

// The Set-Cookie value of the subject session (max_age 0 clears it).
std::string subject_session_cookie(const std::string& secret, std::int64_t max_age);

// Each returns JSON (documented in docs/RIGHTS.md). `lang` chooses the policy labels.
class SubjectSelf {
 public:
  explicit SubjectSelf(ApiContext ctx) : ctx_(std::move(ctx)) {}

  // {known, decision{allowed, reason, purpose}, status, relationship, values[], events[]}
  Result<nlohmann::json> data(const SelfSession& s, const std::string& lang,
                              std::string_view request_id);
  // {consents: [{purpose, label, notice, status, at, expires_at}]} for every consent purpose.
  Result<nlohmann::json> consents(const SelfSession& s, const std::string& lang);
  Result<nlohmann::json> set_consent(const SelfSession& s, std::string_view purpose, bool give,
                                     const std::string& lang, const Request& request);
  // {objections: [{purpose, label, kind, objected, overridden}], restriction: {restricted,
  // since, ground}, grounds: [...]}
  Result<nlohmann::json> objections(const SelfSession& s, const std::string& lang);
  Result<nlohmann::json> set_objection(const SelfSession& s, std::string_view purpose, bool object);
  Result<nlohmann::json> set_restriction(const SelfSession& s, bool restrict,
                                         std::string_view ground);
  // {requests: [{request_id, type, state, received, due, deadline_status, answer,
  // archive_link}]}
  Result<nlohmann::json> requests(const SelfSession& s);
  Result<nlohmann::json> make_request(const SelfSession& s, std::string_view type,
                                      std::string_view text, const std::string& lang);
  // {directives: null | {recorded_at, actions[], executor, language, note}}
  Result<nlohmann::json> directives(const SelfSession& s);
  Result<nlohmann::json> record_directives(const SelfSession& s, const nlohmann::json& body);
  Status revoke_directives(const SelfSession& s);
  // {records: [{time, actor_kind, actor, action, purpose, purpose_label, decision, reason}]}
  Result<nlohmann::json> history(const SelfSession& s, const std::string& lang);

  // Parses {actions: [{type, recipient{name,email}}], executor, language, note}.
  static Result<directives::Directives> parse_directives(const nlohmann::json& body);

 private:
  Result<std::string> subject(const SelfSession& s) const;
  ApiContext ctx_;
};

}  // namespace charter::http
