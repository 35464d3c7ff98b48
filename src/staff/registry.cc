#include "staff/registry.h"

#include <algorithm>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/password.h"
#include "crypto/seal.h"
#include "policy/window.h"
#include "staff/schema.h"

namespace charter::staff {
namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::string_view kMemberColumns =
    "staff_id, roles, trained_on, confidentiality_signed_on, suspended_at, password_hash, "
    "created_at";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Status check_staff_id(std::string_view id) {
  if (!is_valid_id(id, "stf")) {
    return make_error(Errc::kInvalidArgument, "staff id: expected stf_ and 26 base32 characters");
  }
  return ok_status();
}

Result<std::optional<Date>> opt_date(const store::Row& row, int col) {
  if (row[col].is_null()) return std::optional<Date>();
  CHARTER_TRY(auto text, row[col].as_text(col));
  CHARTER_TRY(auto d, parse_date(text));
  return std::optional<Date>(d);
}

Result<Member> member_from(const store::Row& row) {
  Member m;
  CHARTER_TRY(auto id, row[0].as_text(0));
  m.id = std::string(id);
  CHARTER_TRY(auto roles, row[1].as_text(1));
  m.roles = split(roles);
  CHARTER_TRY(m.trained_on, opt_date(row, 2));
  CHARTER_TRY(m.confidentiality_signed, opt_date(row, 3));
  if (!row[4].is_null()) {
    CHARTER_TRY(auto at, row[4].as_int(4));
    m.suspended = true;
    m.suspended_at = from_unix_micros(at);
  }
  m.has_password = !row[5].is_null();
  CHARTER_TRY(auto created, row[6].as_int(6));
  m.created_at = from_unix_micros(created);
  return m;
}

Result<Member> read_member(store::Transaction& tx, std::string_view staff_id) {
  CHARTER_TRY(auto row, tx.query_one("SELECT " + std::string(kMemberColumns) +
                                         " FROM staff_members WHERE staff_id = ?",
                                     {staff_id}));
  if (!row) return make_error(Errc::kNotFound, "no such staff member");
  return member_from(*row);
}

Identity identity_of(const Member& m) {
  Identity id;
  id.kind = Identity::Kind::kStaff;
  id.id = m.id;
  id.roles = m.roles;
  id.trained_on = m.trained_on;
  id.confidentiality_signed = m.confidentiality_signed;
  id.suspended = m.suspended;
  return id;
}

// A valid Argon2id hash to verify against when the e-mail is unknown, so both failures cost the
// same time.
const std::string& dummy_hash(const crypto::Argon2Limits& limits) {
  static std::mutex mu;
  static std::map<std::pair<std::uint64_t, std::size_t>, std::string> cache;
  std::lock_guard lock(mu);
  auto& h = cache[{limits.opslimit, limits.memlimit}];
  if (h.empty()) {
    SystemRandom random;
    auto r = crypto::hash_password("charter-no-such-user", limits, random);
    h = r.ok() ? *r : std::string("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA");
  }
  return h;
}

}  // namespace

Result<std::string> normalize_email(std::string_view email) {
  auto begin = email.find_first_not_of(" \t\r\n");
  auto end = email.find_last_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return make_error(Errc::kInvalidArgument, "e-mail: empty");
  }
  std::string out(email.substr(begin, end - begin + 1));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = out.find('@');
  bool ok = out.size() <= 254 && at != std::string::npos && at > 0 &&
            out.find('@', at + 1) == std::string::npos &&
            out.find_first_of(" \t\r\n,;<>\"") == std::string::npos;
  if (ok) {
    auto domain = std::string_view(out).substr(at + 1);
    auto dot = domain.find('.');
    ok = !domain.empty() && dot != std::string_view::npos && dot > 0 && domain.back() != '.';
  }
  if (!ok) return make_error(Errc::kInvalidArgument, "e-mail: not a valid address");
  return out;
}

