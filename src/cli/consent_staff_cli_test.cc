// `charter staff ...` and `charter consent ...` through the real binary, on an embedded store.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {

struct CliRun {
  int code;
  std::string out;  // stdout (and stderr when merged)
};

class StaffConsentCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "charter-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CliRun run(const std::string& args, bool merge_stderr = true,
             const std::string& stdin_text = "") {
    std::string cmd = "CHARTER_MASTER_KEY=" + std::string(64, 'a') + " ";
    if (!stdin_text.empty()) cmd = "printf '%s\\n' '" + stdin_text + "' | " + cmd;
    cmd += std::string(CHARTER_BINARY) + " " + args + " --data " + dir_ + "/data --policy " +
           CHARTER_SOURCE_DIR + "/policies/oxemis.yaml" + (merge_stderr ? " 2>&1" : " 2>/dev/null");
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }
  static std::string first_field(const std::string& out) {
    return out.substr(0, out.find_first_of("\t\n"));
  }

  std::string dir_;
};

TEST_F(StaffConsentCli, StaffLifecycle) {
  auto add = run("staff add --name 'Jeanne Dupont' --email jeanne@oxemis.com --role dpo");
  ASSERT_EQ(add.code, 0) << add.out;
  const std::string id = first_field(add.out);
  ASSERT_EQ(id.rfind("stf_", 0), 0u) << add.out;
  EXPECT_EQ(run("staff train --id " + id + " --date 2020-01-10").code, 0);
  EXPECT_EQ(run("staff sign --id " + id + " --date 2020-01-11").code, 0);
  auto list = run("staff list");
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(
      list.out.find("roles=dpo\ttrained=2020-01-10\ttraining_valid=no\tvalid_until=2021-01-10"),
      std::string::npos)
      << list.out;
  EXPECT_EQ(list.out.find("Jeanne"), std::string::npos);  // names only with --names
  auto names = run("staff list --names");
  EXPECT_NE(names.out.find("name=Jeanne Dupont\temail=jeanne@oxemis.com"), std::string::npos);
  auto suspend = run("staff suspend --id " + id);
  EXPECT_NE(suspend.out.find("suspended"), std::string::npos);
  EXPECT_EQ(run("staff password --id " + id, true, "s3cret words").code, 0);

  auto bad_role = run("staff add --name X --email x@oxemis.com --role marketing");
  EXPECT_EQ(bad_role.code, 2);
  EXPECT_NE(bad_role.out.find("is not a staff role of the policy"), std::string::npos);
  auto dup = run("staff add --name Y --email JEANNE@oxemis.com --role dpo");
  EXPECT_EQ(dup.code, 1);
  EXPECT_EQ(dup.out.find("jeanne"), std::string::npos) << dup.out;

  auto svc = run("staff service-add --name emailing --purpose prospecting");
  ASSERT_EQ(svc.code, 0) << svc.out;
  auto token = run("staff token-issue --service emailing --valid P30D", false);
  ASSERT_EQ(token.code, 0);
  EXPECT_NE(token.out.find("token=chsvc_"), std::string::npos);
  auto tid_at = token.out.find("token_id=");
  ASSERT_NE(tid_at, std::string::npos);
  std::string tid = token.out.substr(tid_at + 9, token.out.find('\n', tid_at) - tid_at - 9);
  EXPECT_EQ(run("staff token-revoke --token-id " + tid).code, 0);
  EXPECT_EQ(run("staff token-issue --service emailing --valid P5Y").code, 2);

  // Every change is in the audit log (<data>/audit.db), and the log verifies: added, trained,
  // signed, suspended, password, service added, token issued, token revoked.
  auto verify = run("audit verify");
  ASSERT_EQ(verify.code, 0) << verify.out;
  EXPECT_NE(verify.out.find("audit log verified: 8 entries"), std::string::npos) << verify.out;
}

TEST_F(StaffConsentCli, ConsentGiveWithdrawStateHistoryReceipt) {
  const std::string s = "sub_0123456789abcdefghjkmnpqrs";
  // The audit log names subjects by a pseudonym keyed by the vault: its keys come first.
  auto init = run("keys init");
  ASSERT_EQ(init.code, 0) << init.out;
  auto give = run("consent give --subject " + s +
                  " --purpose prospecting --channel privacy_center --language en --ip 192.0.2.4");
  ASSERT_EQ(give.code, 0) << give.out;
  const std::string event = first_field(give.out);
  EXPECT_EQ(event.rfind("cev_", 0), 0u);
  EXPECT_EQ(give.out.find("192.0.2.4"), std::string::npos);  // sealed, not printed
  auto refused = run("consent withdraw --subject " + s + " --purpose prospecting --channel api");
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.out.find("not a withdrawal channel"), std::string::npos);
  EXPECT_EQ(run("consent give --subject " + s + " --purpose statistics --channel api").code, 2);

  auto state = run("consent state --subject " + s);
  EXPECT_NE(state.out.find("prospecting\tgiven"), std::string::npos) << state.out;
  EXPECT_EQ(run("consent withdraw --subject " + s +
                " --purpose prospecting --channel one_click_unsubscribe")
                .code,
            0);
  state = run("consent state --subject " + s + " --purpose prospecting");
  EXPECT_NE(state.out.find("prospecting\twithdrawn"), std::string::npos) << state.out;
  auto history = run("consent history --subject " + s);
  EXPECT_NE(history.out.find("evidence=sealed"), std::string::npos);
  EXPECT_EQ(history.out.find("192.0.2.4"), std::string::npos);
  auto evidence = run("consent history --subject " + s + " --show-evidence");
  EXPECT_NE(evidence.out.find("ip=192.0.2.4"), std::string::npos);

  auto receipt = run("consent receipt --subject " + s + " --event " + event, false);
  ASSERT_EQ(receipt.code, 0) << receipt.out;
  auto json = nlohmann::json::parse(receipt.out);
  EXPECT_EQ(json["version"], "KI-CR-v1.1.0");
  EXPECT_EQ(json["consentReceiptID"], event);
  EXPECT_EQ(run("consent receipt --subject " + s + " --event cev_00000000000000000000000000").code,
            1);

  // keys.initialized, consent.given, consent.withdrawn (refusals are not changes).
  auto verify = run("audit verify");
  ASSERT_EQ(verify.code, 0) << verify.out;
  EXPECT_NE(verify.out.find("audit log verified: 3 entries"), std::string::npos) << verify.out;
}

TEST_F(StaffConsentCli, ConsentNeedsTheVaultKeysForPseudonyms) {
  auto give =
      run("consent give --subject sub_0123456789abcdefghjkmnpqrs --purpose prospecting "
          "--channel privacy_center");
  EXPECT_EQ(give.code, 1) << give.out;
  EXPECT_NE(give.out.find("charter keys init"), std::string::npos) << give.out;
}

TEST_F(StaffConsentCli, MissingMasterKeyIsAClearError) {
  std::string cmd = "env -u CHARTER_MASTER_KEY " + std::string(CHARTER_BINARY) +
                    " consent state --subject sub_0123456789abcdefghjkmnpqrs --data " + dir_ +
                    "/data --policy " + CHARTER_SOURCE_DIR + "/policies/oxemis.yaml 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 1024> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(out.find("no master key"), std::string::npos) << out;
}

}  // namespace
