// Runs the table of access decisions in testdata/decisions.txt on the default Oxemis policy.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "access/decision.h"
#include "policy/loader.h"

namespace charter::access {
namespace {

struct Case {
  int line = 0;
  std::string name;
  SubjectSnapshot subject;
  Actor actor;
  AccessRequest request;
  Timestamp now;
  std::string expected;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

Timestamp ts(const std::string& s) {
  auto t = parse_timestamp(s);
  if (!t) throw std::runtime_error("bad time in table: " + s);
  return *t;
}

Date date(const std::string& s) { return date_of(ts(s)); }

void parse_subject(const std::string& spec, SubjectSnapshot& s) {
  for (auto& tok : split(spec, ' ')) {
    if (tok.empty() || tok == "-") continue;
    auto eq = tok.find('=');
    std::string key = tok.substr(0, eq), value = eq == std::string::npos ? "" : tok.substr(eq + 1);
    if (key == "status") {
      s.status = value == "restricted" ? SubjectStatus::kRestricted
                 : value == "deceased" ? SubjectStatus::kDeceased
                 : value == "erased"   ? SubjectStatus::kErased
                                       : SubjectStatus::kActive;
    } else if (key == "collected") {
      s.facts.collection = ts(value);
    } else if (key == "last_contact") {
      s.facts.last_contact = ts(value);
    } else if (key == "contract_end") {
      s.facts.contract_end = ts(value);
    } else if (key == "transaction") {
      s.facts.transaction_date = ts(value);
    } else if (key == "event") {
      s.facts.event_time = ts(value);
    } else if (key == "request_closed") {
      s.facts.request_closed = ts(value);
    } else if (key == "running") {
      s.facts.contract_running = true;
    } else if (key == "hold") {
      s.facts.legal_hold = true;
    } else if (key == "request_open") {
      s.facts.request_open = true;
    } else if (key.rfind("consent.", 0) == 0) {
      ConsentState c;
      auto at = value.find('@');
      std::string status = value.substr(0, at);
      std::string rest = value.substr(at + 1);
      auto colon = rest.find(":expires=");
      c.at = ts(rest.substr(0, colon));
      if (colon != std::string::npos) c.expires_at = ts(rest.substr(colon + 9));
      c.status = status == "given"       ? ConsentStatus::kGiven
                 : status == "withdrawn" ? ConsentStatus::kWithdrawn
                                         : ConsentStatus::kExpired;
      s.consents[key.substr(8)] = c;
    } else if (key.rfind("objection.", 0) == 0) {
      s.objections[key.substr(10)] = ObjectionState{true, value == "overridden"};
    } else {
      throw std::runtime_error("unknown subject token: " + tok);
    }
  }
}

void parse_actor(const std::string& spec, Actor& a) {
  auto toks = split(spec, ' ');
  a.kind = toks.at(0) == "service" ? Actor::Kind::kService : Actor::Kind::kStaff;
  a.id = toks.at(0) + "_under_test";
  for (std::size_t i = 1; i < toks.size(); ++i) {
    const std::string& tok = toks[i];
    if (tok.empty()) continue;
    auto eq = tok.find('=');
    std::string key = tok.substr(0, eq), value = eq == std::string::npos ? "" : tok.substr(eq + 1);
    if (key == "roles") {
      a.roles = split(value, ',');
    } else if (key == "purposes") {
      a.purposes = split(value, ',');
    } else if (key == "trained") {
      a.trained_on = date(value);
    } else if (key == "signed") {
      a.confidentiality_signed = date(value);
    } else if (key == "suspended" || key == "revoked") {
      a.suspended = true;
    } else {
      throw std::runtime_error("unknown actor token: " + tok);
    }
  }
}

std::vector<Case> load_cases() {
  std::ifstream in(std::string(CHARTER_SOURCE_DIR) + "/src/access/testdata/decisions.txt");
  std::vector<Case> cases;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto cols = split(line, '|');
    if (cols.size() != 7) throw std::runtime_error("line " + std::to_string(n) + ": 7 columns");
    Case c;
    c.line = n;
    c.name = trim(cols[0]);
    parse_subject(trim(cols[1]), c.subject);
    parse_actor(trim(cols[2]), c.actor);
    c.request.purpose = trim(cols[3]);
    std::string cats = trim(cols[4]);
    if (cats != "-") c.request.categories = split(cats, ',');
    c.now = ts(trim(cols[5]));
    c.expected = trim(cols[6]);
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(DecisionTable, EveryCase) {
  auto policy = policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  auto cases = load_cases();
  ASSERT_GE(cases.size(), 60u);
  int allows = 0;
  for (const Case& c : cases) {
    Decision d = decide(*policy, c.actor, c.subject, c.request, c.now);
    std::string got = d.allowed ? "allow" : "deny:" + d.reasons.at(0);
    EXPECT_EQ(got, c.expected) << "decisions.txt:" << c.line << " " << c.name << " — "
                               << d.sentence;
    EXPECT_FALSE(d.sentence.empty());
    allows += d.allowed;
  }
  // The table exercises both outcomes broadly.
  EXPECT_GE(allows, 20);
  EXPECT_GE(static_cast<int>(cases.size()) - allows, 30);
}

}  // namespace
}  // namespace charter::access
