// Runs the real `charter` binary: `charter policy render` and `charter policy ropa`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Run {
  int code;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Run run(const std::string& args) {
  // One file per process: ctest runs this binary's tests in parallel processes.
  const std::string err_path =
      testing::TempDir() + "/charter-render-stderr-" + std::to_string(getpid()) + ".txt";
  std::string cmd = std::string(CHARTER_BINARY) + " " + args + " 2>" + err_path;
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, slurp(err_path)};
}

const std::string kSource = CHARTER_SOURCE_DIR;
const std::string kPolicy = kSource + "/policies/oxemis.yaml";

TEST(CliRender, PrintsTheGoldenDocuments) {
  for (const char* lang : {"fr", "en"}) {
    for (const char* format : {"md", "html"}) {
      auto r = run("policy render " + kPolicy + " --lang " + lang + " --format " + format);
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_EQ(r.out, slurp(kSource + "/tests/golden/charter." + lang + "." + format))
          << lang << " " << format;
    }
  }
  EXPECT_EQ(run("policy ropa " + kPolicy + " --format csv").out,
            slurp(kSource + "/tests/golden/ropa.fr.csv"));
  EXPECT_EQ(run("policy ropa " + kPolicy + " --format csv --lang en").out,
            slurp(kSource + "/tests/golden/ropa.en.csv"));
  EXPECT_EQ(run("policy ropa " + kPolicy + " --format json").out,
            slurp(kSource + "/tests/golden/ropa.json"));
  EXPECT_EQ(run("policy ropa " + kPolicy + " --format jsonld").out,
            slurp(kSource + "/tests/golden/ropa.jsonld"));
}

TEST(CliRender, DefaultsAreFrenchMarkdownAndCsv) {
  auto r = run("policy render " + kPolicy);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# Charte de protection des données personnelles", 0), 0u);
  auto ropa = run("policy ropa " + kPolicy);
  EXPECT_EQ(ropa.code, 0) << ropa.err;
  EXPECT_EQ(ropa.out.rfind("Identifiant,Finalité,", 0), 0u);
}

TEST(CliRender, HelpListsTheVerbs) {
  auto r = run("policy --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("render"), std::string::npos);
  EXPECT_NE(r.out.find("ropa"), std::string::npos);
  EXPECT_EQ(run("policy render --help").code, 0);
  EXPECT_EQ(run("policy ropa --help").code, 0);
}

TEST(CliRender, BadOptionValuesExit2WithTheAllowedValues) {
  auto lang = run("policy render " + kPolicy + " --lang de");
  EXPECT_EQ(lang.code, 2);
  EXPECT_NE(lang.err.find("--lang"), std::string::npos) << lang.err;
  EXPECT_NE(lang.err.find("fr"), std::string::npos) << lang.err;
  EXPECT_TRUE(lang.out.empty());
  auto format = run("policy render " + kPolicy + " --format pdf");
  EXPECT_EQ(format.code, 2);
  EXPECT_NE(format.err.find("html"), std::string::npos) << format.err;
  auto ropa = run("policy ropa " + kPolicy + " --format xml");
  EXPECT_EQ(ropa.code, 2);
  EXPECT_NE(ropa.err.find("jsonld"), std::string::npos) << ropa.err;
  EXPECT_EQ(run("policy ropa " + kPolicy + " --lang xx").code, 2);
}

TEST(CliRender, InvalidPolicyExits2WithTheLoaderIssues) {
  std::string text = slurp(kPolicy);
  auto pos = text.find("  legal_form: SARL\n");
  ASSERT_NE(pos, std::string::npos);
  text.insert(pos, "  vat: x\n");
  const std::string path = testing::TempDir() + "/render-bad-policy.yaml";
  std::ofstream(path) << text;
  for (const char* cmd : {"policy render ", "policy ropa "}) {
    auto r = run(cmd + path);
    EXPECT_EQ(r.code, 2) << cmd;
    EXPECT_TRUE(r.out.empty()) << cmd;
    EXPECT_NE(r.err.find("render-bad-policy.yaml:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("controller.vat: unknown key"), std::string::npos) << r.err;
  }
  auto missing = run("policy render /nonexistent/policy.yaml");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("cannot read the policy file"), std::string::npos) << missing.err;
}

TEST(CliRender, LanguageNotDeclaredByThePolicyExits2) {
  std::string text = slurp(kPolicy);
  auto pos = text.find("languages: [fr, en]");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 19, "languages: [fr]");
  const std::string path = testing::TempDir() + "/render-fr-only.yaml";
  std::ofstream(path) << text;
  auto r = run("policy render " + path + " --lang en");
  // The loader may refuse the extra English texts, or the renderer the undeclared language:
  // either way, invalid input.
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
