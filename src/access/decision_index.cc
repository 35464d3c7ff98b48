#include "access/decision_index.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <unordered_map>

#include "access/bulk_plan.h"
#include "core/id.h"

namespace charter::access {
namespace {

using Key = DecisionIndex::Key;
constexpr std::uint32_t kEmpty = UINT32_MAX;
constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

bool is_zero(const Key& k) {
  for (auto b : k)
    if (b) return false;
  return true;
}

std::uint64_t home_hash(const Key& k) {
  std::uint64_t h;
  std::memcpy(&h, k.data(), 8);
  return (h ^ (h >> 31)) * 0x9E3779B97F4A7C15ULL;
}

struct KeyHash {
  std::size_t operator()(const Key& k) const { return home_hash(k); }
};

std::string encode_subject_id(const Key& k) {
  std::string out = "sub_";
  unsigned acc = 0;
  int bits = 0;
  for (std::uint8_t b : k) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(acc >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (5 - bits)) & 31]);
  return out;
}

// Open addressing, linear probing, backward-shift deletion; values are slots whose key lives in
// a column (so the table holds 4 bytes per entry).
class SlotTable {
 public:
  template <class KeyOf>
  std::uint32_t find(const Key& k, const KeyOf& key_of) const {
    if (slots_.empty()) return kEmpty;
    std::size_t i = home_hash(k) & mask_;
    while (true) {
      std::uint32_t s = slots_[i];
      if (s == kEmpty || key_of(s) == k) return s;
      i = (i + 1) & mask_;
    }
  }
  template <class KeyOf>
  void insert(const Key& k, std::uint32_t slot, const KeyOf& key_of) {
    if ((count_ + 1) * 4 > slots_.size() * 3)
      grow(std::max<std::size_t>(16, slots_.size() * 2), key_of);
    put(k, slot);
    ++count_;
  }
  template <class KeyOf>
  void erase(const Key& k, const KeyOf& key_of) {
    if (slots_.empty()) return;
    std::size_t i = home_hash(k) & mask_;
    while (true) {
      std::uint32_t s = slots_[i];
      if (s == kEmpty) return;
      if (key_of(s) == k) break;
      i = (i + 1) & mask_;
    }
    std::size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      std::uint32_t s = slots_[j];
      if (s == kEmpty) break;
      std::size_t h = home_hash(key_of(s)) & mask_;
      // Move s back to i when i lies cyclically in [h, j).
      bool move = (i <= j) ? (h <= i || h > j) : (h <= i && h > j);
      if (move) {
        slots_[i] = s;
        i = j;
      }
    }
    slots_[i] = kEmpty;
    --count_;
  }
  template <class KeyOf>
  void reserve(std::size_t n, const KeyOf& key_of) {
    std::size_t cap = 16;
    while (cap * 3 < n * 4) cap *= 2;
    if (cap > slots_.size()) grow(cap, key_of);
  }
  // The home bucket of `k` (for prefetching) and the slot it holds now (kEmpty if none).
  const std::uint32_t* home(const Key& k) const {
    return slots_.empty() ? nullptr : &slots_[home_hash(k) & mask_];
  }
  std::size_t bytes() const { return slots_.capacity() * sizeof(std::uint32_t); }
  std::size_t size() const { return count_; }

 private:
  void put(const Key& k, std::uint32_t slot) {
    std::size_t i = home_hash(k) & mask_;
    while (slots_[i] != kEmpty) i = (i + 1) & mask_;
    slots_[i] = slot;
  }
  template <class KeyOf>
  void grow(std::size_t cap, const KeyOf& key_of) {
    std::vector<std::uint32_t> old = std::move(slots_);
    slots_.assign(cap, kEmpty);
    mask_ = cap - 1;
    for (std::uint32_t s : old)
      if (s != kEmpty) put(key_of(s), s);
  }
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
};

constexpr std::size_t round8(std::size_t n) { return (n + 7) & ~std::size_t(7); }

std::int64_t us_or_unset(const std::optional<Timestamp>& t) {
  return t ? to_unix_micros(*t) : kUnset;
}

}  // namespace

