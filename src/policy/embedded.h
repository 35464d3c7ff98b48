// Files of the repository's templates/ folder, embedded into the binary at build time
// (cmake/EmbedFiles.cmake), so rendering works from any working directory.
//
// Contract: embedded_template(name) returns the bytes of templates/<name>, or nullopt when there
// is no such file. The data is static and immutable: safe from any thread, valid forever.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace charter::policy {

struct EmbeddedFile {
  std::string_view name;  // file name inside templates/, e.g. "charter.fr.md.mustache"
  std::string_view bytes;
};

std::optional<std::string_view> embedded_template(std::string_view name);

// Every embedded file name, sorted.
std::vector<std::string_view> embedded_template_names();

}  // namespace charter::policy
