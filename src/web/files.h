// The web module's files, embedded into the binary at build time (cmake/EmbedFiles.cmake):
// src/web/pages/ (mustache templates and strings.json, the words of the pages in each language)
// and src/web/assets/ (the stylesheet and the script served under /assets/).
//
// Contract: page_file() / asset_file() return the bytes of pages/<name> / assets/<name>, or
// nullopt when there is no such file; asset_names() lists assets/ sorted. The data is static and
// immutable: safe from any thread, valid forever.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace charter::web {

std::optional<std::string_view> page_file(std::string_view name);
std::optional<std::string_view> asset_file(std::string_view name);
std::vector<std::string_view> asset_names();
std::vector<std::string_view> page_names();

// The URL an asset is served at: "/assets/style.<first 10 hex digits of its SHA-256>.css", so
// it can be cached as immutable (a changed file has a new URL). Empty for an unknown asset.
std::string asset_url(std::string_view name);

}  // namespace charter::web
