// Maildir intake on both backends: each new message becomes one received, unclassified request
// (sealed text, the sender as requester), moved to cur/ once recorded; a rerun reads nothing
// twice, a message recorded before a crash is only moved, a message without sender stays.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rights/maildir.h"
#include "rights/testing.h"

namespace charter::rights {
namespace {

namespace fs = std::filesystem;
using testing::kDpo;
using testing::RightsFixture;

class MaildirTest : public RightsFixture {
 protected:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/new/" + name) << text;
  }
  std::size_t count(const char* sub) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ + "/" + sub)) {
      (void)e;
      ++n;
    }
    return n;
  }
  void make_dirs() {
    dir_ = tmp_.path() + "/Maildir";
    fs::create_directories(dir_ + "/new");
    fs::create_directories(dir_ + "/cur");
    fs::create_directories(dir_ + "/tmp");
  }
  vault::testing::TempDir tmp_;
  std::string dir_;
};

TEST(MaildirParse, FromAddress) {
  EXPECT_EQ(from_address("Jeanne Martin <jeanne@example.fr>"), "jeanne@example.fr");
  EXPECT_EQ(from_address("  jeanne@example.fr "), "jeanne@example.fr");
  EXPECT_EQ(from_address("Jeanne Martin"), "");
  EXPECT_EQ(from_address("Jeanne <  jeanne@example.fr >"), "jeanne@example.fr");
  // Found by libFuzzer (fuzz/corpus/maildir/regression_from_nul): what is inside <...> was
  // taken as is, blanks and control characters included.
  EXPECT_EQ(from_address("J <jeanne m@example.fr>"), "");
  EXPECT_EQ(from_address(std::string_view("J <jeanne\0m@example.fr>", 23)), "");
  EXPECT_EQ(from_address("J <jeanne\rm@example.fr>"), "");
  EXPECT_EQ(from_address("J <jeanne>"), "");
}

TEST(MaildirParse, HeadersFoldedLinesAndBody) {
  const MailMessage m = parse_message(
      "From: \"Martin, Jeanne\"\r\n <jeanne@example.fr>\r\nSubject: a folded\r\n\tsubject\r\n"
      "From: second@example.fr\r\n\r\nline 1\r\nline 2\r\n");
  EXPECT_EQ(m.from, "\"Martin, Jeanne\" <jeanne@example.fr>");
  EXPECT_EQ(m.subject, "a folded subject");
  EXPECT_EQ(m.body, "line 1\nline 2\n");
  // A continuation line of blanks only (fuzz/corpus/maildir/regression_blank_continuation)
  // used to throw std::out_of_range, which stopped the intake of the whole folder.
  const MailMessage b = parse_message("From: paul@example.fr\nSubject: s\n \t \nTo: x\n\nbody\n");
  EXPECT_EQ(b.subject, "s");
  EXPECT_EQ(b.body, "body\n");
  EXPECT_EQ(parse_message("").from, "");
}

TEST_P(MaildirTest, EachNewMessageOnceThenMoved) {
  make_dirs();
  write("1700000000.M1P1.host",
        "From: Jeanne <jeanne@example.fr>\r\nSubject: Effacement\r\n\r\n"
        "Merci d'effacer mes données.\r\n");
  write("1700000001.M2P1.host", "From: paul@example.fr\nSubject: Access\n\nSend me my data.\n");
  write("1700000002.M3P1.host", "Subject: no sender\n\nhello\n");
  ASSERT_OK_AND_ASSIGN(auto rep, intake_maildir(*queue_, dir_));
  EXPECT_EQ(rep.recorded.size(), 2u);
  EXPECT_EQ(rep.skipped.size(), 1u);
  EXPECT_EQ(count("new"), 1u);
  EXPECT_EQ(count("cur"), 2u);
  ASSERT_OK_AND_ASSIGN(auto r, queue_->get(rep.recorded[0]));
  EXPECT_EQ(r.type, RightType::kUnclassified);
  EXPECT_EQ(r.state, State::kReceived);
  EXPECT_EQ(r.channel, "email_dpo");
  EXPECT_EQ(r.email, "jeanne@example.fr");
  EXPECT_NE(r.text.find("Merci d'effacer"), std::string::npos);
  // Rerun: nothing new.
  ASSERT_OK_AND_ASSIGN(rep, intake_maildir(*queue_, dir_));
  EXPECT_TRUE(rep.recorded.empty());
  ASSERT_OK_AND_ASSIGN(auto all, queue_->list());
  EXPECT_EQ(all.size(), 2u);
  // A crash after recording, before the move: the copy put back in new/ is only moved.
  fs::copy_file(dir_ + "/cur/1700000001.M2P1.host:2,S", dir_ + "/new/1700000001.M2P1.host");
  ASSERT_OK_AND_ASSIGN(rep, intake_maildir(*queue_, dir_));
  EXPECT_TRUE(rep.recorded.empty());
  EXPECT_EQ(rep.already, 1);
  ASSERT_OK_AND_ASSIGN(all, queue_->list());
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(count("new"), 1u);
  // The DPO classifies it.
  ASSERT_OK_AND_ASSIGN(auto c, rights_->classify(r.id, RightType::kErasure, kDpo));
  EXPECT_EQ(c.type, RightType::kErasure);
  EXPECT_FALSE(intake_maildir(*queue_, tmp_.path()).ok());
}

CHARTER_ACCESS_BACKENDS(MaildirTest);

}  // namespace
}  // namespace charter::rights
