#include "access/bulk.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "core/id.h"
#include "vault/normalize.h"

namespace charter::access {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

BulkDecider::BulkDecider(DecisionIndex& index, DecisionLog& log, const Clock& clock, Actor actor,
                         AccessRequest request, std::string request_id, BulkOptions options)
    : index_(index),
      log_(log),
      clock_(clock),
      actor_(std::move(actor)),
      request_(std::move(request)),
      request_id_(std::move(request_id)),
      options_(options) {
  if (options_.chunk_lines == 0) options_.chunk_lines = 1;
  if (options_.threads < 1) options_.threads = 1;
}

BulkDecider::~BulkDecider() = default;

Status BulkDecider::decide(std::span<const std::string_view> lines, std::vector<BulkAnswer>& out) {
  if (!index_.loaded()) return make_error(Errc::kUnavailable, "the decision index is loading");
  const Timestamp now = clock_.now();
  if (!plan_ || plan_time_ != now) {
    plan_ = std::make_unique<BulkPlan>(BulkPlan::make(index_, actor_, request_, now));
    plan_time_ = now;
  }
  const BulkPlan& plan = *plan_;
  const std::size_t base = out.size();
  std::vector<DecisionIndex::Key> id_keys;
  std::vector<std::size_t> id_pos;
  std::vector<std::string_view> emails;
  std::vector<std::size_t> email_pos;
  for (std::string_view raw : lines) {
    std::string_view line = trim(raw);
    if (line.empty()) continue;
    const std::size_t pos = out.size();
    out.push_back({false, reason::kInvalidInput});
    if (line.size() > kMaxLineBytes) continue;
    if (line.starts_with("sub_")) {
      auto key = DecisionIndex::subject_key(line);
      if (key) {
        id_keys.push_back(*key);
        id_pos.push_back(pos);
      } else if (is_valid_id(line, "sub")) {
        out[pos].reason = plan.prefix() ? plan.prefix() : reason::kUnknownSubject;
      }
    } else if (line.find('@') != std::string_view::npos) {
      emails.push_back(line);
      email_pos.push_back(pos);
    }
  }
  // E-mail addresses: normalised and blind-indexed (the costly part: keyed BLAKE2b).
  std::vector<DecisionIndex::Key> email_keys(emails.size());
  std::vector<std::uint8_t> email_ok(emails.size(), 0);
  if (!emails.empty() && !plan.prefix()) {
    FactSource* source = index_.source();
    if (!source) return make_error(Errc::kUnavailable, "the decision index is loading");
    CHARTER_TRY(const crypto::BlindIndexKey* key, source->email_key());
    auto hash_range = [&](std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to; ++i) {
        auto normalized = vault::normalize_email(emails[i]);
        if (!normalized.ok()) continue;
        crypto::BlindIndex d = key->compute(*normalized);
        std::copy(d.begin(), d.end(), email_keys[i].begin());
        email_ok[i] = 1;
      }
    };
    const std::size_t n = emails.size();
    const int threads = n >= 1024 ? options_.threads : 1;
    if (threads == 1) {
      hash_range(0, n);
    } else {
      std::vector<std::thread> pool;
      const std::size_t per = (n + threads - 1) / threads;
      for (int t = 1; t < threads; ++t) {
        std::size_t from = std::min(n, per * t), to = std::min(n, per * (t + 1));
        pool.emplace_back(hash_range, from, to);
      }
      hash_range(0, std::min(n, per));
      for (auto& th : pool) th.join();
    }
  } else if (plan.prefix()) {
    for (std::size_t i = 0; i < emails.size(); ++i) {
      // Valid addresses get the actor's reason, without any lookup (nothing about membership).
      if (vault::normalize_email(emails[i]).ok()) out[email_pos[i]].reason = plan.prefix();
    }
  }
  if (plan.prefix()) {
    for (std::size_t p : id_pos) out[p].reason = plan.prefix();
  } else {
    std::vector<const char*> reasons(id_keys.size());
    CHARTER_TRY_STATUS(
        index_.lookup(DecisionIndex::KeyKind::kSubject, id_keys, plan, now, reasons));
    for (std::size_t i = 0; i < id_keys.size(); ++i) out[id_pos[i]].reason = reasons[i];
    // Compact the valid addresses.
    std::vector<DecisionIndex::Key> keys;
    std::vector<std::size_t> pos;
    keys.reserve(emails.size());
    pos.reserve(emails.size());
    for (std::size_t i = 0; i < emails.size(); ++i) {
      if (!email_ok[i]) continue;
      keys.push_back(email_keys[i]);
      pos.push_back(email_pos[i]);
    }
    reasons.assign(keys.size(), nullptr);
    CHARTER_TRY_STATUS(index_.lookup(DecisionIndex::KeyKind::kEmail, keys, plan, now, reasons));
    for (std::size_t i = 0; i < keys.size(); ++i) out[pos[i]].reason = reasons[i];
  }
  for (std::size_t i = base; i < out.size(); ++i) {
    out[i].allowed = std::string_view(out[i].reason) == reason::kAllowed;
    ++summary_.asked;
    if (out[i].allowed) ++summary_.allowed;
    const char* r = out[i].reason;
    auto it = std::find_if(tally_.begin(), tally_.end(), [r](const ReasonCount& t) {
      return t.reason == r || std::strcmp(t.reason, r) == 0;
    });
    if (it == tally_.end()) {
      tally_.push_back({r, 1});
    } else {
      ++it->count;
    }
  }
  return ok_status();
}

