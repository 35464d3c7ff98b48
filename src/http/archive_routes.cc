// The download of access and portability archives (docs/ARCHIVE.md): GET /archives/{token}
// (no credential: the 256-bit token is the capability; no personal data in the URL) and
// GET /archives/signing-key (the Ed25519 public key that signs archive manifests, PEM).
// An unknown token answers 404 and an expired one 410, each with a short HTML page in the
// language of Accept-Language (fr or en).
#include "archive/archive_store.h"
#include "http/capability_routes.h"
#include "http/language.h"
#include "http/openapi.h"

namespace charter::http {
namespace {

std::string page(const std::string& lang, bool expired, const policy::Policy& p) {
  const bool fr = lang == "fr";
  const std::string title = expired ? (fr ? "Ce lien a expiré" : "This link has expired")
                                    : (fr ? "Lien inconnu" : "Unknown link");
  const std::string text =
      expired ? (fr ? "Le lien de téléchargement de vos données n'est plus valable. Vous pouvez "
                      "en demander un nouveau auprès de notre délégué à la protection des données."
                    : "The download link of your data is no longer valid. You may ask our data "
                      "protection officer for a new one.")
              : (fr ? "Ce lien de téléchargement n'existe pas. Vérifiez qu'il a été copié en "
                      "entier, ou contactez notre délégué à la protection des données."
                    : "This download link does not exist. Check that it was copied in full, or "
                      "contact our data protection officer.");
  std::string dpo = p.controller.dpo_email;
  std::string safe;
  for (char c : dpo) {  // an e-mail address from the policy; escape anyway
    if (c == '<' || c == '>' || c == '&' || c == '"') continue;
    safe += c;
  }
  return "<!DOCTYPE html>\n<html lang=\"" + lang +
         "\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\"><title>" +
         title + "</title></head>\n<body><main><h1>" + title + "</h1><p>" + text + "</p><p>" +
         (fr ? "Délégué à la protection des données : " : "Data protection officer: ") +
         "<a href=\"mailto:" + safe + "\">" + safe + "</a></p></main></body>\n</html>\n";
}

}  // namespace

Status add_archive_routes(Router& router, const ApiContext& ctx) {
  archive::ArchiveStore* store = ctx.archives;
  auto policy = ctx.policy;
  std::vector<std::string> langs;
  for (const auto& l : policy->languages)
    if (l == "fr" || l == "en") langs.push_back(l);
  if (langs.empty()) langs = {"fr", "en"};
  const std::string fallback = langs.front();

  Route r;
  r.method = Method::kGet;
  r.path = "/archives/{token}";
  r.operation_id = "downloadArchive";
  r.summary = "Download an access or portability archive (zip, signed manifest)";
  r.description =
      "The link sent to the data subject. The token is random (no personal data); the archive "
      "expires (410 with an HTML page in the language of Accept-Language). docs/ARCHIVE.md.";
  r.tag = "rights";
  r.auth = Auth::kNone;
  r.params = {{"token", ParamIn::kPath, "The download token (43 characters, base64url)"}};
  r.replies = {{200, "The archive", "application/zip", {{"type", "string"}, {"format", "binary"}}},
               {404, "Unknown link (HTML page)", "text/html", {{"type", "string"}}},
               {410, "Expired link (HTML page)", "text/html", {{"type", "string"}}}};
  r.handler = [store, policy, langs, fallback](Request& req) -> Result<Response> {
    CHARTER_TRY(auto d, store->get(req.path_param("token")));
    if (d.state == archive::Download::State::kReady) {
      Response resp = text_response(200, std::move(d.zip), "application/zip");
      resp.headers.set("Content-Disposition", "attachment; filename=\"personal-data-" +
                                                  format_date(date_of(d.created_at)) + ".zip\"");
      return resp;
    }
    const std::string lang =
        negotiate_language(req.headers.get("Accept-Language"), langs, fallback);
    const bool expired = d.state == archive::Download::State::kExpired;
    Response resp = text_response(expired ? 410 : 404, page(lang, expired, *policy),
                                  "text/html; charset=utf-8");
    resp.headers.set("Content-Language", lang);
    return resp;
  };
  CHARTER_TRY_STATUS(router.add(std::move(r)));

  Route k;
  k.method = Method::kGet;
  k.path = "/archives/signing-key";
  k.operation_id = "getArchiveSigningKey";
  k.summary = "The Ed25519 public key that signs archive manifests (PEM)";
  k.tag = "rights";
  k.auth = Auth::kNone;
  k.exec = Exec::kInline;
  k.cache_control = "public, max-age=3600";
  k.replies = {{200, "SubjectPublicKeyInfo, PEM", "application/x-pem-file", {{"type", "string"}}}};
  const std::string pem = archive::public_key_pem(store->public_key());
  k.handler = [pem](Request&) -> Result<Response> {
    return text_response(200, pem, "application/x-pem-file");
  };
  CHARTER_TRY_STATUS(router.add(std::move(k)));
  return {};
}

}  // namespace charter::http
