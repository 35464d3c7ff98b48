// Shorthands for the capability routes: a Route with its path parameters declared from the
// template, the caller rule in its description, and a handler that checks the rule first.
// Contract: make_route() declares every {name} of `path` as a required string path parameter;
// guard() wraps a handler so that it runs only for a principal the rule allows (else the
// kPermissionDenied of allow()). JSON bodies: body_of() builds a Body whose schema refuses
// members other than those listed. Pure; thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "http/roles.h"
#include "http/route.h"

namespace charter::http {

Route make_route(Method method, std::string path, std::string operation_id, std::string summary,
                 std::string tag);
// auth = kAny (or kStaff when the rule admits no services), description = describe(rule),
// handler = `handler` run after allow().
void guard(Route& route, const Rule& rule, Handler handler);
Body body_of(std::string description, nlohmann::json properties, nlohmann::json required);

}  // namespace charter::http