// Row layout (bytes, little-endian host order, `stride` per subject):
//   0  collected_at   8  last_contact_at   16  contract_end   24  transaction date (int64 us)
//   32 flags: vault status (bits 0-1), relationship (2-3), restriction in force (4)
//   33 stale (atomic_ref): a consent change is not reflected yet
//   34 objection bits: 2 per objectable purpose (objected, overridden)
//   .. consent status: 1 byte per consent purpose
//   .. (8-aligned) consent at, expires_at: 16 bytes per consent purpose
struct DecisionIndex::Impl {
  mutable std::shared_mutex mu;
  std::vector<std::uint8_t> rows;
  std::vector<Key> ids;
  std::vector<Key> emails;  // all-zero: no e-mail
  SlotTable by_id, by_email;
  std::unordered_map<Key, std::vector<std::uint32_t>, KeyHash> email_dups;  // extra subjects
  std::size_t stride = 0, off_obj = 34, off_cstatus = 0, off_ctimes = 0;
  std::map<std::string, int, std::less<>> consent_cols, objection_cols;
  std::size_t count = 0;
  std::size_t with_email = 0;

  std::mutex reload_mu;
  std::mutex pending_mu;
  bool loading = true;
  std::vector<std::string> pending;
  std::atomic<std::uint64_t> unknown_changes{0};

  auto id_of() const {
    return [this](std::uint32_t s) -> const Key& { return ids[s]; };
  }
  auto email_of() const {
    return [this](std::uint32_t s) -> const Key& { return emails[s]; };
  }
  std::uint8_t* row(std::uint32_t s) { return rows.data() + std::size_t(s) * stride; }
  const std::uint8_t* row(std::uint32_t s) const { return rows.data() + std::size_t(s) * stride; }

