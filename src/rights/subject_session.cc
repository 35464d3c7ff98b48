#include "rights/subject_session.h"

#include <array>
#include <cstring>

#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/mac.h"

namespace charter::rights {

std::string SubjectSessions::key_of(std::string_view secret) const {
  return to_hex(crypto::mac(queue_.keys().mac, crypto::as_bytes("session:" + std::string(secret))));
}

Result<SubjectSession> SubjectSessions::open(const crypto::BlindIndex& email_index) {
  std::array<std::uint8_t, 32> raw{};
  queue_.random().fill(raw);
  SubjectSession s;
  s.secret = "chsub_" + crypto::to_base64url(raw);
  s.email_index = email_index;
  const Timestamp now = queue_.clock().now();
  s.expires_at = now + ttl_;
  CHARTER_TRY(auto tx, queue_.store().write());
  CHARTER_TRY(auto d,
              tx.exec("DELETE FROM rights_sessions WHERE expires_at < ?", {to_unix_micros(now)}));
  (void)d;
  CHARTER_TRY(auto n, tx.exec("INSERT INTO rights_sessions (secret_mac, email_index, created_at, "
                              "expires_at) VALUES (?, ?, ?, ?)",
                              {key_of(s.secret), crypto::ByteView(email_index), to_unix_micros(now),
                               to_unix_micros(s.expires_at)}));
  (void)n;
  CHARTER_TRY_STATUS(tx.commit());
  return s;
}

Result<crypto::BlindIndex> SubjectSessions::check(std::string_view secret) {
  const auto denied = [] {
    return make_error(Errc::kUnauthenticated,
                      "subject session: missing or expired; verify a code again");
  };
  if (secret.rfind("chsub_", 0) != 0 || secret.size() > 100) return denied();
  CHARTER_TRY(auto tx, queue_.store().read());
  CHARTER_TRY(auto row, tx.query_one("SELECT email_index, expires_at FROM rights_sessions WHERE "
                                     "secret_mac = ?",
                                     {key_of(secret)}));
  if (!row) return denied();
  CHARTER_TRY(auto idx, (*row)[0].as_blob(0));
  CHARTER_TRY(std::int64_t expires, (*row)[1].as_int(1));
  if (to_unix_micros(queue_.clock().now()) >= expires || idx.size() != crypto::kBlindIndexBytes) {
    return denied();
  }
  crypto::BlindIndex out{};
  std::memcpy(out.data(), idx.data(), out.size());
  return out;
}

Status SubjectSessions::close(std::string_view secret) {
  CHARTER_TRY(auto tx, queue_.store().write());
  CHARTER_TRY(auto n,
              tx.exec("DELETE FROM rights_sessions WHERE secret_mac = ?", {key_of(secret)}));
  (void)n;
  return tx.commit();
}

}  // namespace charter::rights
