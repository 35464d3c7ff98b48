// The sealed backup archive of `charter backup` / `charter restore` (docs/RELIABILITY.md).
//
// Format: "CHBACKUP" (8 bytes), format version 0x01, a 16-byte random backup id, the archive key
// wrapped under the master key (crypto/wrap.h, 77 bytes, AD "charter/backup/v1" || id), then
// chunks: u32 length (big-endian) || sealed chunk, each chunk at most 1 MiB of plaintext sealed
// with the archive key (crypto/seal.h) under AD "charter/backup/v1" || id || u64 index || final
// flag. So a chunk cannot be moved, dropped, repeated or taken from another archive, and a
// truncated archive (no final chunk) is refused. The plaintext is a sequence of files:
// u16 name length || name || u64 size || bytes. Names are relative ("charter.db", "audit.db",
// "keys/epoch-1.m1.key"): no "..", no absolute path, no empty segment.
//
// write_archive(): every file in `files` (name -> path) into `out` (created 0600, must not
// exist; removed on error). read_archive(): authenticates and unpacks into `dest_dir` (an empty
// folder the caller made); on any error, whatever was unpacked must be discarded by the caller
// (nothing outside `dest_dir` is touched). Errors: kIntegrity "backup archive is damaged or was
// not made with this master key" for any authentication failure; kNotFound / kUnavailable for
// files; kFailedPrecondition when the master key version the archive needs cannot be loaded.
// Thread safety: independent calls are thread safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/random.h"
#include "core/result.h"
#include "crypto/master_key.h"

namespace charter::cli {

struct ArchiveFile {
  std::string name;  // relative name inside the archive
  std::string path;  // where it is read from (write) or was written to (read)
  std::uint64_t size = 0;
};

Result<std::vector<ArchiveFile>> write_archive(const std::vector<ArchiveFile>& files,
                                               const crypto::MasterKey& master,
                                               const std::string& out, Random& random);

// The master key version an archive was sealed under (to load the right key).
Result<std::uint32_t> archive_master_version(const std::string& in);

Result<std::vector<ArchiveFile>> read_archive(const std::string& in,
                                              const crypto::MasterKey& master,
                                              const std::string& dest_dir);

// True when `name` is an acceptable relative name (see above).
bool valid_archive_name(const std::string& name);

}  // namespace charter::cli
