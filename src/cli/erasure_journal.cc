#include "cli/erasure_journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/id.h"
#include "crypto/hash.h"

namespace charter::cli {
namespace {

constexpr std::string_view kTag = "e1";

std::string join(const std::vector<std::string>& v) {
  if (v.empty()) return "-";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  if (s == "-") return out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

bool plain_token(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == ',' || c >= 0x7f) return false;
  }
  return true;
}

std::string chain_of(const std::string& previous, const std::string& body) {
  std::string in = previous + body;
  auto d =
      crypto::sha256(crypto::ByteView(reinterpret_cast<const std::uint8_t*>(in.data()), in.size()));
  return to_hex(d);
}

const std::string& zero_chain() {
  static const std::string z(64, '0');
  return z;
}

// Parses the file; returns the entries and the last chain value.
Result<std::pair<std::vector<JournalEntry>, std::string>> parse(const std::string& path) {
  std::pair<std::vector<JournalEntry>, std::string> out{{}, zero_chain()};
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return out;
    return make_error(Errc::kUnavailable, "cannot read the erasure journal " + path);
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto bad = [&](const char* why) {
      return make_error(Errc::kIntegrity,
                        "erasure journal " + path + " line " + std::to_string(n) + ": " + why);
    };
    auto sp = line.rfind(' ');
    if (sp == std::string::npos) return bad("malformed");
    const std::string body = line.substr(0, sp);
    if (chain_of(out.second, body) != line.substr(sp + 1)) {
      return bad("chain does not match (a line was changed, removed or inserted)");
    }
    out.second = line.substr(sp + 1);
    std::stringstream ss(body);
    std::string tag, micros, subject, destroyed, kept;
    if (!(ss >> tag >> micros >> subject >> destroyed >> kept) || tag != kTag) {
      return bad("malformed");
    }
    JournalEntry e;
    char* end = nullptr;
    long long us = std::strtoll(micros.c_str(), &end, 10);
    if (!end || *end) return bad("malformed time");
    e.at = Timestamp(Micros(us));
    e.subject_id = subject;
    e.destroyed = split(destroyed);
    e.kept = split(kept);
    out.first.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Status ErasureJournal::append(const JournalEntry& entry) {
  if (!plain_token(entry.subject_id)) {
    return make_error(Errc::kInvalidArgument, "erasure journal: bad subject id");
  }
  for (const auto* list : {&entry.destroyed, &entry.kept}) {
    for (const auto& c : *list) {
      if (!plain_token(c)) return make_error(Errc::kInvalidArgument, "erasure journal: bad class");
    }
  }
  std::lock_guard lock(mu_);
  auto parent = std::filesystem::path(path_).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(Errc::kUnavailable, "cannot open the erasure journal " + path_);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }  // also releases the flock
  } closer{fd};
  if (::flock(fd, LOCK_EX) != 0) {
    return make_error(Errc::kUnavailable, "cannot lock the erasure journal " + path_);
  }
  CHARTER_TRY(auto parsed, parse(path_));
  std::string body = std::string(kTag) + " " + std::to_string(to_unix_micros(entry.at)) + " " +
                     entry.subject_id + " " + join(entry.destroyed) + " " + join(entry.kept);
  std::string line = body + " " + chain_of(parsed.second, body) + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fsync(fd) != 0) {
    return make_error(Errc::kUnavailable, "writing the erasure journal " + path_ + " failed");
  }
  return ok_status();
}

Result<std::vector<JournalEntry>> ErasureJournal::read_all() const {
  CHARTER_TRY(auto parsed, parse(path_));
  return std::move(parsed.first);
}

Status JournalingSink::record(store::Transaction& tx, const vault::Change& change) {
  if (inner_) CHARTER_TRY_STATUS(inner_->record(tx, change));
  if (change.kind != vault::ChangeKind::kSubjectErased) return ok_status();
  for (const auto& id : change.subject_ids) {
    CHARTER_TRY_STATUS(journal_.append({clock_.now(), id, change.classes, change.kept}));
  }
  return ok_status();
}

std::string erasure_journal_path(const std::string& option, const std::string& data_folder) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("CHARTER_ERASURE_JOURNAL"); env && *env) return env;
  return (std::filesystem::path(data_folder) / "erasures.journal").string();
}

}  // namespace charter::cli
