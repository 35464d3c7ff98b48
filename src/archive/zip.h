// One .zip file in memory (libzip; the only file that sees zip.h): the archive's container.
//
// Contract: make_zip() packs `files` in order (names with '/' make folders), deflated (level 1:
// the export benchmark's budget) with the modification time `mtime`; read_zip() unpacks every
// entry. Errors: kInternal (libzip failure, message from libzip), kInvalidArgument (read_zip:
// not a zip). Pure; thread safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace charter::archive {

struct ArchiveFile {
  std::string name;
  std::string bytes;
};

Result<std::string> make_zip(const std::vector<ArchiveFile>& files, Timestamp mtime);
Result<std::map<std::string, std::string>> read_zip(std::string_view zip);

}  // namespace charter::archive
