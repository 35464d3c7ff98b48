// AuditHook: how the consent component has its changes audited before they are stored
// (DESIGN.md section 6, fail closed; docs/AUDIT.md "What is logged").
//
// Every change the consent component writes (consent given, withdrawn or expired, objection,
// restriction, one-click unsubscribe, GPC signal, erasure) is described by one AuditRecord per
// subject and purpose. The group-commit writer (group_commit.h) gathers the records of a whole
// batch, hands them to the hook with ONE submit() and waits once, just before the batch commits:
// if the wait returns an error the batch is rolled back and every caller in it gets that error
// (nothing stored). Records of the fast path (plain events) are submitted before the batch's
// statements run, so the audit's write overlaps the ledger's.
//
// A record carries the subject id in clear: the hook pseudonymises it (audit entries never hold
// it). Everything else is a name from the policy or the code (action, purpose, channel, ground)
// or a staff id. The hook does not know whether the batch will commit: an audited change may
// fail afterwards ("audited but not done"), never the reverse.
// Contract: submit() may be called from the writer thread only, never blocks for long (it
// queues), and the returned Wait is called exactly once. Implementations are thread safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace charter::consent {

struct AuditRecord {
  std::string action;      // "consent.given", "objection.lifted", ... (docs/AUDIT.md)
  std::string subject_id;  // "sub_..." (pseudonymised by the hook)
  std::string purpose;     // "" when none
  std::string reason;      // the channel, the restriction ground, ... ("" when none)
  std::string staff_id;    // who recorded it ("stf_..."), "" when the subject or the system did
};

class AuditHook {
 public:
  using Wait = std::function<Status()>;
  virtual ~AuditHook() = default;
  // Starts making `records` durable; the returned Wait blocks until they are (ok) or cannot be
  // (the error, e.g. kUnavailable).
  virtual Wait submit(std::vector<AuditRecord> records) = 0;
};

}  // namespace charter::consent