  static std::int64_t get64(const std::uint8_t* p) {
    std::int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static void put64(std::uint8_t* p, std::int64_t v) { std::memcpy(p, &v, 8); }

  bool stale(std::uint32_t s) const {
    return std::atomic_ref<std::uint8_t>(const_cast<std::uint8_t&>(row(s)[33]))
               .load(std::memory_order_acquire) != 0;
  }
  void set_stale(std::uint32_t s, bool v) {
    std::atomic_ref<std::uint8_t>(row(s)[33]).store(v ? 1 : 0, std::memory_order_release);
  }

  std::uint32_t append(const Key& id) {
    std::uint32_t s = static_cast<std::uint32_t>(count++);
    rows.resize(count * stride, 0);
    std::uint8_t* r = row(s);
    for (int i = 0; i < 4; ++i) put64(r + 8 * i, kUnset);
    std::size_t nc = consent_cols.size();
    for (std::size_t k = 0; k < nc; ++k) {
      put64(r + off_ctimes + 16 * k, kUnset);
      put64(r + off_ctimes + 16 * k + 8, kUnset);
    }
    ids.push_back(id);
    emails.push_back(Key{});
    by_id.insert(id, s, id_of());
    return s;
  }

  void set_consent(std::uint32_t s, int col, const ConsentState& c) {
    std::uint8_t* r = row(s);
    r[off_cstatus + col] = static_cast<std::uint8_t>(c.status);
    put64(r + off_ctimes + 16 * col, us_or_unset(c.at));
    put64(r + off_ctimes + 16 * col + 8, us_or_unset(c.expires_at));
  }
  void set_objection(std::uint32_t s, int col, const ObjectionState& o) {
    std::uint8_t& byte = row(s)[off_obj + col / 4];
    int shift = (col % 4) * 2;
    byte = static_cast<std::uint8_t>((byte & ~(3 << shift)) | ((o.objected ? 1 : 0) << shift) |
                                     ((o.overridden ? 2 : 0) << shift));
  }
  void set_restricted(std::uint32_t s, bool restricted) {
    std::uint8_t& f = row(s)[32];
    f = static_cast<std::uint8_t>((f & ~0x10) | (restricted ? 0x10 : 0));
  }
  void set_vault(std::uint32_t s, vault::SubjectStatus st, vault::Relationship rel,
                 std::int64_t collected, std::int64_t last_contact, std::int64_t contract_end) {
    std::uint8_t* r = row(s);
    put64(r, collected);
    put64(r + 8, last_contact);
    put64(r + 16, contract_end);
    r[32] = static_cast<std::uint8_t>((r[32] & 0x10) | static_cast<int>(st) |
                                      (static_cast<int>(rel) << 2));
  }

  void unlink_email(std::uint32_t s) {
    Key old = emails[s];
    if (is_zero(old)) return;
    --with_email;
    std::uint32_t primary = by_email.find(old, email_of());
    auto dup = email_dups.find(old);
    if (primary == s) {
      by_email.erase(old, email_of());
      if (dup != email_dups.end()) {
        std::uint32_t next = dup->second.back();
        dup->second.pop_back();
        if (dup->second.empty()) email_dups.erase(dup);
        emails[s] = Key{};
        by_email.insert(old, next, email_of());
      }
    } else if (dup != email_dups.end()) {
      auto& v = dup->second;
      v.erase(std::remove(v.begin(), v.end(), s), v.end());
      if (v.empty()) email_dups.erase(dup);
    }
    emails[s] = Key{};
  }
  void link_email(std::uint32_t s, const Key& digest) {
    if (emails[s] == digest) return;
    unlink_email(s);
    if (is_zero(digest)) return;
    ++with_email;
    std::uint32_t primary = by_email.find(digest, email_of());
    emails[s] = digest;
    if (primary == kEmpty) {
      by_email.insert(digest, s, email_of());
    } else {
      email_dups[digest].push_back(s);
    }
  }

  // Whole facts of one subject (under the unique lock). Returns the slot.
  std::uint32_t apply(const Key& id, const SubjectFacts& f, bool* inserted) {
    std::uint32_t s = by_id.find(id, id_of());
    *inserted = s == kEmpty;
    if (s == kEmpty) s = append(id);
    set_vault(s, f.vault_status, f.relationship, us_or_unset(f.collected_at),
              us_or_unset(f.last_contact_at), us_or_unset(f.contract_end));
    put64(row(s) + 24, us_or_unset(f.transaction_date));
    set_restricted(s, f.restricted);
    for (const auto& [purpose, col] : consent_cols) {
      auto it = f.consents.find(purpose);
      set_consent(s, col, it == f.consents.end() ? ConsentState{} : it->second);
    }
    for (const auto& [purpose, col] : objection_cols) {
      auto it = f.objections.find(purpose);
      set_objection(s, col, it == f.objections.end() ? ObjectionState{} : it->second);
    }
    Key digest{};
    if (f.email) std::copy(f.email->begin(), f.email->end(), digest.begin());
    link_email(s, digest);
    return s;
  }

  IndexRow read(std::uint32_t s, int ccol, int ocol) const {
    const std::uint8_t* r = row(s);
    IndexRow out;
    out.collected = get64(r);
    out.last_contact = get64(r + 8);
    out.contract_end = get64(r + 16);
    out.transaction = get64(r + 24);
    out.vault_status = r[32] & 3;
    out.relationship = (r[32] >> 2) & 3;
    out.restricted = (r[32] & 0x10) != 0;
    if (ccol >= 0) {
      out.consent_status = r[off_cstatus + ccol];
      out.consent_at = get64(r + off_ctimes + 16 * ccol);
      out.consent_expires = get64(r + off_ctimes + 16 * ccol + 8);
    }
    if (ocol >= 0) {
      int bits = (r[off_obj + ocol / 4] >> ((ocol % 4) * 2)) & 3;
      out.objected = bits & 1;
      out.overridden = bits & 2;
    }
    return out;
  }

  std::size_t bytes() const {
    std::size_t dup_bytes = 0;
    for (const auto& [k, v] : email_dups) dup_bytes += 64 + v.capacity() * 4;
    return rows.capacity() + ids.capacity() * sizeof(Key) + emails.capacity() * sizeof(Key) +
           by_id.bytes() + by_email.bytes() + dup_bytes;
  }
};

DecisionIndex::DecisionIndex(const policy::Policy& policy)
    : policy_(policy), impl_(std::make_unique<Impl>()) {
  int nc = 0, no = 0;
  for (const policy::Purpose& p : policy.purposes) {
    const policy::LegalBasis* basis = policy.find_basis(p.basis);
    if (basis && basis->kind == policy::BasisKind::kConsent) impl_->consent_cols[p.id] = nc++;
    if (p.objection != policy::Objection::kNone) impl_->objection_cols[p.id] = no++;
  }
  impl_->off_cstatus = impl_->off_obj + (no + 3) / 4;
  impl_->off_ctimes = round8(impl_->off_cstatus + nc);
  impl_->stride = round8(impl_->off_ctimes + 16 * nc);
}

DecisionIndex::~DecisionIndex() = default;

std::optional<DecisionIndex::Key> DecisionIndex::subject_key(std::string_view id) {
  if (id.size() != 30 || id.substr(0, 4) != "sub_") return std::nullopt;
  Key k{};
  unsigned acc = 0;
  int bits = 0;
  std::size_t out = 0;
  for (std::size_t i = 4; i < 30; ++i) {
    auto pos = kAlphabet.find(id[i]);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 5) | static_cast<unsigned>(pos);
    bits += 5;
    if (bits >= 8) {
      if (out == 16) return std::nullopt;
      k[out++] = static_cast<std::uint8_t>(acc >> (bits - 8));
      bits -= 8;
      acc &= (1u << bits) - 1;
    }
  }
  // 26 characters carry 130 bits: the last 2 must be the zero padding of a generated id.
  if (out != 16 || bits != 2 || acc != 0) return std::nullopt;
  return k;
}

