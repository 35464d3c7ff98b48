// application/x-www-form-urlencoded bodies (HTML forms; WHATWG URL "urlencoded parser").
//
// Contract: parse_form() splits on "&", decodes "+" as space and %XX escapes (an invalid
// escape is kept literally, as browsers do); pairs without "=" get an empty value. Pure.
#pragma once

#include <string_view>

#include "http/request.h"

namespace charter::http {

Params parse_form(std::string_view body);

}  // namespace charter::http
