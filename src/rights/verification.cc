#include "rights/verification.h"

#include <cstdio>

#include "core/id.h"
#include "crypto/mac.h"

namespace charter::rights {
namespace {

std::int64_t us(Timestamp t) { return to_unix_micros(t); }

}  // namespace

std::string Verifier::mac_hex(std::string_view message) const {
  const auto tag = crypto::mac(queue_.keys().mac, crypto::as_bytes(message));
  return to_hex(tag);
}

Status Verifier::count(std::string_view bucket_kind, std::string_view value, int limit) {
  const std::string bucket = std::string(bucket_kind) + ":" +
                             mac_hex("rate:" + std::string(bucket_kind) + ":" + std::string(value));
  const std::int64_t hour = 3600LL * 1000000LL;
  const std::int64_t window = us(queue_.clock().now()) / hour * hour;
  CHARTER_TRY(auto tx, queue_.store().write());
  CHARTER_TRY(auto n, tx.exec("INSERT INTO rights_rate (bucket, window_start, count) VALUES (?, ?, "
                              "1) ON CONFLICT (bucket, window_start) DO UPDATE SET count = "
                              "rights_rate.count + 1",
                              {bucket, window}));
  (void)n;
  CHARTER_TRY(auto row, tx.query_one("SELECT count FROM rights_rate WHERE bucket = ? AND "
                                     "window_start = ?",
                                     {bucket, window}));
  CHARTER_TRY(std::int64_t c, (*row)[0].as_int(0));
  // Old windows are dropped as we go.
  CHARTER_TRY(auto d, tx.exec("DELETE FROM rights_rate WHERE window_start < ?", {window - hour}));
  (void)d;
  CHARTER_TRY_STATUS(tx.commit());
  if (c > limit) {
    return make_error(Errc::kRateLimited, std::string("too many requests from this ") +
                                              std::string(bucket_kind) +
                                              " in the last hour; try again later");
  }
  return ok_status();
}

Status Verifier::admit(std::string_view normalized_email, std::string_view client) {
  CHARTER_TRY_STATUS(count("address", normalized_email, options_.per_address_per_hour));
  if (!client.empty()) CHARTER_TRY_STATUS(count("client", client, options_.per_client_per_hour));
  return ok_status();
}

Result<std::string> Verifier::issue(std::string_view request_id) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08llu",
                static_cast<unsigned long long>(queue_.random().next_u64() % 100000000ULL));
  const std::string code(digits);
  const auto tag = crypto::mac(queue_.keys().mac,
                               crypto::as_bytes("code:" + std::string(request_id) + ":" + code));
  const Timestamp expires = queue_.clock().now() + options_.code_ttl;
  CHARTER_TRY(auto tx, queue_.store().write());
  CHARTER_TRY(auto n, tx.exec("INSERT INTO rights_codes (request_id, code_mac, expires_at, "
                              "attempts) VALUES (?, ?, ?, 0) ON CONFLICT (request_id) DO UPDATE "
                              "SET code_mac = excluded.code_mac, expires_at = excluded.expires_at, "
                              "attempts = 0",
                              {request_id, crypto::ByteView(tag), us(expires)}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return code;
}

Status Verifier::check(std::string_view request_id, std::string_view code) {
  CHARTER_TRY(auto tx, queue_.store().write());
  CHARTER_TRY_STATUS(tx.lock(std::string("charter.rights.code.") + std::string(request_id)));
  CHARTER_TRY(auto row, tx.query_one("SELECT code_mac, expires_at, attempts FROM rights_codes "
                                     "WHERE request_id = ?",
                                     {request_id}));
  if (!row) {
    return make_error(Errc::kFailedPrecondition, "code: no code is pending; ask for a new code");
  }
  CHARTER_TRY(auto stored, (*row)[0].as_blob(0));
  CHARTER_TRY(std::int64_t expires, (*row)[1].as_int(1));
  CHARTER_TRY(std::int64_t attempts, (*row)[2].as_int(2));
  if (us(queue_.clock().now()) >= expires) {
    return make_error(Errc::kFailedPrecondition, "code: expired; ask for a new code");
  }
  if (attempts >= options_.max_attempts) {
    return make_error(Errc::kFailedPrecondition, "code: too many attempts; ask for a new code");
  }
  const std::string message = "code:" + std::string(request_id) + ":" + std::string(code);
  if (crypto::mac_verify(queue_.keys().mac, crypto::as_bytes(message), stored)) {
    CHARTER_TRY(auto n, tx.exec("DELETE FROM rights_codes WHERE request_id = ?", {request_id}));
    (void)n;
    CHARTER_TRY_STATUS(tx.commit());
    return ok_status();
  }
  CHARTER_TRY(auto n,
              tx.exec("UPDATE rights_codes SET attempts = attempts + 1 WHERE request_id = ?",
                      {request_id}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return make_error(Errc::kPermissionDenied, "code: wrong code");
}

}  // namespace charter::rights
