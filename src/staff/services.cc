#include "staff/services.h"

#include <algorithm>
#include <array>

#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "policy/window.h"
#include "staff/schema.h"

namespace charter::staff {
namespace {

constexpr std::string_view kTokenPrefix = "chsvc_";
constexpr std::size_t kTokenChars = 52;  // 256 bits in base32
constexpr std::string_view kServiceColumns = "service_id, name, purposes, suspended_at, created_at";
constexpr std::string_view kTokenColumns =
    "token_id, service_id, created_at, expires_at, revoked_at";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool plain_name(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Status check_id(std::string_view id, std::string_view prefix, std::string_view what) {
  if (!is_valid_id(id, prefix)) {
    return make_error(Errc::kInvalidArgument, std::string(what) + ": expected " +
                                                  std::string(prefix) +
                                                  "_ and 26 base32 "
                                                  "characters");
  }
  return ok_status();
}

Result<Service> service_from(const store::Row& row) {
  Service s;
  CHARTER_TRY(auto id, row[0].as_text(0));
  s.id = std::string(id);
  CHARTER_TRY(auto name, row[1].as_text(1));
  s.name = std::string(name);
  CHARTER_TRY(auto purposes, row[2].as_text(2));
  s.purposes = split(purposes);
  s.suspended = !row[3].is_null();
  CHARTER_TRY(auto created, row[4].as_int(4));
  s.created_at = from_unix_micros(created);
  return s;
}

Result<TokenInfo> token_from(const store::Row& row) {
  TokenInfo t;
  CHARTER_TRY(auto id, row[0].as_text(0));
  t.id = std::string(id);
  CHARTER_TRY(auto svc, row[1].as_text(1));
  t.service_id = std::string(svc);
  CHARTER_TRY(auto created, row[2].as_int(2));
  t.created_at = from_unix_micros(created);
  CHARTER_TRY(auto expires, row[3].as_int(3));
  t.expires_at = from_unix_micros(expires);
  if (!row[4].is_null()) {
    CHARTER_TRY(auto revoked, row[4].as_int(4));
    t.revoked_at = from_unix_micros(revoked);
  }
  return t;
}

Result<Service> read_service(store::Transaction& tx, std::string_view service_id) {
  CHARTER_TRY(auto row, tx.query_one("SELECT " + std::string(kServiceColumns) +
                                         " FROM staff_services WHERE service_id = ?",
                                     {service_id}));
  if (!row) return make_error(Errc::kNotFound, "no such service");
  return service_from(*row);
}

crypto::Digest token_hash(std::string_view token) {
  return crypto::sha256(crypto::as_bytes(token));
}

}  // namespace

Result<std::unique_ptr<ServiceRegistry>> ServiceRegistry::open(
    store::Store& store, std::shared_ptr<const policy::Policy> policy, const Clock& clock,
    Random& random, AuditHook* audit) {
  if (!policy) return make_error(Errc::kInvalidArgument, "service registry: no policy");
  CHARTER_TRY(auto applied, migrate_staff(store, clock));
  (void)applied;
  return std::unique_ptr<ServiceRegistry>(
      new ServiceRegistry(store, std::move(policy), clock, random, audit));
}

Status ServiceRegistry::audit(store::Transaction& tx, std::string action, std::string_view target) {
  if (!audit_) return ok_status();
  return audit_->record(tx, {std::move(action), std::string(target)});
}

Status ServiceRegistry::check_purposes(const std::vector<std::string>& purposes) const {
  if (purposes.empty()) {
    return make_error(Errc::kInvalidArgument, "purposes: a service is bound to at least one");
  }
  for (const auto& p : purposes) {
    if (!policy_->find_purpose(p)) {
      return make_error(Errc::kInvalidArgument,
                        "purpose " +
                            (plain_name(p, 64) ? "'" + p + "'" : std::string("(not shown)")) +
                            " is not declared by the policy");
    }
  }
  return ok_status();
}

Result<Service> ServiceRegistry::add(std::string_view name, const std::vector<std::string>& in) {
  if (!plain_name(name, 64)) {
    return make_error(Errc::kInvalidArgument,
                      "service name: 1 to 64 of a-z, 0-9, '-' and '_' (e.g. emailing-platform)");
  }
  std::vector<std::string> purposes = in;
  std::sort(purposes.begin(), purposes.end());
  purposes.erase(std::unique(purposes.begin(), purposes.end()), purposes.end());
  CHARTER_TRY_STATUS(check_purposes(purposes));
  std::string id;
  {
    std::lock_guard lock(random_mu_);
    id = new_id(random_, "svc");
  }
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto existing,
              tx.query_one("SELECT service_id FROM staff_services WHERE name = ?", {name}));
  if (existing) return make_error(Errc::kAlreadyExists, "a service with this name exists");
  CHARTER_TRY(auto n, tx.exec("INSERT INTO staff_services (service_id, name, purposes, "
                              "created_at) VALUES (?, ?, ?, ?)",
                              {id, name, join(purposes), to_unix_micros(clock_.now())}));
  (void)n;
  CHARTER_TRY_STATUS(audit(tx, "service.added", id));
  CHARTER_TRY(auto s, read_service(tx, id));
  CHARTER_TRY_STATUS(tx.commit());
  return s;
}

Result<Service> ServiceRegistry::set_purposes(std::string_view service_id,
                                              const std::vector<std::string>& in) {
  CHARTER_TRY_STATUS(check_id(service_id, "svc", "service id"));
  std::vector<std::string> purposes = in;
  std::sort(purposes.begin(), purposes.end());
  purposes.erase(std::unique(purposes.begin(), purposes.end()), purposes.end());
  CHARTER_TRY_STATUS(check_purposes(purposes));
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto n, tx.exec("UPDATE staff_services SET purposes = ? WHERE service_id = ?",
                              {join(purposes), service_id}));
  if (n == 0) return make_error(Errc::kNotFound, "no such service");
  CHARTER_TRY_STATUS(audit(tx, "service.purposes", service_id));
  CHARTER_TRY(auto s, read_service(tx, service_id));
  CHARTER_TRY_STATUS(tx.commit());
  return s;
}