int DecisionIndex::consent_column(std::string_view purpose) const {
  auto it = impl_->consent_cols.find(purpose);
  return it == impl_->consent_cols.end() ? -1 : it->second;
}

int DecisionIndex::objection_column(std::string_view purpose) const {
  auto it = impl_->objection_cols.find(purpose);
  return it == impl_->objection_cols.end() ? -1 : it->second;
}

std::size_t DecisionIndex::size() const {
  std::shared_lock lock(impl_->mu);
  return impl_->count;
}

std::size_t DecisionIndex::memory_bytes() const {
  std::shared_lock lock(impl_->mu);
  return impl_->bytes();
}

std::function<void(const vault::Change&)> DecisionIndex::vault_observer() {
  return [this](const vault::Change& c) { on_vault(c); };
}

std::function<void(const consent::Change&)> DecisionIndex::consent_observer() {
  return [this](const consent::Change& c) { on_consent(c); };
}

void DecisionIndex::on_vault(const vault::Change& change) {
  switch (change.kind) {
    case vault::ChangeKind::kSubjectCreated:
    case vault::ChangeKind::kEventRecorded:
    case vault::ChangeKind::kFieldRectified:
    case vault::ChangeKind::kSubjectUpdated:
    case vault::ChangeKind::kSubjectErased:
      break;
    default:
      return;  // key state: nothing the index holds
  }
  {
    std::lock_guard lock(impl_->pending_mu);
    if (impl_->loading) {
      impl_->pending.insert(impl_->pending.end(), change.subject_ids.begin(),
                            change.subject_ids.end());
      return;
    }
  }
  // Events only move the transaction date, and only in transaction-anchored classes.
  if (change.kind == vault::ChangeKind::kEventRecorded && source_) {
    bool relevant = false;
    for (const auto& field : change.fields) {
      const policy::Field* f = policy_.find_field(field);
      relevant = relevant || !f || source_->transaction_classes().count(f->category) > 0;
    }
    if (!relevant) return;
  }
  Status st = reload(change.subject_ids);
  if (!st.ok()) {
    // Leave them stale: the next lookup retries and reports the error if it persists.
    std::shared_lock lock(impl_->mu);
    for (const auto& id : change.subject_ids) {
      auto key = subject_key(id);
      if (!key) continue;
      std::uint32_t s = impl_->by_id.find(*key, impl_->id_of());
      if (s != kEmpty) impl_->set_stale(s, true);
    }
  }
}

void DecisionIndex::on_consent(const consent::Change& change) {
  {
    std::lock_guard lock(impl_->pending_mu);
    if (impl_->loading) {
      impl_->pending.push_back(change.subject_id);
      return;
    }
  }
  auto key = subject_key(change.subject_id);
  if (!key) return;
  std::shared_lock lock(impl_->mu);
  std::uint32_t s = impl_->by_id.find(*key, impl_->id_of());
  if (s == kEmpty) {
    impl_->unknown_changes.fetch_add(1);
    return;
  }
  impl_->set_stale(s, true);
}

