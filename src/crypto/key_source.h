// Where a master key comes from: a key file or an environment variable (the third source, a
// passphrase, is MasterKey::from_passphrase).
//
// Key text format (file and environment): exactly 64 hexadecimal characters (32 bytes, either
// case), optionally followed by one "\n". Nothing else: no spaces, no comments, no "\r".
// A key file is read and written with crypto/secret_file.h: refused unless it is a regular file
// (not a symbolic link), owned by the user running Charter (or root), with mode 0600 or stricter;
// created atomically with mode 0600, never over an existing file. The version is not in the file:
// the caller knows which version the file is for and checks MasterKey::id() against the id
// recorded at that version.
// Errors (messages name the file or variable, never the key): kNotFound (no such file, variable
// unset), kPermissionDenied (file unreadable), kFailedPrecondition (mode, owner, not a regular
// file), kInvalidArgument (format, version 0), kAlreadyExists (create over an existing file),
// kUnavailable (other I/O failures). Thread safety: load_key_env reads the environment (getenv),
// so it must not race with setenv; the others are thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "crypto/master_key.h"

namespace charter::crypto {

// Parses the key text format (`what` names the source in error messages).
Result<MasterKey> parse_key_text(std::string_view text, std::uint32_t version,
                                 std::string_view what);

Result<MasterKey> load_key_file(const std::string& path, std::uint32_t version);

// `charter keys init`: a new random key written to `path` (write_secret_file: mode 0600, atomic,
// never over an existing file).
Result<MasterKey> create_key_file(const std::string& path, std::uint32_t version, Random& random);

// The key text in the environment variable `name` (e.g. CHARTER_MASTER_KEY).
Result<MasterKey> load_key_env(const std::string& name, std::uint32_t version);

}  // namespace charter::crypto
