#include "web/files.h"

#include <cstddef>

#include "core/id.h"
#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "policy/embedded.h"

namespace charter::policy {
extern const EmbeddedFile kWebPages[];
extern const std::size_t kWebPages_count;
extern const EmbeddedFile kWebAssets[];
extern const std::size_t kWebAssets_count;
}  // namespace charter::policy

namespace charter::web {

namespace {

std::optional<std::string_view> find(const policy::EmbeddedFile* files, std::size_t n,
                                     std::string_view name) {
  for (std::size_t i = 0; i < n; ++i) {
    if (files[i].name == name) return files[i].bytes;
  }
  return std::nullopt;
}

std::vector<std::string_view> names(const policy::EmbeddedFile* files, std::size_t n) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(files[i].name);
  return out;
}

}  // namespace

std::optional<std::string_view> page_file(std::string_view name) {
  return find(policy::kWebPages, policy::kWebPages_count, name);
}
std::optional<std::string_view> asset_file(std::string_view name) {
  return find(policy::kWebAssets, policy::kWebAssets_count, name);
}
std::vector<std::string_view> asset_names() {
  return names(policy::kWebAssets, policy::kWebAssets_count);
}
std::vector<std::string_view> page_names() {
  return names(policy::kWebPages, policy::kWebPages_count);
}

std::string asset_url(std::string_view name) {
  auto bytes = asset_file(name);
  if (!bytes) return {};
  auto digest = crypto::sha256(crypto::as_bytes(*bytes));
  std::string hash = to_hex(digest).substr(0, 10);
  auto dot = name.rfind('.');
  std::string stem(name.substr(0, dot)), ext(dot == std::string_view::npos ? "" : name.substr(dot));
  return "/assets/" + stem + "." + hash + ext;
}

}  // namespace charter::web