Status DecisionIndex::reload(std::span<const std::string> subject_ids) {
  if (!source_) return make_error(Errc::kUnavailable, "the decision index is not loaded");
  std::lock_guard serial(impl_->reload_mu);
  for (const std::string& id : subject_ids) {
    auto key = subject_key(id);
    if (!key) continue;
    {
      std::shared_lock lock(impl_->mu);
      std::uint32_t s = impl_->by_id.find(*key, impl_->id_of());
      if (s != kEmpty) impl_->set_stale(s, false);  // before reading: a later change re-marks it
    }
    const std::uint64_t unknown_before = impl_->unknown_changes.load();
    auto facts = source_->load(id);
    if (!facts.ok()) {
      if (facts.error().code == Errc::kNotFound) continue;  // not a vault subject
      std::shared_lock lock(impl_->mu);
      std::uint32_t s = impl_->by_id.find(*key, impl_->id_of());
      if (s != kEmpty) impl_->set_stale(s, true);
      return facts.error();
    }
    std::unique_lock lock(impl_->mu);
    bool inserted = false;
    std::uint32_t s = impl_->apply(*key, *facts, &inserted);
    // A consent change for this subject may have been observed before it was in the index.
    if (inserted && impl_->unknown_changes.load() != unknown_before) impl_->set_stale(s, true);
  }
  return ok_status();
}

Result<std::optional<SubjectFacts>> DecisionIndex::facts(std::string_view subject_id) {
  if (!loaded_.load()) return make_error(Errc::kUnavailable, "the decision index is loading");
  auto key = subject_key(subject_id);
  if (!key) return std::optional<SubjectFacts>();
  Impl& m = *impl_;
  for (int attempt = 0;; ++attempt) {
    {
      std::shared_lock lock(m.mu);
      std::uint32_t s = m.by_id.find(*key, m.id_of());
      if (s == kEmpty) return std::optional<SubjectFacts>();
      if (!m.stale(s) || attempt > 0) {
        const std::uint8_t* r = m.row(s);
        auto time = [](std::int64_t us) -> std::optional<Timestamp> {
          if (us == kUnset) return std::nullopt;
          return from_unix_micros(us);
        };
        SubjectFacts f;
        f.id = std::string(subject_id);
        f.vault_status = static_cast<vault::SubjectStatus>(r[32] & 3);
        f.relationship = static_cast<vault::Relationship>((r[32] >> 2) & 3);
        f.restricted = (r[32] & 0x10) != 0;
        f.collected_at = time(Impl::get64(r));
        f.last_contact_at = time(Impl::get64(r + 8));
        f.contract_end = time(Impl::get64(r + 16));
        f.transaction_date = time(Impl::get64(r + 24));
        for (const auto& [purpose, col] : m.consent_cols) {
          ConsentState c;
          c.status = static_cast<ConsentStatus>(r[m.off_cstatus + col]);
          c.at = time(Impl::get64(r + m.off_ctimes + 16 * col));
          c.expires_at = time(Impl::get64(r + m.off_ctimes + 16 * col + 8));
          f.consents.emplace(purpose, c);
        }
        for (const auto& [purpose, col] : m.objection_cols) {
          int bits = (r[m.off_obj + col / 4] >> ((col % 4) * 2)) & 3;
          f.objections.emplace(purpose, ObjectionState{(bits & 1) != 0, (bits & 2) != 0});
        }
        return std::optional<SubjectFacts>(std::move(f));
      }
    }
    // Stale: a consent change is not reflected yet; reload it, then read the row once more.
    const std::string id(subject_id);
    CHARTER_TRY_STATUS(reload(std::span<const std::string>(&id, 1)));
  }
}

void DecisionIndex::reserve(std::size_t n) {
  std::unique_lock lock(impl_->mu);
  impl_->rows.reserve(n * impl_->stride);
  impl_->ids.reserve(n);
  impl_->emails.reserve(n);
  impl_->by_id.reserve(n, impl_->id_of());
  impl_->by_email.reserve(n, impl_->email_of());
}

Status DecisionIndex::put(const SubjectFacts& facts) {
  auto key = subject_key(facts.id);
  if (!key) return make_error(Errc::kInvalidArgument, "subject_id: not a generated subject id");
  std::unique_lock lock(impl_->mu);
  bool inserted = false;
  impl_->apply(*key, facts, &inserted);
  return ok_status();
}

