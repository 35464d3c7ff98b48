// What the web routes share: the Site (templates, words), the server's ApiContext (the same
// registries, stores and services the /v1 routes use; borrowed), the console's authenticator
// (the production CharterAuthenticator over the same staff registry and session store), and a
// Random for pre-session secrets. Built once by add_web_routes(); immutable afterwards except
// for the Random (SystemRandom: thread safe).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/random.h"
#include "http/api.h"
#include "http/charter_authenticator.h"
#include "http/request.h"
#include "web/site.h"

namespace charter::web {

struct WebContext {
  std::shared_ptr<const Site> site;
  http::ApiContext api;
  std::unique_ptr<http::CharterAuthenticator> authenticator;  // null without staff/sessions
  std::unique_ptr<Random> random;

  const policy::Policy& policy() const { return *api.policy; }
};

// The decoded fields of an application/x-www-form-urlencoded body (empty for another type).
http::Params form_fields(const http::Request& request);
// The first value of `name` in `fields`, if any.
std::optional<std::string> field(const http::Params& fields, std::string_view name);
// `lang` chosen explicitly (query or form) and valid, for links that keep it.
std::optional<std::string> explicit_lang(const WebContext& web, const http::Request& request,
                                         const http::Params& fields = {});

}  // namespace charter::web
