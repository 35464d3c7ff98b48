// Bulk decisions (DESIGN.md section 4, P3): which of these N subjects or e-mail addresses may
// be used for this purpose, now. What an e-mailing platform asks before each campaign.
//
// BulkDecider answers lines in chunks from the DecisionIndex, so a request of millions of lines
// streams both ways without being held in memory: feed() takes any slice of the input bytes and
// appends the answers of the complete lines it contains; finish() answers the last line, records
// the request (DecisionLog::record_bulk: one record per request with the counts; docs/ACCESS.md
// says why there is no record per subject) and writes the trailer line.
//
// Input: one subject id ("sub_...") or e-mail address a line; surrounding blanks and a CR are
// ignored, blank lines are skipped. Lines over kMaxLineBytes are invalid. E-mail addresses are
// normalised as the vault does and looked up by their blind index; the address itself is never
// kept, logged or put in an error.
// Output (text/tab-separated-values): "<line>\t<allowed|denied>\t<reason>\n" per line, in input
// order, <line> being the line as given (trimmed), or "#<n>" (1-based line number) when it is
// invalid; reason codes are decide()'s (reasons[0]) plus unknown_subject and invalid_input.
// Then the trailer "#end\tasked=<n>\tallowed=<m>\n", written only once the request is recorded.
// FAIL CLOSED: a client acts on the answers only when the stream ends with the trailer; if the
// record fails (or the stream breaks), there is no trailer and the whole answer is void.
// Thread safety: one BulkDecider per request, used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "access/bulk_plan.h"
#include "access/decision_index.h"
#include "access/decision_log.h"

namespace charter::access {

inline constexpr std::size_t kMaxLineBytes = 512;

struct BulkAnswer {
  bool allowed = false;
  const char* reason = nullptr;  // a reason:: code
};

struct BulkSummary {
  std::uint64_t asked = 0;
  std::uint64_t allowed = 0;
};

// How many answered lines had a reason code (BulkDecider::tally()).
struct ReasonCount {
  const char* reason = nullptr;  // a reason:: code
  std::uint64_t count = 0;
};

struct BulkOptions {
  std::size_t chunk_lines = 8192;  // lines answered per index lookup
  int threads = 1;                 // threads computing blind indexes within a chunk
};

class BulkDecider {
 public:
  // `index` (loaded), `log` and `clock` must outlive the decider. The time of each chunk is the
  // clock's now when the chunk is answered.
  BulkDecider(DecisionIndex& index, DecisionLog& log, const Clock& clock, Actor actor,
              AccessRequest request, std::string request_id, BulkOptions options = {});
  ~BulkDecider();

  // Answers `lines` (already split, not trimmed), appending one answer per non-blank line to
  // `out`. Errors: kUnavailable (index loading), a reload's store error.
  Status decide(std::span<const std::string_view> lines, std::vector<BulkAnswer>& out);

  // Streaming form: see the file comment. Errors: as decide(); after an error the decider must
  // not be used again.
  Status feed(std::string_view bytes, std::string& out);
  // Errors: as decide(); the DecisionLog's error (then no trailer is written).
  Result<BulkSummary> finish(std::string& out);
  // Records the request (for callers of decide()). Errors: the DecisionLog's.
  Result<BulkSummary> record();

  const BulkSummary& summary() const { return summary_; }
  // Lines answered so far, by reason code ("allowed" included), in order of first appearance.
  const std::vector<ReasonCount>& tally() const { return tally_; }

 private:
  Status answer_pending(std::string& out);

  DecisionIndex& index_;
  DecisionLog& log_;
  const Clock& clock_;
  Actor actor_;
  AccessRequest request_;
  std::string request_id_;
  BulkOptions options_;
  BulkSummary summary_;
  std::vector<ReasonCount> tally_;
  std::string partial_;    // an incomplete line carried between feed() calls
  bool overlong_ = false;  // the carried line is over kMaxLineBytes (its rest is skipped)
  std::vector<std::string> pending_;  // complete lines waiting for a chunk
  std::uint64_t line_no_ = 0;
  std::unique_ptr<BulkPlan> plan_;
  Timestamp plan_time_;
  bool recorded_ = false;
};

// One in-process bulk decision over a list: answers then record_bulk (fail closed: on a record
// error no answer is returned).
Result<std::vector<BulkAnswer>> decide_bulk(DecisionIndex& index, DecisionLog& log,
                                            const Clock& clock, const Actor& actor,
                                            const AccessRequest& request,
                                            std::span<const std::string_view> lines,
                                            std::string_view request_id = {},
                                            BulkOptions options = {});

}  // namespace charter::access
