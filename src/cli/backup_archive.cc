#include "cli/backup_archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "crypto/seal.h"
#include "crypto/secret_key.h"
#include "crypto/wrap.h"

namespace charter::cli {
namespace {

constexpr char kMagic[8] = {'C', 'H', 'B', 'A', 'C', 'K', 'U', 'P'};
constexpr std::uint8_t kFormat = 0x01;
constexpr std::size_t kIdBytes = 16;
constexpr std::size_t kChunk = 1 << 20;
constexpr std::string_view kAdPrefix = "charter/backup/v1";

Error damaged() {
  return make_error(Errc::kIntegrity,
                    "backup archive is damaged or was not made with this master key");
}

crypto::Bytes key_ad(const crypto::Bytes& id) {
  crypto::Bytes ad(kAdPrefix.begin(), kAdPrefix.end());
  ad.insert(ad.end(), id.begin(), id.end());
  return ad;
}

crypto::Bytes chunk_ad(const crypto::Bytes& id, std::uint64_t index, bool final) {
  crypto::Bytes ad = key_ad(id);
  for (int i = 7; i >= 0; --i) ad.push_back(static_cast<std::uint8_t>(index >> (8 * i)));
  ad.push_back(final ? 1 : 0);
  return ad;
}

void put_u(crypto::Bytes& b, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_u(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// Seals plaintext into chunks as it comes.
class ChunkWriter {
 public:
  ChunkWriter(std::ofstream& out, const crypto::SecretKey& key, crypto::Bytes id, Random& random)
      : out_(out), key_(key), id_(std::move(id)), random_(random) {}
  Status add(const std::uint8_t* p, std::size_t n) {
    while (n > 0) {
      std::size_t take = std::min(n, kChunk - buf_.size());
      buf_.insert(buf_.end(), p, p + take);
      p += take;
      n -= take;
      if (buf_.size() == kChunk) CHARTER_TRY_STATUS(flush(false));
    }
    return ok_status();
  }
  Status finish() { return flush(true); }

 private:
  Status flush(bool final) {
    auto sealed = crypto::seal(key_, buf_, chunk_ad(id_, index_++, final), random_);
    crypto::Bytes len;
    put_u(len, sealed.size(), 4);
    out_.write(reinterpret_cast<const char*>(len.data()), len.size());
    out_.write(reinterpret_cast<const char*>(sealed.data()), sealed.size());
    buf_.clear();
    if (!out_) return make_error(Errc::kUnavailable, "writing the backup archive failed");
    return ok_status();
  }
  std::ofstream& out_;
  const crypto::SecretKey& key_;
  crypto::Bytes id_;
  Random& random_;
  crypto::Bytes buf_;
  std::uint64_t index_ = 0;
};

// Opens chunks as they are read; get() hands out plaintext bytes.
class ChunkReader {
 public:
  ChunkReader(std::ifstream& in, const crypto::SecretKey& key, crypto::Bytes id)
      : in_(in), key_(key), id_(std::move(id)) {}
  // Reads exactly n bytes; kIntegrity if the archive ends first.
  Status get(std::uint8_t* p, std::size_t n) {
    while (n > 0) {
      if (pos_ == buf_.size()) {
        if (final_) return damaged();
        CHARTER_TRY_STATUS(next());
        continue;
      }
      std::size_t take = std::min(n, buf_.size() - pos_);
      std::copy(buf_.begin() + pos_, buf_.begin() + pos_ + take, p);
      pos_ += take;
      p += take;
      n -= take;
    }
    return ok_status();
  }
  // True once the final chunk is read and used up.
  Result<bool> at_end() {
    while (pos_ == buf_.size() && !final_) CHARTER_TRY_STATUS(next());
    return pos_ == buf_.size() && final_;
  }

 private:
  Status next() {
    std::array<std::uint8_t, 4> len{};
    in_.read(reinterpret_cast<char*>(len.data()), 4);
    if (in_.gcount() != 4) return damaged();
    const std::uint64_t n = get_u(len.data(), 4);
    if (n > kChunk + crypto::kSealOverhead) return damaged();
    crypto::Bytes sealed(n);
    in_.read(reinterpret_cast<char*>(sealed.data()), static_cast<std::streamsize>(n));
    if (static_cast<std::uint64_t>(in_.gcount()) != n) return damaged();
    // A chunk says whether it is the last by the AD it opens under.
    for (bool final : {false, true}) {
      auto opened = crypto::open(key_, sealed, chunk_ad(id_, index_, final));
      if (opened.ok()) {
        buf_ = std::move(opened).value();
        pos_ = 0;
        final_ = final;
        ++index_;
        if (final_) {
          in_.peek();
          if (!in_.eof()) return damaged();  // bytes after the final chunk
        }
        return ok_status();
      }
    }
    return damaged();
  }
  std::ifstream& in_;
  const crypto::SecretKey& key_;
  crypto::Bytes id_;
  crypto::Bytes buf_;
  std::size_t pos_ = 0;
  std::uint64_t index_ = 0;
  bool final_ = false;
};

struct Header {
  crypto::Bytes id;
  crypto::Bytes wrapped;
};

Result<Header> read_header(std::ifstream& in) {
  std::array<char, sizeof(kMagic) + 1 + kIdBytes + crypto::kWrappedKeyBytes> h{};
  in.read(h.data(), h.size());
  if (static_cast<std::size_t>(in.gcount()) != h.size() ||
      !std::equal(kMagic, kMagic + sizeof(kMagic), h.begin())) {
    return make_error(Errc::kIntegrity, "not a Charter backup archive");
  }
  if (static_cast<std::uint8_t>(h[sizeof(kMagic)]) != kFormat) {
    return make_error(Errc::kUnsupported,
                      "backup archive format " +
                          std::to_string(static_cast<std::uint8_t>(h[sizeof(kMagic)])) +
                          " is not known to this charter");
  }
  const auto* p = reinterpret_cast<const std::uint8_t*>(h.data()) + sizeof(kMagic) + 1;
  Header out;
  out.id.assign(p, p + kIdBytes);
  out.wrapped.assign(p + kIdBytes, p + kIdBytes + crypto::kWrappedKeyBytes);
  return out;
}

}  // namespace

bool valid_archive_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    auto end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string_view seg(name.data() + start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    start = end + 1;
  }
  for (char c : name) {
    if (c == '\0' || c == '\\') return false;
  }
  return true;
}

Result<std::vector<ArchiveFile>> write_archive(const std::vector<ArchiveFile>& files,
                                               const crypto::MasterKey& master,
                                               const std::string& out_path, Random& random) {
  std::error_code ec;
  if (std::filesystem::exists(out_path, ec)) {
    return make_error(Errc::kAlreadyExists, out_path + " exists already; give a new file name");
  }
  {
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(Errc::kUnavailable, "cannot create " + out_path);
    ::close(fd);
  }
  auto fail = [&](Error e) {
    std::filesystem::remove(out_path, ec);
    return e;
  };
  crypto::Bytes id(kIdBytes);
  random.fill(id);
  auto key = crypto::SecretKey::generate(random);
  auto wrapped = crypto::wrap(master, key, key_ad(id), random);
  if (!wrapped.ok()) return fail(wrapped.error());
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(kMagic, sizeof(kMagic));
  out.put(static_cast<char>(kFormat));
  out.write(reinterpret_cast<const char*>(id.data()), id.size());
  out.write(reinterpret_cast<const char*>(wrapped->data()), wrapped->size());
  ChunkWriter w(out, key, id, random);
  std::vector<ArchiveFile> written;
  std::vector<char> buf(kChunk);
  for (const auto& f : files) {
    if (!valid_archive_name(f.name)) {
      return fail(make_error(Errc::kInvalidArgument, "bad name in archive: " + f.name));
    }
    std::ifstream in(f.path, std::ios::binary);
    if (!in) return fail(make_error(Errc::kNotFound, "cannot read " + f.path));
    const auto size = std::filesystem::file_size(f.path, ec);
    if (ec) return fail(make_error(Errc::kUnavailable, "cannot read " + f.path));
    crypto::Bytes head;
    put_u(head, f.name.size(), 2);
    head.insert(head.end(), f.name.begin(), f.name.end());
    put_u(head, size, 8);
    if (auto s = w.add(head.data(), head.size()); !s) return fail(s.error());
    std::uint64_t left = size;
    while (left > 0) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      in.read(buf.data(), static_cast<std::streamsize>(n));
      if (static_cast<std::size_t>(in.gcount()) != n) {
        return fail(make_error(Errc::kUnavailable, f.path + " changed while it was read"));
      }
      if (auto s = w.add(reinterpret_cast<const std::uint8_t*>(buf.data()), n); !s) {
        return fail(s.error());
      }
      left -= n;
    }
    written.push_back({f.name, f.path, size});
  }
  if (auto s = w.finish(); !s) return fail(s.error());
  out.flush();
  out.close();
  if (!out) return fail(make_error(Errc::kUnavailable, "writing " + out_path + " failed"));
  int fd = ::open(out_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return fail(make_error(Errc::kUnavailable, "fsync of " + out_path + " failed"));
  }
  ::close(fd);
  return written;
}

Result<std::uint32_t> archive_master_version(const std::string& in_path) {
  std::ifstream in(in_path, std::ios::binary);
  if (!in) return make_error(Errc::kNotFound, "cannot read " + in_path);
  CHARTER_TRY(Header h, read_header(in));
  auto v = crypto::wrapped_master_version(h.wrapped);
  if (!v.ok()) return damaged();
  return *v;
}

Result<std::vector<ArchiveFile>> read_archive(const std::string& in_path,
                                              const crypto::MasterKey& master,
                                              const std::string& dest_dir) {
  std::ifstream in(in_path, std::ios::binary);
  if (!in) return make_error(Errc::kNotFound, "cannot read " + in_path);
  CHARTER_TRY(Header h, read_header(in));
  auto key = crypto::unwrap(master, h.wrapped, key_ad(h.id));
  if (!key.ok()) {
    if (key.error().code == Errc::kFailedPrecondition) return key.error();
    return damaged();
  }
  ChunkReader r(in, *key, h.id);
  std::vector<ArchiveFile> files;
  std::vector<std::uint8_t> buf(kChunk);
  for (;;) {
    CHARTER_TRY(bool end, r.at_end());
    if (end) break;
    std::array<std::uint8_t, 2> nl{};
    CHARTER_TRY_STATUS(r.get(nl.data(), 2));
    std::string name(get_u(nl.data(), 2), '\0');
    CHARTER_TRY_STATUS(r.get(reinterpret_cast<std::uint8_t*>(name.data()), name.size()));
    if (!valid_archive_name(name)) return damaged();
    std::array<std::uint8_t, 8> sz{};
    CHARTER_TRY_STATUS(r.get(sz.data(), 8));
    const std::uint64_t size = get_u(sz.data(), 8);
    const auto path = std::filesystem::path(dest_dir) / name;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return damaged();  // a name twice
    std::uint64_t left = size;
    Status st = ok_status();
    while (left > 0 && st) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      st = r.get(buf.data(), n);
      if (st && ::write(fd, buf.data(), n) != static_cast<ssize_t>(n)) {
        st = make_error(Errc::kUnavailable, "writing " + path.string() + " failed");
      }
      left -= n;
    }
    if (st && ::fsync(fd) != 0) st = make_error(Errc::kUnavailable, "fsync failed");
    ::close(fd);
    CHARTER_TRY_STATUS(st);
    files.push_back({name, path.string(), size});
  }
  return files;
}

}  // namespace charter::cli
