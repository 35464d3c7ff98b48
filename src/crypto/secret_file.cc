#include "crypto/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace charter::crypto {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string mode_string(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Error io_error(const std::string& step, const std::string& path, int err) {
  return make_error(Errc::kUnavailable, step + " " + path + ": " + std::strerror(err));
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

Status fsync_dir(const std::string& path) {
  Fd dir;
  dir.fd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir.fd < 0 || ::fsync(dir.fd) != 0) {
    return io_error("cannot fsync the folder of", path, errno);
  }
  return ok_status();
}

// Opens `path` read-only after the checks of the header; `flags` adds O_RDWR for destroy.
Result<int> open_checked(const std::string& path, int flags, struct stat& st) {
  int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return make_error(Errc::kNotFound, path + " does not exist");
    if (err == EACCES)
      return make_error(Errc::kPermissionDenied, path + " cannot be opened: permission denied");
    if (err == ELOOP) {
      return make_error(Errc::kFailedPrecondition,
                        path + " is a symbolic link; give the path of the file itself");
    }
    if (err == EISDIR) return make_error(Errc::kFailedPrecondition, path + " is a folder");
    return io_error("cannot open", path, err);
  }
  Fd guard{fd};
  if (::fstat(fd, &st) != 0) return io_error("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return make_error(Errc::kFailedPrecondition, path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return make_error(Errc::kFailedPrecondition,
                      path + " has mode " + mode_string(st.st_mode) +
                          ": group and others must have no access (run: chmod 600 " + path + ")");
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return make_error(Errc::kFailedPrecondition, path + " is owned by uid " +
                                                     std::to_string(st.st_uid) +
                                                     ", not by the user running charter (uid " +
                                                     std::to_string(::geteuid()) + ") or root");
  }
  guard.fd = -1;
  return fd;
}

}  // namespace

Result<std::size_t> read_secret_file(const std::string& path, std::span<std::uint8_t> buffer) {
  struct stat st {};
  CHARTER_TRY(int raw_fd, open_checked(path, O_RDONLY, st));
  Fd f{raw_fd};
  if (st.st_size < 0 || static_cast<std::uint64_t>(st.st_size) > buffer.size()) {
    return make_error(Errc::kInvalidArgument,
                      path + " is larger than " + std::to_string(buffer.size()) + " bytes");
  }
  std::size_t size = 0;
  while (size < buffer.size()) {
    ssize_t n = ::read(f.fd, buffer.data() + size, buffer.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path, errno);
    }
    if (n == 0) return size;
    size += static_cast<std::size_t>(n);
  }
  // The buffer is full: the file must end here (it may have grown since fstat).
  std::uint8_t extra = 0;
  if (::read(f.fd, &extra, 1) != 0) {
    return make_error(Errc::kInvalidArgument,
                      path + " is larger than " + std::to_string(buffer.size()) + " bytes");
  }
  return size;
}

Result<Bytes> read_secret_file(const std::string& path, std::size_t max_bytes) {
  Bytes out(max_bytes);
  CHARTER_TRY(std::size_t n, read_secret_file(path, std::span<std::uint8_t>(out)));
  out.resize(n);
  return out;
}

Status write_secret_file(const std::string& path, ByteView content) {
  const Error exists = make_error(Errc::kAlreadyExists,
                                  path + " exists already; refusing to overwrite key material");
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) == 0) return exists;
  std::string tmp = path + ".tmp-XXXXXX";
  Fd f;
  f.fd = ::mkstemp(tmp.data());  // mode 0600
  if (f.fd < 0) return io_error("cannot create a temporary file for", path, errno);
  const auto fail = [&](const char* step, int err) {
    ::unlink(tmp.c_str());
    return io_error(step, path, err);
  };
  if (::fchmod(f.fd, S_IRUSR | S_IWUSR) != 0) return fail("cannot set mode 0600 on", errno);
  if (!write_all(f.fd, content.data(), content.size())) return fail("cannot write", errno);
  if (::fsync(f.fd) != 0) return fail("cannot fsync", errno);
  ::close(f.fd);
  f.fd = -1;
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST) return exists;
    return io_error("cannot create", path, err);
  }
  ::unlink(tmp.c_str());
  return fsync_dir(path);
}

Status destroy_secret_file(const std::string& path) {
  struct stat st {};
  CHARTER_TRY(int raw_fd, open_checked(path, O_RDWR, st));
  Fd f{raw_fd};
  const std::vector<std::uint8_t> zeros(static_cast<std::size_t>(st.st_size), 0);
  if (!write_all(f.fd, zeros.data(), zeros.size()) || ::fsync(f.fd) != 0) {
    return io_error("cannot overwrite", path, errno);
  }
  if (::unlink(path.c_str()) != 0) return io_error("cannot remove", path, errno);
  return fsync_dir(path);
}

}  // namespace charter::crypto
