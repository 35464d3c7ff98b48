// Where the retention engine learns a subject's consent withdrawals and objections (the facts
// that close a purpose's window at once: `stops_on: [consent_withdrawal, objection]`).
// ConsentSource is an interface so the engine can run without the consent ledger (tests, tools);
// LedgerConsentSource reads the consent ledger (src/consent). Thread safety: as the ledger.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "consent/ledger.h"
#include "core/clock.h"
#include "core/result.h"

namespace charter::retention {

struct ConsentFacts {
  std::map<std::string, Timestamp> withdrawn;  // purpose -> time of the withdrawal in force
  std::set<std::string> objected;              // purposes with an objection in force
};

class ConsentSource {
 public:
  virtual ~ConsentSource() = default;
  virtual Result<ConsentFacts> facts(std::string_view subject_id) = 0;
};

class LedgerConsentSource final : public ConsentSource {
 public:
  explicit LedgerConsentSource(consent::ConsentLedger& ledger) : ledger_(ledger) {}
  Result<ConsentFacts> facts(std::string_view subject_id) override;

 private:
  consent::ConsentLedger& ledger_;
};

}  // namespace charter::retention
