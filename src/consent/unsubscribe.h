// One-click unsubscribe (RFC 8058, RFC 2369): the link in every marketing e-mail that
// withdraws consent in one step, without login.
//
// link(subject, purpose) gives the header values
//   List-Unsubscribe: <https://…/unsubscribe?token=…>
//   List-Unsubscribe-Post: List-Unsubscribe=One-Click
// The token (crypto/token.h, token purpose "unsubscribe", HMAC-SHA-256 under the ledger's token
// key, expiring) carries as payload the subject id, the consent purpose and a random 128-bit
// token id, SEALED (XChaCha20-Poly1305 under a second ledger subkey): the URL shows neither the
// subject id nor the purpose, and ids cannot be enumerated or forged (docs/CONSENT.md).
// unsubscribe(token) checks the tag, then the expiry, opens the payload, and in one transaction
// records the token id as used and a `withdrawn` event through channel one_click_unsubscribe.
// Refusals: kUnauthenticated "invalid token" (malformed, altered, other key, made for another
// use) or "token expired"; kAlreadyExists "unsubscribe link already used" (replay: the consent
// was already withdrawn by it); kNotFound for a subject erased since; kFailedPrecondition when
// the policy no longer lets this purpose be withdrawn in one click. link(): kInvalidArgument for
// a bad subject id, a purpose that does not rest on consent or whose withdrawal channels lack
// one_click_unsubscribe. Messages never echo the token.
// Thread safety: thread safe; borrows the ledger.
#pragma once

#include <string>
#include <string_view>

#include "consent/ledger.h"
#include "policy/model.h"

namespace charter::consent {

struct UnsubscribeOptions {
  // Absolute https URL of the unsubscribe endpoint (the privacy center's), without the token.
  std::string base_url;
  // How long a link stays valid after it is made (the e-mail's life in a mailbox).
  policy::Duration validity{1, 0, 0};
};

struct UnsubscribeLink {
  std::string url;                    // base_url + "?token=" (or "&token=") + token
  std::string list_unsubscribe;       // "<" url ">"
  std::string list_unsubscribe_post;  // "List-Unsubscribe=One-Click"
  Timestamp expires;
};

class OneClickUnsubscribe {
 public:
  // Errors: kInvalidArgument unless base_url is https://host/... without a fragment.
  static Result<OneClickUnsubscribe> make(ConsentLedger& ledger, UnsubscribeOptions options);

  Result<UnsubscribeLink> link(std::string_view subject_id, std::string_view purpose);
  Result<ConsentEvent> unsubscribe(std::string_view token);

 private:
  OneClickUnsubscribe(LedgerCore& core, UnsubscribeOptions options)
      : core_(&core), options_(std::move(options)) {}
  LedgerCore* core_;
  UnsubscribeOptions options_;
};

}  // namespace charter::consent