Result<IndexStats> DecisionIndex::load(FactSource& source) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  source_ = &source;
  IndexStats stats;
  Impl& m = *impl_;
  {
    std::unique_lock lock(m.mu);
    store::Store& store = source.vault().store();
    CHARTER_TRY(auto tx, store.read());
    CHARTER_TRY(auto n_row, tx.query_one("SELECT COUNT(*) FROM vault_subjects"));
    std::int64_t n = n_row ? (*n_row)[0].as_int().value_or(0) : 0;
    m.rows.reserve(std::size_t(n) * m.stride);
    m.ids.reserve(std::size_t(n));
    m.emails.reserve(std::size_t(n));
    m.by_id.reserve(std::size_t(n), m.id_of());
    auto opt_us = [](const store::Rows& r, int col) -> std::int64_t {
      if (r.is_null(col)) return kUnset;
      auto v = r.get_int(col);
      return v.ok() ? *v : kUnset;
    };
    {
      CHARTER_TRY(auto rows, tx.query("SELECT subject_id, status, relationship, collected_at, "
                                      "last_contact_at, contract_end FROM vault_subjects"));
      while (true) {
        CHARTER_TRY(bool more, rows.next());
        if (!more) break;
        CHARTER_TRY(auto id, rows.get_text(0));
        auto key = subject_key(id);
        if (!key) {
          ++stats.skipped;
          continue;
        }
        CHARTER_TRY(auto st_text, rows.get_text(1));
        CHARTER_TRY(auto status, vault::parse_status(st_text));
        CHARTER_TRY(auto rel_text, rows.get_text(2));
        CHARTER_TRY(auto rel, vault::parse_relationship(rel_text));
        std::uint32_t s = m.by_id.find(*key, m.id_of());
        if (s == kEmpty) s = m.append(*key);
        m.set_vault(s, status, rel, opt_us(rows, 3), opt_us(rows, 4), opt_us(rows, 5));
      }
    }
    auto slot_of = [&](std::string_view id) -> std::uint32_t {
      auto key = subject_key(id);
      return key ? m.by_id.find(*key, m.id_of()) : kEmpty;
    };
    if (!source.email_field().empty()) {
      m.by_email.reserve(std::size_t(n), m.email_of());
      CHARTER_TRY(auto rows, tx.query("SELECT subject_id, digest FROM vault_blind_indexes WHERE "
                                      "field = ?",
                                      {source.email_field()}));
      while (true) {
        CHARTER_TRY(bool more, rows.next());
        if (!more) break;
        CHARTER_TRY(auto id, rows.get_text(0));
        CHARTER_TRY(auto blob, rows.get_blob(1));
        std::uint32_t s = slot_of(id);
        if (s == kEmpty || blob.size() != 16) continue;
        Key d;
        std::copy(blob.begin(), blob.end(), d.begin());
        m.link_email(s, d);
      }
    }
    if (!source.transaction_classes().empty()) {
      std::string sql = "SELECT subject_id, MAX(occurred_at) FROM vault_events WHERE class IN (";
      bool first = true;
      for (const auto& c : source.transaction_classes()) {
        sql += (first ? "'" : ", '") + c + "'";
        first = false;
      }
      sql += ") GROUP BY subject_id";
      CHARTER_TRY(auto rows, tx.query(sql));
      while (true) {
        CHARTER_TRY(bool more, rows.next());
        if (!more) break;
        CHARTER_TRY(auto id, rows.get_text(0));
        std::uint32_t s = slot_of(id);
        if (s != kEmpty) Impl::put64(m.row(s) + 24, opt_us(rows, 1));
      }
    }
    CHARTER_TRY_STATUS(tx.commit());
    CHARTER_TRY_STATUS(source.ledger().scan_states(
        [&](const std::string& id, const std::string& purpose, const consent::ConsentState& c) {
          auto col = m.consent_cols.find(purpose);
          if (col == m.consent_cols.end()) return;
          std::uint32_t s = slot_of(id);
          if (s != kEmpty) m.set_consent(s, col->second, to_access(c));
        }));
    consent::Objections objections(source.ledger());
    CHARTER_TRY_STATUS(objections.scan_states(
        [&](const std::string& id, const std::string& purpose, const consent::ObjectionState& o) {
          auto col = m.objection_cols.find(purpose);
          if (col == m.objection_cols.end()) return;
          std::uint32_t s = slot_of(id);
          if (s != kEmpty) m.set_objection(s, col->second, to_access(o));
        }));
    consent::Restrictions restrictions(source.ledger());
    CHARTER_TRY_STATUS(
        restrictions.scan_states([&](const std::string& id, const consent::RestrictionState& r) {
          std::uint32_t s = slot_of(id);
          if (s != kEmpty) m.set_restricted(s, r.restricted);
        }));
    stats.subjects = m.count;
    stats.with_email = m.with_email;
  }
  // Changes observed during the scan.
  std::vector<std::string> pending;
  {
    std::lock_guard lock(m.pending_mu);
    m.loading = false;
    pending.swap(m.pending);
  }
  std::sort(pending.begin(), pending.end());
  pending.erase(std::unique(pending.begin(), pending.end()), pending.end());
  CHARTER_TRY_STATUS(reload(pending));
  loaded_.store(true);
  stats.bytes = memory_bytes();
  stats.load_seconds = std::chrono::duration<double>(clock::now() - t0).count();
  return stats;
}

