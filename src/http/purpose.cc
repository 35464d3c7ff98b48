#include "http/purpose.h"

namespace charter::http {

Result<const policy::Purpose*> required_purpose(const Request& req, const policy::Policy& policy) {
  auto known = [&] {
    std::string ids;
    for (const auto& p : policy.purposes) ids += (ids.empty() ? "" : ", ") + p.id;
    return ids;
  };
  std::size_t n = req.query_count(kPurposeParam);
  if (n == 0) {
    return make_error(Errc::kInvalidArgument,
                      "the purpose query parameter is required: one of " + known());
  }
  if (n > 1) return make_error(Errc::kInvalidArgument, "the purpose query parameter is repeated");
  const policy::Purpose* p = policy.find_purpose(std::string(*req.query_param(kPurposeParam)));
  if (!p) {
    return make_error(
        Errc::kInvalidArgument,
        "the purpose query parameter names no purpose of the policy: one of " + known());
  }
  return p;
}

}  // namespace charter::http
