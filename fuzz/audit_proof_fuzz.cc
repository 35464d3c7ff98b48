// Fuzz target: what a verifier reads from outside: signed tree heads (parse_tree_head_json, then
// verify_tree_head), inclusion and consistency proofs (parse_*_proof_json, then verify_*), and
// the base64 of the PEM public key (crypto::from_base64). The first byte picks the parser.
// Properties: a parsed head never verifies under a key that did not sign it (the target's key
// signs nothing); proof checks return a Status, never crash, whatever sizes and paths say.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "audit/proof.h"
#include "audit/proof_json.h"
#include "audit/tree_head.h"
#include "core/random.h"
#include "crypto/encoding.h"
#include "crypto/sign.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace charter;
  using namespace charter::audit;
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      static const auto pair = [] {
        SeededRandom r(7);
        return crypto::SigningKey::generate(r);
      }();
      auto sth = parse_tree_head_json(in);
      if (sth.ok() && verify_tree_head(*sth, pair.public_key()).ok()) std::abort();
      break;
    }
    case 1: {
      auto p = parse_inclusion_proof_json(in);
      if (p.ok()) {
        Hash leaf{};
        (void)root_from_inclusion_proof(leaf, *p);
        (void)verify_inclusion(leaf, *p, Hash{});
      }
      break;
    }
    case 2: {
      auto p = parse_consistency_proof_json(in);
      if (p.ok()) (void)verify_consistency(*p, Hash{}, Hash{});
      break;
    }
    case 3: {
      // Whatever decodes re-encodes to text that decodes to the same bytes.
      auto out = crypto::from_base64(in);
      if (out.ok()) {
        auto back = crypto::from_base64(crypto::to_base64(*out));
        if (!back.ok() || *back != *out) std::abort();
      }
      break;
    }
  }
  return 0;
}
