// Fuzz target: opening sealed values (crypto/seal.h envelopes: version || nonce || ciphertext ||
// tag) as they are read back from the database, which an attacker with the files may change.
// Every changed envelope must be refused (kIntegrity), never opened: the input is opened under a
// fixed key and AD, and must only open when it is exactly a value this target sealed. With
// CHARTER_FUZZ_PRINT_SEED=1 it prints (hex) a value sealed under them: the seed corpus.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/random.h"
#include "crypto/seal.h"
#include "crypto/secret_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace charter;
  static const crypto::SecretKey key = [] {
    SeededRandom r(42);
    return crypto::SecretKey::generate(r);
  }();
  static const crypto::Bytes ad = {'s', 'u', 'b', '/', 'e', 'm', 'a', 'i', 'l'};
  static const bool printed = [] {
    if (const char* e = std::getenv("CHARTER_FUZZ_PRINT_SEED"); e && *e == '1') {
      SeededRandom r(43);
      const std::string_view text = "alice@example.net";
      auto s = crypto::seal(
          key, crypto::ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
          ad, r);
      for (auto b : s) std::printf("%02x", b);
      std::printf("\n");
    }
    return true;
  }();
  (void)printed;
  crypto::ByteView sealed(data, size);
  auto opened = crypto::open(key, sealed, ad);
  if (opened.ok()) {
    // Only a value sealed under this key and AD opens; the seed corpus holds such values.
    if (opened->size() + crypto::kSealOverhead != size) std::abort();
  } else if (opened.error().code != Errc::kIntegrity) {
    std::abort();
  }
  // The same bytes under another AD never open.
  static const crypto::Bytes other_ad = {'s', 'u', 'b', '/', 'p', 'h', 'o', 'n', 'e'};
  if (crypto::open(key, sealed, other_ad).ok()) std::abort();
  return 0;
}
