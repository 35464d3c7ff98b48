#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "notify/transport.h"

namespace charter::notify {
namespace {

Status io_error(const std::string& what, const std::string& path, int err) {
  return make_error(Errc::kUnavailable, what + " " + path + ": " + std::strerror(err));
}

Status fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return io_error("cannot fsync", path, err);
  return {};
}

}  // namespace

Status EmlFolder::send(const OutgoingEmail& email) {
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) return make_error(Errc::kUnavailable, "cannot create " + folder_ + ": " + ec.message());
  ::chmod(folder_.c_str(), 0700);
  const std::string path = folder_ + "/" + email.id + ".eml";
  const std::string tmp = folder_ + "/." + email.id + ".eml.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", tmp, errno);
  const char* p = email.rfc5322.data();
  std::size_t left = email.rfc5322.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return io_error("cannot write", tmp, err);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return io_error("cannot fsync", tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return io_error("cannot rename into", path, err);
  }
  return fsync_path(folder_, O_RDONLY | O_DIRECTORY);
}

}  // namespace charter::notify
