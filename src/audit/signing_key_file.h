// Where the audit log's Ed25519 signing key lives: a secret file in the key folder
// (`<dir>/audit-signing.key`: 64 hex digits of the seed, mode 0600, written atomically by
// crypto/secret_file.h), beside its public key (`<dir>/audit.pub`, PEM) for anyone to copy.
// The database never holds the signing key, so whoever can rewrite the database cannot re-sign
// the log (docs/AUDIT.md).
//
// Contract: load_or_create_signing_key() loads the key, or creates both files when neither
// exists (kFailedPrecondition when only one exists, or the file is unsafe; kUnavailable on I/O
// errors). load_public_key() reads `<dir>/audit.pub` or any file given. Thread safe.
#pragma once

#include <string>

#include "core/random.h"
#include "core/result.h"
#include "crypto/sign.h"

namespace charter::audit {

std::string signing_key_path(const std::string& dir);
std::string public_key_path(const std::string& dir);

Result<crypto::SigningKey> load_or_create_signing_key(const std::string& dir, Random& random);
Result<crypto::PublicKey> load_public_key_file(const std::string& path);

}  // namespace charter::audit
