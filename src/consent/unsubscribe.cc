#include "consent/unsubscribe.h"

#include <algorithm>
#include <array>
#include <memory>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/encoding.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "policy/window.h"

namespace charter::consent {
namespace {

constexpr std::string_view kTokenPurpose = "unsubscribe";
constexpr std::string_view kChannel = "one_click_unsubscribe";
constexpr std::string_view kPayloadAd = "charter/unsubscribe/v1";

Status check_one_click(const LedgerCore& core, const policy::Purpose& purpose, Errc code) {
  const auto* basis = core.policy().find_basis(purpose.basis);
  if (!basis || basis->kind != policy::BasisKind::kConsent || !purpose.consent) {
    return make_error(code, "purpose " + shown_name(purpose.id) + " does not rest on consent");
  }
  const auto& ch = purpose.consent->withdrawal_channels;
  if (std::find(ch.begin(), ch.end(), kChannel) == ch.end()) {
    return make_error(code, "purpose " + shown_name(purpose.id) +
                                " is not withdrawn by one-click unsubscribe in the policy");
  }
  return ok_status();
}

Error invalid_token() { return make_error(Errc::kUnauthenticated, "invalid token"); }

}  // namespace

Result<OneClickUnsubscribe> OneClickUnsubscribe::make(ConsentLedger& ledger,
                                                      UnsubscribeOptions options) {
  const auto& url = options.base_url;
  constexpr std::string_view kHttps = "https://";
  if (url.compare(0, kHttps.size(), kHttps) != 0 || url.size() <= kHttps.size() ||
      url[kHttps.size()] == '/' || url.find('#') != std::string::npos ||
      url.find_first_of(" <>\"\r\n") != std::string::npos) {
    return make_error(Errc::kInvalidArgument,
                      "unsubscribe base URL: expected an absolute https:// URL without fragment "
                      "(RFC 8058 requires HTTPS)");
  }
  if (options.validity.is_zero()) {
    return make_error(Errc::kInvalidArgument, "unsubscribe link validity: must not be zero");
  }
  return OneClickUnsubscribe(ledger.core(), std::move(options));
}

Result<UnsubscribeLink> OneClickUnsubscribe::link(std::string_view subject_id,
                                                  std::string_view purpose_id) {
  CHARTER_TRY_STATUS(LedgerCore::check_subject_id(subject_id));
  CHARTER_TRY(const policy::Purpose* purpose, core_->find_purpose(purpose_id));
  CHARTER_TRY_STATUS(check_one_click(*core_, *purpose, Errc::kInvalidArgument));
  std::array<std::uint8_t, 16> token_id{};
  core_->fill_random(token_id);
  auto plain = crypto::canonical_ad({subject_id, purpose->id, to_hex(token_id)});
  auto sealed =
      core_->seal_with(core_->keys().token_seal, plain, crypto::canonical_ad({kPayloadAd}));
  const auto now = core_->clock().now();
  UnsubscribeLink link;
  link.expires = policy::add_duration(now, options_.validity);
  auto token = crypto::make_token(core_->keys().token_mac, kTokenPurpose,
                                  crypto::to_base64url(sealed), link.expires);
  link.url = options_.base_url +
             (options_.base_url.find('?') == std::string::npos ? "?token=" : "&token=") + token;
  link.list_unsubscribe = "<" + link.url + ">";
  link.list_unsubscribe_post = "List-Unsubscribe=One-Click";
  return link;
}

Result<ConsentEvent> OneClickUnsubscribe::unsubscribe(std::string_view token) {
  auto& core = *core_;
  const auto now = core.clock().now();
  CHARTER_TRY(auto payload, crypto::check_token(core.keys().token_mac, kTokenPurpose, token, now));
  auto sealed = crypto::from_base64url(payload);
  if (!sealed) return invalid_token();
  auto plain = crypto::open(core.keys().token_seal, *sealed, crypto::canonical_ad({kPayloadAd}));
  if (!plain) return invalid_token();
  auto parts = split_canonical(*plain);
  if (!parts || parts->size() != 3) return invalid_token();
  const std::string subject = (*parts)[0], purpose_id = (*parts)[1], token_id = (*parts)[2];
  if (!LedgerCore::check_subject_id(subject).ok() || token_id.size() != 32) return invalid_token();
  const auto* purpose = core.policy().find_purpose(purpose_id);
  if (!purpose) {
    return make_error(Errc::kFailedPrecondition,
                      "the policy no longer declares the purpose of this link");
  }
  CHARTER_TRY_STATUS(check_one_click(core, *purpose, Errc::kFailedPrecondition));

  auto e = std::make_shared<ConsentEvent>();
  e->event_id = core.new_id("cev");
  e->subject_id = subject;
  e->purpose = purpose->id;
  e->kind = EventKind::kWithdrawn;
  e->channel = std::string(kChannel);
  e->language = core.policy().languages.front();
  e->policy_version = core.policy().version;
  e->key_version = core.keys().version;
  auto refusal = std::make_shared<Status>();
  LedgerCore* c = &core;
  Status st = core.committer().run([c, e, refusal, token_id](store::Transaction& tx) -> Status {
    CHARTER_TRY(auto erased, tx.query_one("SELECT erased_at FROM consent_erased WHERE subject_id "
                                          "= ?",
                                          {e->subject_id}));
    if (erased) {
      *refusal = make_error(Errc::kNotFound, "this unsubscribe link's subject no longer exists");
      return ok_status();
    }
    e->at = c->clock().now();
    e->seq = c->next_seq(e->at);
    CHARTER_TRY(auto used,
                tx.exec("INSERT INTO consent_unsubscribe_uses (subject_id, token_id, "
                        "purpose, used_at, event_id) VALUES (?, ?, ?, ?, ?) ON "
                        "CONFLICT (subject_id, token_id) DO NOTHING",
                        {e->subject_id, token_id, e->purpose, to_unix_micros(e->at), e->event_id}));
    if (used == 0) {
      *refusal = make_error(Errc::kAlreadyExists, "unsubscribe link already used");
      return ok_status();
    }
    std::vector<store::Param> params;
    append_event_params(*e, params);
    CHARTER_TRY(auto n, tx.exec(kInsertEventSql, params));
    (void)n;
    c->audit("consent.withdrawn", e->subject_id, e->purpose, e->channel);
    return ok_status();
  });
  CHARTER_TRY_STATUS(st);
  CHARTER_TRY_STATUS(*refusal);
  core.changed({Change::Kind::kConsent, e->subject_id, e->purpose, /*raised=*/true});
  return *e;
}

}  // namespace charter::consent
