// THE ERASURE SCAN (issue 3). 1,000 subjects get a unique marker in every field and every event.
// First: no marker appears in clear in any file of the store (encryption at rest). Then the sealed
// values, events, wrapped keys and blind indexes of 100 of them are recorded and the 100 are
// erased.
//   SQLite: afterwards charter.db and charter.db-wal hold no marker, no ciphertext, no wrapped
//   key and no blind index of an erased subject (byte search), while other subjects' ciphertexts
//   are still found (the search works).
//   PostgreSQL: deleted rows and WAL keep old bytes, so after the epoch step (key rotation) every
//   leftover ciphertext or wrapped key of an erased subject found anywhere in the server's data
//   folder (CHARTER_TEST_PG_DATA, set by scripts/test.sh) is tried with every key that remains:
//   none opens.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "crypto/ad.h"
#include "crypto/seal.h"
#include "crypto/wrap.h"
#include "vault/test_env.h"

namespace charter::vault {
namespace {

using testing::at;
using testing::VaultTest;

// Many byte strings searched at once: an 8-byte prefix filter (bitmap), then exact compares.
class Needles {
 public:
  std::size_t add(std::string bytes, std::string what) {
    if (bytes.size() < 8) throw std::logic_error("needle shorter than 8 bytes");
    bytes_.push_back(std::move(bytes));
    what_.push_back(std::move(what));
    return bytes_.size() - 1;
  }
  std::size_t add(const crypto::Bytes& b, std::string what) {
    return add(std::string(b.begin(), b.end()), std::move(what));
  }
  void build() {
    filter_.assign(kBits / 8, 0);
    index_.clear();
    for (std::size_t i = 0; i < bytes_.size(); ++i) {
      std::uint64_t p = prefix(bytes_[i].data());
      filter_[slot(p) / 8] |= static_cast<std::uint8_t>(1u << (slot(p) % 8));
      index_.emplace_back(p, i);
    }
    std::sort(index_.begin(), index_.end());
  }
  // Indices of the needles found in `data`.
  void scan(std::string_view data, std::set<std::size_t>* found) const {
    if (data.size() < 8) return;
    for (std::size_t pos = 0; pos + 8 <= data.size(); ++pos) {
      std::uint64_t p = prefix(data.data() + pos);
      std::uint64_t s = slot(p);
      if (!(filter_[s / 8] & (1u << (s % 8)))) continue;
      auto it = std::lower_bound(index_.begin(), index_.end(), std::make_pair(p, std::size_t{0}));
      for (; it != index_.end() && it->first == p; ++it) {
        const std::string& n = bytes_[it->second];
        if (data.size() - pos >= n.size() &&
            std::memcmp(data.data() + pos, n.data(), n.size()) == 0) {
          found->insert(it->second);
        }
      }
    }
  }
  const std::string& bytes(std::size_t i) const { return bytes_[i]; }
  const std::string& what(std::size_t i) const { return what_[i]; }
  std::size_t size() const { return bytes_.size(); }

 private:
  static constexpr std::uint64_t kBits = 1u << 24;
  static std::uint64_t prefix(const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static std::uint64_t slot(std::uint64_t p) { return (p * 0x9E3779B97F4A7C15ull) >> 40; }
  std::vector<std::string> bytes_, what_;
  std::vector<std::uint8_t> filter_;
  std::vector<std::pair<std::uint64_t, std::size_t>> index_;
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary | std::ios::ate);
  std::string out(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return out;
}

// Scans every regular file under `root` (or the listed files) last written at or after `since`
// (a file not written since the test began cannot hold anything the test stored: this skips the
// shared PostgreSQL server's older WAL segments and other tests' tables); returns needle -> files.
std::map<std::size_t, std::set<std::string>> scan_tree(
    const Needles& needles, const std::vector<std::string>& roots, std::size_t* files = nullptr,
    std::filesystem::file_time_type since = std::filesystem::file_time_type::min()) {
  std::map<std::size_t, std::set<std::string>> out;
  std::size_t n = 0;
  auto scan_one = [&](const std::filesystem::path& p) {
    std::error_code ec;
    auto written = std::filesystem::last_write_time(p, ec);
    if (!ec && written < since) return;
    std::set<std::size_t> found;
    needles.scan(read_file(p), &found);
    ++n;
    for (auto i : found) out[i].insert(p.string());
  };
  for (const auto& root : roots) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(root, ec)) {
      scan_one(root);
      continue;
    }
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_regular_file(ec)) scan_one(it->path());
    }
  }
  if (files) *files = n;
  return out;
}