Result<std::unique_ptr<StaffRegistry>> StaffRegistry::open(
    store::Store& store, std::shared_ptr<const policy::Policy> policy, const Clock& clock,
    Random& random, const crypto::KeyRing& ring, RegistryOptions options) {
  if (!policy) return make_error(Errc::kInvalidArgument, "staff registry: no policy");
  CHARTER_TRY_STATUS(options.password_limits.check());
  CHARTER_TRY(auto applied, migrate_staff(store, clock));
  (void)applied;
  CHARTER_TRY(auto keys, load_staff_keys(store, ring, random, clock));
  std::unique_ptr<StaffRegistry> r(
      new StaffRegistry(store, std::move(policy), clock, random, std::move(keys), options));
  CHARTER_TRY(auto tx, store.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT MAX(seq) FROM staff_events"));
  if (row && !(*row)[0].is_null()) {
    CHARTER_TRY(auto seq, (*row)[0].as_int(0));
    r->last_seq_ = seq;
  }
  return r;
}

std::string StaffRegistry::new_id(std::string_view prefix) {
  std::lock_guard lock(random_mu_);
  return charter::new_id(random_, prefix);
}

Status StaffRegistry::check_roles(const std::vector<std::string>& roles) const {
  if (roles.empty()) {
    return make_error(Errc::kInvalidArgument, "roles: a staff member needs at least one role");
  }
  const auto& allowed = policy_->staff.roles;
  for (const auto& role : roles) {
    bool ok = std::find(allowed.begin(), allowed.end(), role) != allowed.end() &&
              policy_->find_recipient(role) != nullptr;
    if (!ok) {
      bool plain =
          !role.empty() && role.size() <= 64 && std::all_of(role.begin(), role.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
          });
      return make_error(Errc::kInvalidArgument,
                        "role " + (plain ? "'" + role + "'" : std::string("(not shown)")) +
                            " is not a staff role of the policy; roles: " + join(allowed));
    }
  }
  return ok_status();
}

Status StaffRegistry::append_event(store::Transaction& tx, const std::string& staff_id,
                                   std::string_view kind, const std::string& detail) {
  const auto now = clock_.now();
  std::int64_t t = to_unix_micros(now), prev = last_seq_.load(), next = 0;
  do {
    next = std::max(t, prev + 1);
  } while (!last_seq_.compare_exchange_weak(prev, next));
  CHARTER_TRY(auto n, tx.exec("INSERT INTO staff_events (staff_id, event_id, seq, kind, at, "
                              "detail) VALUES (?, ?, ?, ?, ?, ?)",
                              {staff_id, new_id("sev"), next, kind, t, detail}));
  (void)n;
  if (options_.audit) {
    CHARTER_TRY_STATUS(options_.audit->record(tx, {"staff." + std::string(kind), staff_id}));
  }
  return ok_status();
}

Result<Member> StaffRegistry::add(const NewMember& m) {
  if (m.display_name.empty() || m.display_name.size() > kMaxNameBytes) {
    return make_error(Errc::kInvalidArgument, "display name: 1 to 200 bytes");
  }
  CHARTER_TRY(auto email, normalize_email(m.email));
  std::vector<std::string> roles = m.roles;
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  CHARTER_TRY_STATUS(check_roles(roles));
  const std::string id = new_id("stf");
  crypto::Bytes sealed_name, sealed_email;
  {
    std::lock_guard lock(random_mu_);
    sealed_name =
        crypto::seal(keys_.seal, crypto::as_bytes(m.display_name),
                     crypto::value_ad(id, "staff_members.display_name", keys_.version), random_);
    sealed_email =
        crypto::seal(keys_.seal, crypto::as_bytes(email),
                     crypto::value_ad(id, "staff_members.email", keys_.version), random_);
  }
  auto index = keys_.email_index.compute(email);
  const auto now = to_unix_micros(clock_.now());
  CHARTER_TRY(auto tx, store_.write());
  CHARTER_TRY(auto existing, tx.query_one("SELECT staff_id FROM staff_members WHERE email_index "
                                          "= ?",
                                          {crypto::ByteView(index)}));
  if (existing) {
    return make_error(Errc::kAlreadyExists, "a staff member with this e-mail exists");
  }
  CHARTER_TRY(auto n,
              tx.exec("INSERT INTO staff_members (staff_id, key_version, display_name, email, "
                      "email_index, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      {id, keys_.version, sealed_name, sealed_email, crypto::ByteView(index),
                       join(roles), now, now}));
  (void)n;
  CHARTER_TRY_STATUS(append_event(tx, id, "added", "roles=" + join(roles)));
  CHARTER_TRY(auto member, read_member(tx, id));
  CHARTER_TRY_STATUS(tx.commit());
  return member;
}

