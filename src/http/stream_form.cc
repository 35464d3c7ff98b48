#include "http/headers.h"
#include "http/route.h"

namespace charter::http {

bool StreamForm::accepts(std::string_view content_type) const {
  std::string_view base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && (base.back() == ' ' || base.back() == '\t')) base.remove_suffix(1);
  while (!base.empty() && (base.front() == ' ' || base.front() == '\t')) base.remove_prefix(1);
  for (const std::string& t : media_types) {
    if (iequals(base, t)) return true;
  }
  return false;
}

}  // namespace charter::http
