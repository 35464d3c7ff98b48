// DecisionLog: where every access decision goes (C13, DESIGN.md section 6). The access service
// (src/access) calls it for each decision before answering; the audit trail (src/trail)
// implements it over the tamper-evident audit log.
//
// Contract: record() returns once the record is durable. An error means the decision must not
// be acted upon: the caller answers that error, never "allow" (fail closed). A bulk decision
// (one purpose, many subjects: what an e-mailing platform asks before a campaign) is one record
// for the whole request, with the counts (docs/ACCESS.md says why). Implementations are thread
// safe and never put personal data (ids of subjects in clear, e-mail addresses) in the record:
// the subject is pseudonymised by the implementation.
#pragma once

#include <cstdint>
#include <string_view>

#include "access/decision.h"
#include "core/result.h"

namespace charter::access {

class DecisionLog {
 public:
  virtual ~DecisionLog() = default;
  // One decision about one subject. `request_id` correlates with the HTTP request ("" if none).
  virtual Status record(const Actor& actor, std::string_view subject_id,
                        const AccessRequest& request, const Decision& decision,
                        std::string_view request_id) = 0;
  // One bulk decision: `asked` subjects or addresses checked for `purpose`, `allowed` of them
  // allowed.
  virtual Status record_bulk(const Actor& actor, std::string_view purpose, std::uint64_t asked,
                             std::uint64_t allowed, std::string_view request_id) = 0;
};

}  // namespace charter::access