Result<Member> StaffRegistry::update(std::string_view staff_id, std::string_view set_sql,
                                     std::vector<store::Value> values, std::string_view event_kind,
                                     std::string detail) {
  CHARTER_TRY_STATUS(check_staff_id(staff_id));
  CHARTER_TRY(auto tx, store_.write());
  values.emplace_back(to_unix_micros(clock_.now()));
  values.emplace_back(std::string(staff_id));
  std::vector<store::Param> params(values.begin(), values.end());
  CHARTER_TRY(auto n, tx.exec("UPDATE staff_members SET " + std::string(set_sql) +
                                  ", updated_at = ? WHERE staff_id = ?",
                              params));
  if (n == 0) return make_error(Errc::kNotFound, "no such staff member");
  CHARTER_TRY_STATUS(append_event(tx, std::string(staff_id), event_kind, detail));
  CHARTER_TRY(auto member, read_member(tx, staff_id));
  CHARTER_TRY_STATUS(tx.commit());
  return member;
}

Result<Member> StaffRegistry::set_roles(std::string_view staff_id,
                                        const std::vector<std::string>& roles_in) {
  std::vector<std::string> roles = roles_in;
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  CHARTER_TRY_STATUS(check_roles(roles));
  return update(staff_id, "roles = ?", {join(roles)}, "roles", "roles=" + join(roles));
}

Result<Member> StaffRegistry::record_training(std::string_view staff_id, Date trained_on) {
  if (start_of(trained_on) > clock_.now()) {
    return make_error(Errc::kInvalidArgument, "training date: in the future");
  }
  CHARTER_TRY(auto current, get(staff_id));
  // The latest training counts; an older date is kept in the history only.
  Date effective =
      current.trained_on && *current.trained_on > trained_on ? *current.trained_on : trained_on;
  return update(staff_id, "trained_on = ?", {format_date(effective)}, "trained",
                "trained_on=" + format_date(trained_on));
}

Result<Member> StaffRegistry::record_confidentiality(std::string_view staff_id, Date signed_on) {
  if (start_of(signed_on) > clock_.now()) {
    return make_error(Errc::kInvalidArgument, "confidentiality commitment date: in the future");
  }
  return update(staff_id, "confidentiality_signed_on = ?", {format_date(signed_on)}, "signed",
                "signed_on=" + format_date(signed_on));
}

Result<Member> StaffRegistry::suspend(std::string_view staff_id) {
  CHARTER_TRY(auto current, get(staff_id));
  if (current.suspended) return current;
  return update(staff_id, "suspended_at = ?", {to_unix_micros(clock_.now())}, "suspended", "");
}

Result<Member> StaffRegistry::reinstate(std::string_view staff_id) {
  CHARTER_TRY(auto current, get(staff_id));
  if (!current.suspended) return current;
  return update(staff_id, "suspended_at = NULL", {}, "reinstated", "");
}

Status StaffRegistry::set_password(std::string_view staff_id, std::string_view password) {
  std::string hash;
  {
    std::lock_guard lock(random_mu_);
    CHARTER_TRY(hash, crypto::hash_password(password, options_.password_limits, random_));
  }
  CHARTER_TRY(auto m, update(staff_id, "password_hash = ?", {hash}, "password", ""));
  (void)m;
  return ok_status();
}

