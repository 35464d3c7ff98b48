#include "rights/maildir.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/id.h"
#include "crypto/mac.h"

namespace charter::rights {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

MailMessage parse_message(std::string_view raw) {
  MailMessage m;
  std::istringstream in{std::string(raw)};
  std::string line, name, value;
  auto flush = [&] {
    if (name == "from" && m.from.empty()) m.from = value;
    if (name == "subject" && m.subject.empty()) m.subject = value;
    name.clear();
    value.clear();
  };
  bool body = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (body) {
      if (m.body.size() < 9000) m.body += line + "\n";
      continue;
    }
    if (line.empty()) {
      flush();
      body = true;
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !name.empty()) {
      // A continuation line may be all blanks (regression input of fuzz/corpus/maildir:
      // substr(npos) threw, and the exception stopped the intake of the whole folder).
      const auto text = line.find_first_not_of(" \t");
      if (text != std::string::npos) value += " " + line.substr(text);
      continue;
    }
    flush();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    name = lower(line.substr(0, colon));
    value = line.substr(colon + 1);
    auto start = value.find_first_not_of(" \t");
    value = start == std::string::npos ? "" : value.substr(start);
  }
  flush();
  return m;
}

std::string from_address(std::string_view header) {
  auto lt = header.rfind('<');
  auto gt = header.rfind('>');
  std::string_view s = header;
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
    s = header.substr(lt + 1, gt - lt - 1);
  }
  auto a = s.find_first_not_of(" \t");
  auto b = s.find_last_not_of(" \t");
  if (a == std::string_view::npos) return "";
  s = s.substr(a, b - a + 1);
  // An address has an '@' and no blank or control character (a NUL, a CR inside <...>: found
  // by libFuzzer, fuzz/corpus/maildir/regression_from_nul); anything else is no address.
  if (s.find('@') == std::string_view::npos) return "";
  for (unsigned char c : s) {
    if (c <= ' ' || c == 0x7f) return "";
  }
  return std::string(s);
}

Result<MaildirReport> intake_maildir(RequestQueue& queue, const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root / "new", ec) || !fs::is_directory(root / "cur", ec)) {
    return make_error(Errc::kInvalidArgument, "--maildir: a maildir folder with new/ and cur/");
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(root / "new", ec)) {
    if (e.is_regular_file() && e.path().filename().string().rfind('.', 0) != 0) {
      files.push_back(e.path());
    }
  }
  if (ec) return make_error(Errc::kUnavailable, "--maildir: cannot list new/: " + ec.message());
  std::sort(files.begin(), files.end());
  MaildirReport report;
  const Date today = date_of(queue.clock().now());
  for (const auto& path : files) {
    const std::string name = path.filename().string();
    const std::string unique = name.substr(0, name.find(':'));
    const std::string key =
        to_hex(crypto::mac(queue.keys().mac, crypto::as_bytes("mail:" + unique)));
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) {
      report.skipped.push_back(name + ": cannot be read");
      continue;
    }
    MailMessage m = parse_message(std::string_view(ss.str()).substr(0, 1 << 20));
    NewRequest n;
    n.type = RightType::kUnclassified;
    n.channel = "email_dpo";
    n.language = "fr";
    n.email = from_address(m.from);
    n.text = ("Subject: " + m.subject + "\n\n" + m.body).substr(0, 10000);
    n.mail_key = key;
    auto mtime = fs::last_write_time(path, ec);
    if (!ec) {
      auto sys = std::chrono::file_clock::to_sys(mtime);
      Date d = date_of(std::chrono::time_point_cast<Micros>(sys));
      n.received = d > today ? today : d;
    }
    if (n.email.empty()) {
      report.skipped.push_back(name + ": no sender address (From:)");
      continue;
    }
    auto made = queue.create(n, Actor{Actor::Kind::kSystem, "maildir"}, "maildir_intake");
    if (!made) {
      if (made.error().code == Errc::kAlreadyExists) {
        ++report.already;
      } else if (made.error().code == Errc::kInvalidArgument) {
        report.skipped.push_back(name + ": " + made.error().message);
        continue;
      } else {
        return made.error();
      }
    } else {
      report.recorded.push_back(made->id);
    }
    const std::string seen = unique + ":2,S";
    fs::rename(path, root / "cur" / seen, ec);
    if (ec) {
      return make_error(Errc::kUnavailable, "--maildir: recorded but cannot move to cur/ (" +
                                                ec.message() + "); rerun to move it");
    }
  }
  return report;
}

}  // namespace charter::rights
