#include "policy/embedded.h"

namespace charter::policy {

// Defined by the source that cmake/EmbedFiles.cmake generates from templates/.
extern const EmbeddedFile kEmbeddedTemplates[];
extern const std::size_t kEmbeddedTemplates_count;

std::optional<std::string_view> embedded_template(std::string_view name) {
  for (std::size_t i = 0; i < kEmbeddedTemplates_count; ++i) {
    if (kEmbeddedTemplates[i].name == name) return kEmbeddedTemplates[i].bytes;
  }
  return std::nullopt;
}

std::vector<std::string_view> embedded_template_names() {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < kEmbeddedTemplates_count; ++i) {
    names.push_back(kEmbeddedTemplates[i].name);
  }
  return names;
}

}  // namespace charter::policy
