#include "crypto/key_source.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "crypto/test_util.h"

namespace charter::crypto {
namespace {

using testing::TempDir;

const std::string kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kKeyId = "46a220483a3fbd69";  // id of bytes 00..1f (master_key_test)

void write_file(const std::string& path, const std::string& content, mode_t mode) {
  std::ofstream(path, std::ios::binary) << content;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

void expect_no_secret(const Error& e) {
  EXPECT_EQ(e.message.find(kKeyHex), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(kKeyHex.substr(0, 16)), std::string::npos) << e.message;
}

TEST(KeyFile, Mode0600Accepted) {
  TempDir dir;
  write_file(dir.file("master.key"), kKeyHex + "\n", 0600);
  auto key = load_key_file(dir.file("master.key"), 1);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->id(), kKeyId);
  EXPECT_EQ(key->version(), 1u);
  write_file(dir.file("no-newline.key"), kKeyHex, 0400);
  EXPECT_TRUE(load_key_file(dir.file("no-newline.key"), 1).ok());
  std::string upper = kKeyHex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(c));
  write_file(dir.file("upper.key"), upper, 0600);
  EXPECT_EQ(load_key_file(dir.file("upper.key"), 2)->id(), kKeyId);
}

TEST(KeyFile, GroupOrOtherAccessRefused) {
  TempDir dir;
  for (mode_t mode : {0644, 0640, 0604, 0660, 0700 | 0001}) {
    write_file(dir.file("master.key"), kKeyHex + "\n", mode);
    auto key = load_key_file(dir.file("master.key"), 1);
    ASSERT_FALSE(key.ok()) << std::oct << mode;
    EXPECT_EQ(key.error().code, Errc::kFailedPrecondition);
    EXPECT_NE(key.error().message.find("chmod 600"), std::string::npos) << key.error().message;
    expect_no_secret(key.error());
  }
}

TEST(KeyFile, WrongSizeOrFormatRefused) {
  TempDir dir;
  for (std::string content :
       {kKeyHex.substr(0, 62), kKeyHex.substr(0, 63) + "\n", kKeyHex + "00", kKeyHex + "\r\n",
        kKeyHex + "\n\n", " " + kKeyHex, kKeyHex.substr(0, 63) + "g", std::string(),
        kKeyHex.substr(0, 62) + "\n\n"}) {
    write_file(dir.file("bad.key"), content, 0600);
    auto key = load_key_file(dir.file("bad.key"), 1);
    ASSERT_FALSE(key.ok()) << content;
    EXPECT_EQ(key.error().code, Errc::kInvalidArgument) << key.error().message;
    EXPECT_NE(key.error().message.find("64 hexadecimal characters"), std::string::npos);
    expect_no_secret(key.error());
  }
}

TEST(KeyFile, MissingSymlinkAndDirectoryRefused) {
  TempDir dir;
  EXPECT_EQ(load_key_file(dir.file("absent.key"), 1).error().code, Errc::kNotFound);
  write_file(dir.file("real.key"), kKeyHex, 0600);
  ASSERT_EQ(::symlink(dir.file("real.key").c_str(), dir.file("link.key").c_str()), 0);
  EXPECT_EQ(load_key_file(dir.file("link.key"), 1).error().code, Errc::kFailedPrecondition);
  ASSERT_EQ(::mkdir(dir.file("folder").c_str(), 0700), 0);
  EXPECT_EQ(load_key_file(dir.file("folder"), 1).error().code, Errc::kFailedPrecondition);
  EXPECT_EQ(load_key_file(dir.file("real.key"), 0).error().code, Errc::kInvalidArgument);
}

TEST(KeyFile, OtherOwnerRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file to another user";
  TempDir dir;
  write_file(dir.file("master.key"), kKeyHex, 0600);
  ASSERT_EQ(::chown(dir.file("master.key").c_str(), 12345, 12345), 0);
  auto key = load_key_file(dir.file("master.key"), 1);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, Errc::kFailedPrecondition);
  EXPECT_NE(key.error().message.find("owned by uid 12345"), std::string::npos);
}

TEST(KeyFile, CreateWritesMode0600AndLoadsBack) {
  TempDir dir;
  SeededRandom rnd(9);
  const std::string path = dir.file("master.key");
  auto created = create_key_file(path, 1, rnd);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, 65);
  auto loaded = load_key_file(path, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  EXPECT_EQ(loaded->id(), created->id());
  // Only the key file is left in the folder (no temporary file).
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(KeyFile, CreateNeverOverwrites) {
  TempDir dir;
  SeededRandom rnd(10);
  const std::string path = dir.file("master.key");
  auto first = create_key_file(path, 1, rnd);
  ASSERT_TRUE(first.ok());
  auto second = create_key_file(path, 1, rnd);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Errc::kAlreadyExists);
  EXPECT_EQ(load_key_file(path, 1)->id(), first->id());
  EXPECT_EQ(create_key_file(dir.file("missing/master.key"), 1, rnd).error().code,
            Errc::kUnavailable);
}

class KeyEnv : public ::testing::Test {
 protected:
  const std::string name_ = "CHARTER_TEST_MASTER_KEY_" + std::to_string(::getpid());
  void TearDown() override { ::unsetenv(name_.c_str()); }
};

TEST_F(KeyEnv, LoadsKey) {
  ::setenv(name_.c_str(), kKeyHex.c_str(), 1);
  auto key = load_key_env(name_, 4);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->id(), kKeyId);
  EXPECT_EQ(key->version(), 4u);
  ::setenv(name_.c_str(), (kKeyHex + "\n").c_str(), 1);
  EXPECT_TRUE(load_key_env(name_, 4).ok());
}

TEST_F(KeyEnv, MissingOrMalformed) {
  auto missing = load_key_env(name_, 1);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
  EXPECT_NE(missing.error().message.find(name_), std::string::npos);
  for (std::string bad : {std::string(), kKeyHex.substr(1), kKeyHex + " ", "x" + kKeyHex.substr(1),
                          kKeyHex + kKeyHex}) {
    ::setenv(name_.c_str(), bad.c_str(), 1);
    auto key = load_key_env(name_, 1);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.error().code, Errc::kInvalidArgument);
    expect_no_secret(key.error());
  }
  EXPECT_EQ(load_key_env("", 1).error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace charter::crypto
