// AuditHook: how the staff registries have their changes audited inside their write
// transactions (DESIGN.md section 6, fail closed; docs/AUDIT.md "What is logged").
//
// Every change of a staff member (added, roles, trained, signed, suspended, reinstated,
// password) and of a service identity (added, purposes, suspended, reinstated, token issued or
// revoked) calls record() inside its write transaction, just before commit. record() returns
// once the audit entry is durable; an error aborts the change (its transaction rolls back and
// the caller gets the error: nothing stored).
// A StaffChange holds ids and names only (staff id, service id, token id, action): never a
// name, e-mail address, password or token. Implementations are thread safe.
#pragma once

#include <string>

#include "core/result.h"
#include "store/transaction.h"

namespace charter::staff {

struct StaffChange {
  std::string action;  // "staff.added", "service.suspended", "token.issued", ... (AUDIT.md)
  std::string target;  // the staff id ("stf_..."), service id ("svc_...") changed
};

class AuditHook {
 public:
  virtual ~AuditHook() = default;
  virtual Status record(store::Transaction& tx, const StaffChange& change) = 0;
};

}  // namespace charter::staff