Result<Member> StaffRegistry::get(std::string_view staff_id) {
  CHARTER_TRY_STATUS(check_staff_id(staff_id));
  CHARTER_TRY(auto tx, store_.read());
  return read_member(tx, staff_id);
}

Result<MemberDetails> StaffRegistry::details(std::string_view staff_id) {
  CHARTER_TRY_STATUS(check_staff_id(staff_id));
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT key_version, display_name, email FROM staff_members "
                                     "WHERE staff_id = ?",
                                     {staff_id}));
  if (!row) return make_error(Errc::kNotFound, "no such staff member");
  CHARTER_TRY(auto version, (*row)[0].as_int(0));
  if (version != keys_.version) {
    return make_error(Errc::kUnsupported, "staff member sealed under an unknown key version");
  }
  CHARTER_TRY(auto name_blob, (*row)[1].as_blob(1));
  CHARTER_TRY(auto email_blob, (*row)[2].as_blob(2));
  CHARTER_TRY(auto name, crypto::open(keys_.seal, name_blob,
                                      crypto::value_ad(staff_id, "staff_members.display_name",
                                                       keys_.version)));
  CHARTER_TRY(auto email,
              crypto::open(keys_.seal, email_blob,
                           crypto::value_ad(staff_id, "staff_members.email", keys_.version)));
  return MemberDetails{std::string(crypto::as_chars(name)), std::string(crypto::as_chars(email))};
}

Result<std::vector<Member>> StaffRegistry::list() {
  CHARTER_TRY(auto tx, store_.read());
  CHARTER_TRY(auto rows, tx.query("SELECT " + std::string(kMemberColumns) +
                                  " FROM staff_members ORDER BY created_at, staff_id"));
  std::vector<Member> out;
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto m, member_from(rows.row()));
    out.push_back(std::move(m));
  }
  return out;
}

Result<Identity> StaffRegistry::identity(std::string_view staff_id) {
  CHARTER_TRY(auto m, get(staff_id));
  return identity_of(m);
}

Result<Identity> StaffRegistry::login(std::string_view email_in, std::string_view password) {
  const Error refused = make_error(Errc::kUnauthenticated, "invalid e-mail or password");
  auto email = normalize_email(email_in);
  if (!email.ok() || password.empty()) return refused;
  auto index = keys_.email_index.compute(*email);
  std::optional<Member> member;
  std::string hash;
  {
    CHARTER_TRY(auto tx, store_.read());
    CHARTER_TRY(auto row, tx.query_one("SELECT " + std::string(kMemberColumns) +
                                           " FROM staff_members WHERE email_index = ?",
                                       {crypto::ByteView(index)}));
    if (row) {
      CHARTER_TRY(auto m, member_from(*row));
      member = std::move(m);
      if (!(*row)[5].is_null()) {
        CHARTER_TRY(auto h, (*row)[5].as_text(5));
        hash = std::string(h);
      }
    }
  }
  if (!member || hash.empty()) {
    (void)crypto::verify_password(dummy_hash(options_.password_limits), password);
    return refused;
  }
  if (!crypto::verify_password(hash, password)) return refused;
  if (member->suspended) {
    return make_error(Errc::kPermissionDenied, "staff member suspended");
  }
  if (crypto::password_needs_rehash(hash, options_.password_limits)) {
    CHARTER_TRY_STATUS(set_password(member->id, password));
  }
  return identity_of(*member);
}

std::optional<Timestamp> StaffRegistry::training_valid_until(const Member& m) const {
  if (!m.trained_on) return std::nullopt;
  return policy::add_duration(start_of(*m.trained_on), policy_->staff.training_validity);
}

bool StaffRegistry::training_valid(const Member& m, Timestamp now) const {
  auto until = training_valid_until(m);
  return until && start_of(*m.trained_on) <= now && now < *until;
}

}  // namespace charter::staff
