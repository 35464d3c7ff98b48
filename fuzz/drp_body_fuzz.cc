// Fuzz target: Data Rights Protocol signed bodies (drp/signed_body.h, drp/iso8601.h,
// drp/checks.h bearer_token), what any client can send to the DRP routes before anything is
// trusted. Each input goes through decode_signed_body; a decoded body is verified under a fixed
// key and its message parsed as claims, whose issued-at/expires-at go to parse_iso8601; the input
// is also read as an Authorization value. Properties: a decoded message is the decoded bytes
// after the 64-byte signature; re-signing the message under the fixed key gives a body that
// decodes to the same message and verifies, and does not verify under another key; parsed claims
// are an object; error messages never echo the input. With CHARTER_FUZZ_PRINT_SEED=1 the target
// prints a real signed body under its key (how fuzz/corpus/drp_body/signed_* were made).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/random.h"
#include "crypto/encoding.h"
#include "drp/checks.h"
#include "drp/iso8601.h"
#include "drp/signed_body.h"
#include "no_echo.h"

namespace {

using namespace charter;

struct Keys {
  crypto::SigningKey key;
  crypto::SigningKey other;
};

Keys* keys() {
  static Keys* k = [] {
    SeededRandom r(11);
    auto* k = new Keys{crypto::SigningKey::generate(r), crypto::SigningKey::generate(r)};
    if (const char* e = std::getenv("CHARTER_FUZZ_PRINT_SEED"); e && *e == '1') {
      std::printf(
          "%s\n",
          drp::encode_signed_body(
              k->key, R"({"agent-id":"AGENT_A","business-id":"OXEMIS_SARL",)"
                      R"("issued-at":"2026-03-02T10:00:00+00:00","expires-at":)"
                      R"("2026-03-02T10:10:00.5Z","drp.version":"1.0","exercise":"sale:opt-out",)"
                      R"("email":"user@example.com","email_verified":true,)"
                      R"("relationships":["customer"]})")
              .c_str());
    }
    return k;
  }();
  return k;
}

void no_echo(const Error& e, std::string_view) { fuzzing::check_no_echo(e.message); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Keys* k = keys();
  (void)drp::bearer_token(text);
  auto body = drp::decode_signed_body(text);
  if (!body) {
    if (body.error().code != Errc::kInvalidArgument) std::abort();
    no_echo(body.error(), text);
    return 0;
  }
  (void)drp::verify_signed_body(*body, k->key.public_key());
  // Re-signed under the fixed key: the same message, verifying only under that key.
  auto again = drp::decode_signed_body(drp::encode_signed_body(k->key, body->message));
  if (!again || again->message != body->message) std::abort();
  if (!drp::verify_signed_body(*again, k->key.public_key())) std::abort();
  if (drp::verify_signed_body(*again, k->other.public_key())) std::abort();
  auto claims = drp::parse_claims(body->message);
  if (!claims) {
    if (claims.error().code != Errc::kInvalidArgument) std::abort();
    no_echo(claims.error(), body->message);
    return 0;
  }
  if (!claims->is_object()) std::abort();
  for (const char* name : {"issued-at", "expires-at"}) {
    auto it = claims->find(name);
    if (it == claims->end() || !it->is_string()) continue;
    const std::string& s = it->get_ref<const std::string&>();
    auto t = drp::parse_iso8601(s);
    if (!t) no_echo(t.error(), s);
  }
  return 0;
}
