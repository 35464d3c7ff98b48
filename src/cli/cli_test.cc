// Runs the real `charter` binary and checks its exit codes and output.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

struct Run {
  int code;
  std::string out;  // stdout and stderr
};

Run run(const std::string& args) {
  std::string cmd = std::string(CHARTER_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

const std::string kPolicy = std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml";

TEST(Cli, HelpAtEveryLevel) {
  EXPECT_EQ(run("--help").code, 0);
  auto policy = run("policy --help");
  EXPECT_EQ(policy.code, 0);
  EXPECT_NE(policy.out.find("check"), std::string::npos);
  EXPECT_EQ(run("policy check --help").code, 0);
}

TEST(Cli, BadUsageExits2) {
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("nonsense").code, 2);
  EXPECT_EQ(run("policy").code, 2);
  EXPECT_EQ(run("policy check --no-such-flag").code, 2);
}

TEST(Cli, PolicyCheckValid) {
  auto r = run("policy check " + kPolicy);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("valid, version "), std::string::npos);
  EXPECT_NE(r.out.find("7 purposes"), std::string::npos);
}

TEST(Cli, PolicyCheckInvalidListsEveryProblem) {
  std::ifstream in(kPolicy);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rep = [&](const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, from.size(), to);
  };
  rep("  legal_form: SARL\n", "  legal_form: SARL\n  vat: x\n");
  rep("    organisation: internal\n    country: FR\n    label: {fr: Contrôle interne",
      "    organisation: external\n    country: FR\n    label: {fr: Contrôle interne");
  std::string path = testing::TempDir() + "/bad-policy.yaml";
  std::ofstream(path) << text;
  auto r = run("policy check " + path);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("bad-policy.yaml:"), std::string::npos);
  EXPECT_NE(r.out.find("controller.vat: unknown key"), std::string::npos);
  EXPECT_NE(r.out.find("recipients[5].organisation: recipient \"auditor\" is outside the company"),
            std::string::npos);
  EXPECT_NE(r.out.find("2 problem(s)"), std::string::npos);
}

TEST(Cli, PolicyCheckMissingFile) {
  auto r = run("policy check /nonexistent/policy.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("cannot read the policy file"), std::string::npos);
}

TEST(Cli, DsrDeadline) {
  auto r = run("dsr deadline --received 2025-01-31 --policy " + kPolicy);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "2025-02-28\n2025-04-30\n");
  r = run("dsr deadline --received 2025-04-01 --policy " + kPolicy);
  EXPECT_EQ(r.out, "2025-05-02\n2025-07-01\n");
  auto bad = run("dsr deadline --received 2025-02-30 --policy " + kPolicy);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("--received: not a calendar date"), std::string::npos) << bad.out;
  EXPECT_EQ(run("dsr deadline --policy " + kPolicy).code, 2);  // --received is required
}

}  // namespace