constexpr int kSubjects = 1000;
const char* const kEventFields[] = {"transaction", "order",         "payment_ip",
                                    "device_id",   "connection_ip", "activity_log",
                                    "cookie_data", "product_usage", "support_exchange"};

std::string marker(const char* tag, int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "MARKER-%s-%05d-Zq", tag, i);
  return buf;
}
std::string email_marker(int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "marker-em-%05d-zq@example.com", i);
  return buf;
}
std::string phone_marker(int i) {  // already normalised
  char buf[32];
  std::snprintf(buf, sizeof buf, "+33610%06d", i);
  return buf;
}
std::string ip_marker(int which, int i) {  // canonical inet_ntop form
  char buf[64];
  std::snprintf(buf, sizeof buf, "fd00:4d4b:7a7%d::%x", which, i + 1);
  return buf;
}
std::string event_marker(const std::string& field, int i) {
  if (field == "payment_ip") return ip_marker(1, i);
  if (field == "connection_ip") return ip_marker(2, i);
  std::string tag = field.substr(0, 2);
  for (auto& c : tag) c = static_cast<char>(std::toupper(c));
  return marker((tag + field.substr(field.size() - 2)).c_str(), i);
}

class ErasureScan : public VaultTest {
 protected:
  // Creates the 1,000 subjects with markers everywhere; returns their ids.
  std::vector<std::string> populate() {
    clock_.set(at("2010-03-01T09:00:00Z"));
    std::vector<std::string> ids;
    for (int b = 0; b < kSubjects; b += 100) {
      std::vector<NewSubject> batch;
      for (int i = b; i < b + 100; ++i) {
        NewSubject s;
        s.purposes = {"commercial_relationship", "prospecting"};
        s.relationship = Relationship::kFormerCustomer;
        s.contract_start = at("2009-01-01");
        s.contract_end = at("2010-06-01");
        s.fields = {{"last_name", marker("LN", i)},
                    {"first_name", marker("FN", i)},
                    {"job_title", marker("JT", i)},
                    {"postal_address", marker("PA", i) + "\n59118 Wambrechies"},
                    {"phone", phone_marker(i)},
                    {"email", email_marker(i)}};
        batch.push_back(std::move(s));
      }
      auto r = vault().create_subjects(batch);
      EXPECT_TRUE(r.ok()) << r.error().to_string();
      if (!r.ok()) return {};
      ids.insert(ids.end(), r->begin(), r->end());
    }
    for (int b = 0; b < kSubjects; b += 100) {
      std::vector<NewEvent> events;
      for (int i = b; i < b + 100; ++i) {
        for (const char* f : kEventFields) {
          events.push_back({ids[i], f, at("2010-04-01T10:00:00Z"), event_marker(f, i), {}});
        }
      }
      auto r = vault().record_events(events);
      EXPECT_TRUE(r.ok()) << r.error().to_string();
    }
    return ids;
  }

  void add_markers(Needles& n, int i) {
    for (const char* t : {"LN", "FN", "JT", "PA"}) n.add(marker(t, i), "marker");
    n.add(email_marker(i), "marker");
    n.add(phone_marker(i), "marker");
    for (const char* f : kEventFields) n.add(event_marker(f, i), "marker");
  }

  struct Recorded {
    std::string kind;  // "value", "event", "key", "index"
    std::string subject, field_or_class, item;
    std::uint32_t version = 0;
  };

  // Adds the stored ciphertexts, wrapped keys and blind indexes of `subjects` as needles.
  void record(Needles& n, std::vector<Recorded>& meta, const std::vector<std::string>& subjects) {
    auto tx = store().read();
    ASSERT_TRUE(tx.ok());
    for (const auto& sid : subjects) {
      auto add = [&](const std::string& sql, const std::string& kind) {
        auto rows = tx->query(sql, {sid});
        ASSERT_TRUE(rows.ok()) << rows.error().to_string();
        while (*rows->next()) {
          auto blob = *rows->get_blob(0);
          Recorded r{kind, sid, std::string(*rows->get_text(1)), std::string(*rows->get_text(2)),
                     static_cast<std::uint32_t>(*rows->get_int(3))};
          n.add(crypto::Bytes(blob.begin(), blob.end()), kind);
          meta.push_back(std::move(r));
        }
      };
      add("SELECT sealed, field, '', key_version FROM vault_values WHERE subject_id = ?", "value");
      add("SELECT sealed, field, event_id, key_version FROM vault_events WHERE subject_id = ?",
          "event");
      add("SELECT wrapped, class, '', key_version FROM vault_keys WHERE subject_id = ?", "key");
      add("SELECT digest, field, '', 0 FROM vault_blind_indexes WHERE subject_id = ?", "index");
    }
  }

