// libsodium initialisation. Only src/crypto sees libsodium.
//
// Contract: ensure_sodium() initialises libsodium once (thread safe, idempotent). Every
// crypto entry point calls it; callers never need to.
#pragma once

namespace charter::crypto {

void ensure_sodium();

}  // namespace charter::crypto
