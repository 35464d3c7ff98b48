#include "crypto/key_source.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "crypto/encoding.h"
#include "crypto/sodium.h"

namespace charter::crypto {
namespace {

constexpr std::size_t kHexChars = 2 * kKeyBytes;
constexpr std::string_view kFormat = "64 hexadecimal characters and an optional newline";

// Closes a file descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Wipes a buffer on scope exit.
template <std::size_t N>
struct WipedBuffer {
  std::array<char, N> data{};
  ~WipedBuffer() { sodium_memzero(data.data(), data.size()); }
};

std::string mode_string(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Error io_error(const std::string& what, const std::string& path, int err) {
  return make_error(Errc::kUnavailable, what + " " + path + ": " + std::strerror(err));
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool write_all(int fd, const char* data, std::size_t size) {
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

}  // namespace

Result<MasterKey> parse_key_text(std::string_view text, std::uint32_t version,
                                 std::string_view what) {
  if (text.size() == kHexChars + 1 && text.back() == '\n') text.remove_suffix(1);
  std::array<std::uint8_t, kKeyBytes> raw{};
  if (text.size() != kHexChars || !decode_hex_exact(text, raw)) {
    return make_error(Errc::kInvalidArgument, std::string(what) + ": not a master key (expected " +
                                                  std::string(kFormat) + ")");
  }
  auto key = MasterKey::from_bytes(version, raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

Result<MasterKey> load_key_file(const std::string& path, std::uint32_t version) {
  const std::string what = "master key file " + path;
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (f.fd < 0) {
    int err = errno;
    if (err == ENOENT) return make_error(Errc::kNotFound, what + " does not exist");
    if (err == EACCES) return make_error(Errc::kPermissionDenied, what + " cannot be read");
    if (err == ELOOP) {
      return make_error(Errc::kFailedPrecondition,
                        what + " is a symbolic link; give the path of the file itself");
    }
    return io_error("cannot open", what, err);
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat", what, errno);
  if (!S_ISREG(st.st_mode)) {
    return make_error(Errc::kFailedPrecondition, what + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return make_error(Errc::kFailedPrecondition,
                      what + " has mode " + mode_string(st.st_mode) +
                          ": group and others must have no access (run: chmod 600 " + path + ")");
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return make_error(Errc::kFailedPrecondition, what + " is owned by uid " +
                                                     std::to_string(st.st_uid) +
                                                     ", not by the user running charter (uid " +
                                                     std::to_string(::geteuid()) + ") or root");
  }
  if (st.st_size != static_cast<off_t>(kHexChars) &&
      st.st_size != static_cast<off_t>(kHexChars + 1)) {
    return make_error(Errc::kInvalidArgument, what + " has " + std::to_string(st.st_size) +
                                                  " bytes; expected " + std::string(kFormat));
  }
  WipedBuffer<kHexChars + 2> buf;
  std::size_t size = 0;
  while (size < buf.data.size()) {
    ssize_t n = ::read(f.fd, buf.data.data() + size, buf.data.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", what, errno);
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  return parse_key_text(std::string_view(buf.data.data(), size), version, what);
}

Result<MasterKey> create_key_file(const std::string& path, std::uint32_t version, Random& random) {
  const std::string what = "master key file " + path;
  CHARTER_TRY(MasterKey key, MasterKey::generate(version, random));
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) == 0) {
    return make_error(Errc::kAlreadyExists,
                      what + " exists already; refusing to overwrite a master key");
  }
  std::string tmp = path + ".tmp-XXXXXX";
  Fd f;
  f.fd = ::mkstemp(tmp.data());  // mode 0600
  if (f.fd < 0) return io_error("cannot create a temporary file for", what, errno);
  const auto fail = [&](const char* step, int err) {
    ::unlink(tmp.c_str());
    return io_error(step, what, err);
  };
  if (::fchmod(f.fd, S_IRUSR | S_IWUSR) != 0) return fail("cannot set mode 0600 on", errno);
  WipedBuffer<kHexChars + 1> text;
  ensure_sodium();
  std::array<char, kHexChars + 1> hex{};  // sodium_bin2hex writes a terminating NUL
  sodium_bin2hex(hex.data(), hex.size(), key.key_bytes().data(), kKeyBytes);
  std::copy(hex.begin(), hex.begin() + kHexChars, text.data.begin());
  sodium_memzero(hex.data(), hex.size());
  text.data[kHexChars] = '\n';
  if (!write_all(f.fd, text.data.data(), text.data.size())) return fail("cannot write", errno);
  if (::fsync(f.fd) != 0) return fail("cannot fsync", errno);
  ::close(f.fd);
  f.fd = -1;
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST) {
      return make_error(Errc::kAlreadyExists,
                        what + " exists already; refusing to overwrite a master key");
    }
    return io_error("cannot create", what, err);
  }
  ::unlink(tmp.c_str());
  Fd dir;
  dir.fd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir.fd < 0 || ::fsync(dir.fd) != 0) {
    return io_error("created, but cannot fsync the folder of", what, errno);
  }
  return key;
}

Result<MasterKey> load_key_env(const std::string& name, std::uint32_t version) {
  const std::string what = "environment variable " + name;
  if (name.empty()) return make_error(Errc::kInvalidArgument, "no environment variable named");
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return make_error(Errc::kNotFound, what + " is not set");
  return parse_key_text(value, version, what);
}

}  // namespace charter::crypto
