#include "crypto/secret_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "crypto/test_util.h"

namespace charter::crypto {
namespace {

using testing::counting_bytes;
using testing::TempDir;

TEST(SecretFile, WriteReadDestroy) {
  TempDir dir;
  const std::string path = dir.file("epoch-1.key");
  const Bytes content = counting_bytes(77);
  ASSERT_TRUE(write_secret_file(path, content).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto back = read_secret_file(path, 100);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, content);
  auto exact = read_secret_file(path, 77);
  ASSERT_TRUE(exact.ok()) << exact.error().to_string();
  EXPECT_EQ(read_secret_file(path, 76).error().code, Errc::kInvalidArgument);

  EXPECT_EQ(write_secret_file(path, counting_bytes(3)).error().code, Errc::kAlreadyExists);
  EXPECT_EQ(*read_secret_file(path, 100), content);

  ASSERT_TRUE(destroy_secret_file(path).ok());
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(destroy_secret_file(path).error().code, Errc::kNotFound);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // no temporary file left
}

TEST(SecretFile, ChecksApplyToReadAndDestroy) {
  TempDir dir;
  const std::string path = dir.file("loose.key");
  std::ofstream(path) << "x";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(read_secret_file(path, 10).error().code, Errc::kFailedPrecondition);
  EXPECT_EQ(destroy_secret_file(path).error().code, Errc::kFailedPrecondition);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(write_secret_file(dir.file("no/such/folder.key"), counting_bytes(1)).error().code,
            Errc::kUnavailable);
}

}  // namespace
}  // namespace charter::crypto