  std::vector<std::string> erase_every_tenth(const std::vector<std::string>& ids) {
    clock_.set(at("2026-03-02T10:00:00Z"));  // nothing held any more (10 years have passed)
    std::vector<std::string> erased;
    for (std::size_t i = 0; i < ids.size(); i += 10) {
      ErasureRequest req;
      req.subject_id = ids[i];
      req.scrub = false;  // once at the end
      auto r = vault().erase(req);
      EXPECT_TRUE(r.ok()) << r.error().to_string();
      if (r.ok()) {
        EXPECT_TRUE(r->kept.empty());
        EXPECT_EQ(r->destroyed.size(), 7u);  // contact + 6 event classes
      }
      erased.push_back(ids[i]);
    }
    EXPECT_OK(vault().scrub());
    return erased;
  }
};

TEST_P(ErasureScan, NothingOfAnErasedSubjectRemains) {
  // Files not written since now hold nothing of this test (the slack covers coarse mtimes).
  const auto since = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(2);
  std::vector<std::string> ids = populate();
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kSubjects));
  ASSERT_EQ(count("vault_events"), kSubjects * 9);

  const char* pg_data_env = std::getenv("CHARTER_TEST_PG_DATA");
  std::string pg_data = pg_data_env ? pg_data_env : "";
  if (is_pg() && pg_data.empty()) {
    if (store::pg_required()) FAIL() << "CHARTER_TEST_PG_DATA is not set (scripts/test.sh sets it)";
    GTEST_SKIP() << "CHARTER_TEST_PG_DATA is not set: the PostgreSQL data folder is unknown";
  }
  std::vector<std::string> roots;
  if (is_pg()) {
    ASSERT_OK_AND_ASSIGN(auto tx, store().write());
    ASSERT_OK(tx.exec("CHECKPOINT"));  // data pages on disk, not only in shared buffers
    ASSERT_OK(tx.commit());
    roots = {pg_data, key_dir_};
  } else {
    roots = {ts_->folder(), key_dir_};
  }

  // 1. Encryption at rest: no marker of any subject in clear in any file.
  {
    Needles markers;
    for (int i = 0; i < kSubjects; ++i) add_markers(markers, i);
    markers.build();
    std::size_t files = 0;
    auto found = scan_tree(markers, roots, &files, since);
    EXPECT_GT(files, 2u);
    for (const auto& [i, where] : found) {
      ADD_FAILURE() << "marker " << markers.bytes(i) << " in clear in " << *where.begin();
    }
  }

  // 2. Record what the 100 subjects to erase have stored, then erase them.
  std::vector<std::string> doomed;
  for (std::size_t i = 0; i < ids.size(); i += 10) doomed.push_back(ids[i]);
  Needles erased_bytes;
  std::vector<Recorded> meta;
  record(erased_bytes, meta, doomed);
  for (std::size_t i = 0; i < ids.size(); i += 10) add_markers(erased_bytes, static_cast<int>(i));
  ASSERT_EQ(meta.size(), 100u * (6 + 9 + 7 + 2));
  Needles kept_bytes;  // control: ciphertexts of subjects that stay
  std::vector<Recorded> kept_meta;
  record(kept_bytes, kept_meta, {ids[1], ids[2], ids[3]});
  erased_bytes.build();
  kept_bytes.build();
  erase_every_tenth(ids);

  if (!is_pg()) {
    // 3. SQLite: not one byte string of an erased subject in charter.db or charter.db-wal.
    const std::string db = ts_->target() + "/charter.db";
    auto found = scan_tree(erased_bytes, {db, db + "-wal"});
    for (const auto& [i, where] : found) {
      ADD_FAILURE() << erased_bytes.what(i) << " of an erased subject remains in "
                    << *where.begin();
    }
    auto control = scan_tree(kept_bytes, {db, db + "-wal"});
    EXPECT_EQ(control.size(), kept_meta.size()) << "the byte search must find live ciphertexts";
    return;
  }

  // 3'. PostgreSQL: the epoch step, then every leftover is tried with every remaining key.
  ASSERT_OK_AND_ASSIGN(auto rotation, vault().rotate_keys());
  EXPECT_EQ(rotation.destroyed_epochs, std::vector<std::uint32_t>{1});
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store().write());
    ASSERT_OK(tx.exec("CHECKPOINT"));
    ASSERT_OK(tx.commit());
  }
  std::size_t files = 0;
  auto found = scan_tree(erased_bytes, roots, &files, since);
  std::size_t leftovers = 0, leftover_keys = 0, leftover_values = 0;
  for (const auto& [i, where] : found) {
    if (erased_bytes.what(i) == "marker") {
      ADD_FAILURE() << "marker in clear in " << *where.begin();
      continue;
    }
    ++leftovers;
    if (erased_bytes.what(i) == "key") ++leftover_keys;
    if (erased_bytes.what(i) == "value" || erased_bytes.what(i) == "event") ++leftover_values;
  }
  // The leftovers exist (WAL, dead tuples): the test is not vacuous.
  EXPECT_GT(leftover_keys, 0u);
  EXPECT_GT(leftover_values, 0u);
  auto control = scan_tree(kept_bytes, roots, nullptr, since);
  EXPECT_EQ(control.size(), kept_meta.size());

  // Every key that remains: the live epoch keys (as any epoch version), the master key, and every
  // data key still in the store.
  auto ring = vault().keys().ring();
  std::vector<crypto::MasterKey> kek;
  for (std::uint32_t v : ring->ring.versions()) {
    for (std::uint32_t as : {1u, 2u}) {
      kek.push_back(crypto::MasterKey::from_bytes(as, ring->ring.find(v)->key_bytes()).value());
    }
  }
  for (std::uint32_t as : {1u, 2u})
    kek.push_back(crypto::MasterKey::from_bytes(as, master_bytes_).value());
  std::vector<crypto::DataKey> data_keys;
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store().read());
    ASSERT_OK_AND_ASSIGN(
        auto rows, tx.query("SELECT subject_id, class, key_version, wrapped FROM vault_keys"));
    while (*rows.next()) {
      auto k = ring->ring.unwrap(*rows.get_blob(3),
                                 crypto::wrap_ad(*rows.get_text(0), *rows.get_text(1),
                                                 static_cast<std::uint32_t>(*rows.get_int(2))));
      ASSERT_TRUE(k.ok()) << k.error().to_string();
      data_keys.push_back(std::move(k).value());
    }
  }
  EXPECT_EQ(data_keys.size(), 900u * 7);
  std::size_t attempts = 0;
  for (const auto& [i, where] : found) {
    const Recorded& r = meta[i];  // needles were added in meta order, markers after
    if (r.kind == "key") {
      const crypto::Bytes ad = crypto::wrap_ad(r.subject, r.field_or_class, r.version);
      crypto::ByteView wrapped(reinterpret_cast<const std::uint8_t*>(erased_bytes.bytes(i).data()),
                               erased_bytes.bytes(i).size());
      EXPECT_FALSE(ring->ring.unwrap(wrapped, ad).ok());
      for (const auto& k : kek) {
        // Presented under the version recorded in the leftover, so the key is really tried.
        auto as_recorded =
            crypto::MasterKey::from_bytes(*crypto::wrapped_master_version(wrapped), k.key_bytes());
        ASSERT_TRUE(as_recorded.ok());
        EXPECT_FALSE(crypto::unwrap(*as_recorded, wrapped, ad).ok()) << "a remaining key opens "
                                                                        "an erased wrapped key";
        ++attempts;
      }
    } else if (r.kind == "value" || r.kind == "event") {
      const crypto::Bytes ad = crypto::value_ad(r.subject, r.field_or_class, r.version, r.item);
      crypto::ByteView sealed(reinterpret_cast<const std::uint8_t*>(erased_bytes.bytes(i).data()),
                              erased_bytes.bytes(i).size());
      for (const auto& k : data_keys) {
        if (crypto::open(k, sealed, ad).ok()) {
          ADD_FAILURE() << "a remaining data key opens an erased " << r.kind;
        }
        ++attempts;
      }
    }
  }
  RecordProperty("pg_files_scanned", static_cast<int>(files));
  RecordProperty("pg_leftovers", static_cast<int>(leftovers));
  RecordProperty("open_attempts", static_cast<int>(attempts));
  std::printf(
      "PostgreSQL: %zu files scanned, %zu leftovers of erased subjects (%zu wrapped keys, "
      "%zu sealed values/events), %zu open attempts, none opened\n",
      files, leftovers, leftover_keys, leftover_values, attempts);
}

INSTANTIATE_TEST_SUITE_P(Backends, ErasureScan,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::backend_label);

}  // namespace
}  // namespace charter::vault
