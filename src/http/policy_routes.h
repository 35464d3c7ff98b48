// Policy routes: what anyone may read about the policy in force.
//   GET /v1/policy                     version, controller, authority, languages, purposes (JSON)
//   GET /charter                       the rendered charter (HTML, or Markdown with ?format=md),
//                                      language from ?lang=, else Accept-Language, else fr
//   GET /v1/policy/register            the record of processing activities (GDPR art. 30):
//                                      ?format=json (default) | csv | jsonld, ?lang= for CSV
//   GET /.well-known/gpc.json          Global Privacy Control support resource
// Anonymous, in-memory (Exec::kInline), rate limited per address.
//
// Contract: add_policy_routes() renders every document once, in every language of the policy
// (errors: the renderer's, and Router::add's), so requests only pick a ready answer.
#pragma once

#include "core/result.h"
#include "http/api.h"

namespace charter::http {

Status add_policy_routes(Router& router, const ApiContext& context);

}  // namespace charter::http
