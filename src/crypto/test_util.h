// Helpers for src/crypto tests only.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "core/random.h"
#include "crypto/bytes.h"

namespace charter::crypto::testing {

// A Random that repeats the given bytes (for known-answer tests with a fixed nonce or salt).
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(Bytes bytes) : bytes_(std::move(bytes)) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = bytes_[next_++ % bytes_.size()];
  }

 private:
  Bytes bytes_;
  std::size_t next_ = 0;
};

// A fresh empty folder, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "charter-crypto-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline Bytes bytes_of_hex(std::string_view hex) {
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  }
  return out;
}

inline Bytes counting_bytes(std::size_t n, std::uint8_t start = 0) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(start + i);
  return out;
}

}  // namespace charter::crypto::testing