Result<Service> ServiceRegistry::set_suspended(std::string_view service_id, bool suspended) {
  CHARTER_TRY_STATUS(check_id(service_id, "svc", "service id"));
  CHARTER_TRY(auto tx, store_.write());
  auto r = suspended ? tx.exec(
                           "UPDATE staff_services SET suspended_at = ? WHERE service_id = ? AND "
                           "suspended_at IS NULL",
                           {to_unix_micros(clock_.now()), service_id})
                     : tx.exec("UPDATE staff_services SET suspended_at = NULL WHERE service_id = ?",
                               {service_id});
  CHARTER_TRY(auto n, std::move(r));
  (void)n;
  CHARTER_TRY(auto s, read_service(tx, service_id));
  CHARTER_TRY_STATUS(audit(tx, suspended ? "service.suspended" : "service.reinstated", service_id));
  CHARTER_TRY_STATUS(tx.commit());
  return s;
}

Result<Service> ServiceRegistry::suspend(std::string_view id) { return set_suspended(id, true); }
Result<Service> ServiceRegistry::reinstate(std::string_view id) { return set_suspended(id, false); }

Result<Service> ServiceRegistry::get(std::string_view service_id) {
  CHARTER_TRY_STATUS(check_id(service_id, "svc", "service id"));
  CHARTER_TRY(auto tx, store_.read());
  return read_service(tx, service_id);
}

Result<Service> ServiceRegistry::find_by_name(std::string_view name) {
  if (!plain_name(name, 64)) return make_error(Errc::kNotFound, "no such service");
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT " + std::string(kServiceColumns) +
                                         " FROM staff_services WHERE name = ?",
                                     {name}));
  if (!row) return make_error(Errc::kNotFound, "no such service");
  return service_from(*row);
}

Result<std::vector<Service>> ServiceRegistry::list() {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kServiceColumns) +
                                  " FROM staff_services ORDER BY name"));
  std::vector<Service> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto s, service_from(rows.row()));
    out.push_back(std::move(s));
  }
  return out;
}

