// Files that hold key material (master key files, and the epoch key files of docs/CRYPTO.md).
//
// read: refused unless the path names a regular file (a symbolic link is refused), owned by the
// user running Charter or by root, with mode 0600 or stricter (no group or other bit).
// write: atomic and never overwriting: a temporary file (mode 0600) in the same folder, written
// and fsync'd, then linked to `path`, which must not exist; the folder is fsync'd.
// destroy: overwrites the content with zeros, fsyncs, unlinks and fsyncs the folder. On copy-on-
// write file systems and SSDs the old blocks may survive the overwrite: keep key folders on a
// file system where that is acceptable, or encrypted (the epoch files are wrapped anyway).
// Errors (messages name the path, never the content): kNotFound (no such file), kPermissionDenied
// (unreadable), kFailedPrecondition (symbolic link, not a regular file, mode, owner),
// kInvalidArgument (larger than allowed), kAlreadyExists (write over an existing path),
// kUnavailable (other I/O failures). Thread safety: thread safe (no shared state).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "core/result.h"
#include "crypto/bytes.h"

namespace charter::crypto {

// Reads the whole file into `buffer`; returns the number of bytes. kInvalidArgument if the file
// is larger than the buffer (the caller owns and wipes the buffer).
Result<std::size_t> read_secret_file(const std::string& path, std::span<std::uint8_t> buffer);
Result<Bytes> read_secret_file(const std::string& path, std::size_t max_bytes);
Status write_secret_file(const std::string& path, ByteView content);
Status destroy_secret_file(const std::string& path);

}  // namespace charter::crypto