Status DecisionIndex::lookup(KeyKind kind, std::span<const Key> keys, const BulkPlan& plan,
                             Timestamp now, std::span<const char*> reasons) {
  if (!loaded_.load()) return make_error(Errc::kUnavailable, "the decision index is loading");
  Impl& m = *impl_;
  const int ccol = plan.consent_column(), ocol = plan.objection_column();
  std::vector<std::uint32_t> stale_slots;
  auto evaluate_key = [&](std::size_t i, bool collect_stale) -> bool {
    const Key& k = keys[i];
    std::uint32_t s =
        kind == KeyKind::kSubject ? m.by_id.find(k, m.id_of()) : m.by_email.find(k, m.email_of());
    if (s == kEmpty) {
      reasons[i] = reason::kUnknownSubject;
      return true;
    }
    if (collect_stale && m.stale(s)) {
      stale_slots.push_back(s);
      return false;
    }
    if (plan.prefix()) {
      reasons[i] = plan.prefix();
      return true;
    }
    const char* r = plan.evaluate(m.read(s, ccol, ocol), now);
    if (kind == KeyKind::kEmail && !m.email_dups.empty()) {
      // Several subjects share the address: allowed only when every one of them is.
      auto dup = m.email_dups.find(k);
      if (dup != m.email_dups.end()) {
        for (std::uint32_t other : dup->second) {
          if (collect_stale && m.stale(other)) {
            stale_slots.push_back(other);
            return false;
          }
          if (std::string_view(r) == reason::kAllowed)
            r = plan.evaluate(m.read(other, ccol, ocol), now);
        }
      }
    }
    reasons[i] = r;
    return true;
  };
  std::vector<std::size_t> retry;
  {
    std::shared_lock lock(m.mu);
    const SlotTable& table = kind == KeyKind::kSubject ? m.by_id : m.by_email;
    const std::vector<Key>& column = kind == KeyKind::kSubject ? m.ids : m.emails;
    // In groups: prefetch the home buckets, then the key and row of the slot each holds (the
    // usual answer), then evaluate: the three dependent cache misses of a lookup overlap.
    constexpr std::size_t kGroup = 32;
    for (std::size_t g = 0; g < keys.size(); g += kGroup) {
      const std::size_t end = std::min(keys.size(), g + kGroup);
      for (std::size_t i = g; i < end; ++i) {
        if (const std::uint32_t* h = table.home(keys[i])) __builtin_prefetch(h);
      }
      for (std::size_t i = g; i < end; ++i) {
        const std::uint32_t* h = table.home(keys[i]);
        if (!h || *h == kEmpty) continue;
        __builtin_prefetch(&column[*h]);
        const std::uint8_t* r = m.row(*h);
        __builtin_prefetch(r);
        __builtin_prefetch(r + m.stride - 1);
      }
      for (std::size_t i = g; i < end; ++i) {
        if (!evaluate_key(i, true)) retry.push_back(i);
      }
    }
  }
  if (retry.empty()) return ok_status();
  std::vector<std::string> ids;
  {
    std::shared_lock lock(m.mu);
    for (std::uint32_t s : stale_slots) ids.push_back(encode_subject_id(m.ids[s]));
  }
  CHARTER_TRY_STATUS(reload(ids));
  std::shared_lock lock(m.mu);
  for (std::size_t i : retry) evaluate_key(i, false);
  return ok_status();
}

}  // namespace charter::access