Result<IssuedToken> ServiceRegistry::issue_token(std::string_view service_id,
                                                 const policy::Duration& validity) {
  CHARTER_TRY_STATUS(check_id(service_id, "svc", "service id"));
  const auto now = clock_.now();
  const auto expires = policy::add_duration(now, validity);
  if (validity.is_zero() || validity.years < 0 || validity.months < 0 || validity.days < 0 ||
      expires > policy::add_duration(now, policy::Duration{2, 0, 0})) {
    return make_error(Errc::kInvalidArgument, "token validity: more than zero, at most P2Y");
  }
  IssuedToken issued;
  {
    std::array<std::uint8_t, 32> secret{};
    std::lock_guard lock(random_mu_);
    random_.fill(secret);
    issued.token = std::string(kTokenPrefix) + crypto::to_base32(secret);
    issued.info.id = new_id(random_, "tok");
  }
  auto hash = token_hash(issued.token);
  issued.info.service_id = std::string(service_id);
  issued.info.created_at = now;
  issued.info.expires_at = expires;
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto svc, read_service(tx, service_id));
  if (svc.suspended) return make_error(Errc::kFailedPrecondition, "service suspended");
  CHARTER_TRY(auto n, tx.exec("INSERT INTO staff_tokens (token_id, service_id, token_hash, "
                              "created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                              {issued.info.id, service_id, crypto::ByteView(hash),
                               to_unix_micros(now), to_unix_micros(expires)}));
  (void)n;
  CHARTER_TRY_STATUS(audit(tx, "token.issued", service_id));
  CHARTER_TRY_STATUS(tx.commit());
  return issued;
}

Status ServiceRegistry::revoke_token(std::string_view token_id) {
  CHARTER_TRY_STATUS(check_id(token_id, "tok", "token id"));
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto row,
              tx.query_one("SELECT revoked_at FROM staff_tokens WHERE token_id = ?", {token_id}));
  if (!row) return make_error(Errc::kNotFound, "no such token");
  if (!(*row)[0].is_null()) return ok_status();  // already revoked
  CHARTER_TRY(auto n, tx.exec("UPDATE staff_tokens SET revoked_at = ? WHERE token_id = ?",
                              {to_unix_micros(clock_.now()), token_id}));
  (void)n;
  CHARTER_TRY(auto owner,
              tx.query_one("SELECT service_id FROM staff_tokens WHERE token_id = ?", {token_id}));
  CHARTER_TRY(std::string_view service_id, (*owner)[0].as_text(0));
  CHARTER_TRY_STATUS(audit(tx, "token.revoked", service_id));
  return tx.commit();
}

Result<std::vector<TokenInfo>> ServiceRegistry::tokens(std::string_view service_id) {
  CHARTER_TRY_STATUS(check_id(service_id, "svc", "service id"));
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kTokenColumns) +
                                      " FROM staff_tokens WHERE service_id = ? ORDER BY "
                                      "created_at, token_id",
                                  {service_id}));
  std::vector<TokenInfo> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto t, token_from(rows.row()));
    out.push_back(std::move(t));
  }
  return out;
}

Result<Identity> ServiceRegistry::authenticate(std::string_view token) {
  const Error invalid = make_error(Errc::kUnauthenticated, "invalid token");
  if (token.size() != kTokenPrefix.size() + kTokenChars ||
      token.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return invalid;
  }
  auto hash = token_hash(token);
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT t.expires_at, t.revoked_at, s.service_id, s.name, "
                                     "s.purposes, s.suspended_at, s.created_at FROM staff_tokens "
                                     "t JOIN staff_services s ON s.service_id = t.service_id "
                                     "WHERE t.token_hash = ?",
                                     {crypto::ByteView(hash)}));
  if (!row) return invalid;
  if (!(*row)[1].is_null()) return make_error(Errc::kUnauthenticated, "token revoked");
  CHARTER_TRY(auto expires, (*row)[0].as_int(0));
  if (clock_.now() >= from_unix_micros(expires)) {
    return make_error(Errc::kUnauthenticated, "token expired");
  }
  store::Row svc_row((*row).begin() + 2, (*row).end());
  CHARTER_TRY(auto svc, service_from(svc_row));
  if (svc.suspended) return make_error(Errc::kPermissionDenied, "service suspended");
  Identity id;
  id.kind = Identity::Kind::kService;
  id.id = svc.id;
  id.purposes = svc.purposes;
  id.suspended = svc.suspended;
  return id;
}

}  // namespace charter::staff