Status BulkDecider::answer_pending(std::string& out) {
  if (pending_.empty()) return ok_status();
  std::vector<std::string_view> views(pending_.begin(), pending_.end());
  std::vector<BulkAnswer> answers;
  answers.reserve(views.size());
  CHARTER_TRY_STATUS(decide(views, answers));
  std::size_t a = 0;
  for (const std::string& raw : pending_) {
    std::string_view line = trim(raw);
    if (line.empty()) continue;
    ++line_no_;
    const BulkAnswer& ans = answers[a++];
    if (std::string_view(ans.reason) == reason::kInvalidInput || !printable(line)) {
      out += "#" + std::to_string(line_no_);
    } else {
      out += line;
    }
    out += ans.allowed ? "\tallowed\t" : "\tdenied\t";
    out += ans.reason;
    out += '\n';
  }
  pending_.clear();
  return ok_status();
}

Status BulkDecider::feed(std::string_view bytes, std::string& out) {
  while (!bytes.empty()) {
    auto nl = bytes.find('\n');
    std::string_view piece = bytes.substr(0, nl);
    if (!overlong_) {
      if (partial_.size() + piece.size() > kMaxLineBytes + 2) {
        overlong_ = true;  // keep a marker line that cannot be valid
        partial_.assign(kMaxLineBytes + 1, 'x');
      } else {
        partial_.append(piece);
      }
    }
    if (nl == std::string_view::npos) break;
    bytes.remove_prefix(nl + 1);
    pending_.push_back(std::move(partial_));
    partial_.clear();
    overlong_ = false;
    if (pending_.size() >= options_.chunk_lines) CHARTER_TRY_STATUS(answer_pending(out));
  }
  return ok_status();
}

Result<BulkSummary> BulkDecider::finish(std::string& out) {
  if (!partial_.empty()) {
    pending_.push_back(std::move(partial_));
    partial_.clear();
  }
  CHARTER_TRY_STATUS(answer_pending(out));
  CHARTER_TRY(auto summary, record());
  out += "#end\tasked=" + std::to_string(summary.asked) +
         "\tallowed=" + std::to_string(summary.allowed) + "\n";
  return summary;
}

Result<BulkSummary> BulkDecider::record() {
  if (recorded_) return make_error(Errc::kFailedPrecondition, "bulk decision already recorded");
  CHARTER_TRY_STATUS(
      log_.record_bulk(actor_, request_.purpose, summary_.asked, summary_.allowed, request_id_));
  recorded_ = true;
  return summary_;
}

Result<std::vector<BulkAnswer>> decide_bulk(DecisionIndex& index, DecisionLog& log,
                                            const Clock& clock, const Actor& actor,
                                            const AccessRequest& request,
                                            std::span<const std::string_view> lines,
                                            std::string_view request_id, BulkOptions options) {
  if (options.chunk_lines == 0) options.chunk_lines = 1;
  BulkDecider decider(index, log, clock, actor, request, std::string(request_id), options);
  std::vector<BulkAnswer> out;
  out.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); i += options.chunk_lines) {
    auto n = std::min(options.chunk_lines, lines.size() - i);
    CHARTER_TRY_STATUS(decider.decide(lines.subspan(i, n), out));
  }
  CHARTER_TRY(auto summary, decider.record());
  (void)summary;
  return out;
}

}  // namespace charter::access
