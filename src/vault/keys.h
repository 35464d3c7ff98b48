// KeyService: the vault's key hierarchy (docs/CRYPTO.md sections 1, 8, 9; docs/VAULT.md "Keys").
//
//   master key M_m (operator: key file | CHARTER_MASTER_KEY | passphrase), version m
//     wraps epoch keys E_n, each in its own file <key_dir>/epoch-<n>.m<m>.key (mode 0600), never
//     in the database
//       the ring of live epoch keys wraps, in the database, every data key (vault_keys) and the
//       system root (vault_system_keys), from which the blind-index keys are derived.
//
// Rotation (`rotate`): a new epoch n+1 becomes current (new data keys are wrapped under it at
// once, in every process: writers check the store's current epoch in each write transaction),
// every wrapped key under an older epoch is rewrapped in batches while the vault stays in use,
// then the old epochs are destroyed: marked destroyed in the store, their files overwritten and
// unlinked, dropped from memory. After that, leftover copies of keys wrapped under them (dead
// PostgreSQL tuples, WAL, backups) can no longer be unwrapped by anyone: that is what completes
// an erasure on PostgreSQL. `rotate_master` rewraps the epoch files under a new master key.
// Both can resume after a crash: `rotate` finishes a rotation left half done.
//
// Contract: one KeyService per Store and key folder in a process; several processes may share a
// store and a key folder (they pick up new epochs from the folder). Thread safe: ring() returns
// an immutable snapshot; rotations are serialised. Keys never appear in errors or logs.
// Errors: kFailedPrecondition (not initialised; wrong master key; master rotated elsewhere),
// kAlreadyExists (initialised already), kIntegrity (an epoch file or wrapped key does not open),
// kNotFound (an epoch file is missing), the store's errors.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/blind_index.h"
#include "crypto/key_ring.h"
#include "crypto/master_key.h"
#include "store/store.h"
#include "vault/change.h"

namespace charter::vault {

// Where the master key comes from, in this order: `key_file` (--key-file) if set; else the
// environment variable `env_var` if set and non-empty; else `default_file`
// (<data>/keys/master.key). Files must be mode 0600 (crypto/key_source.h).
struct MasterKeySource {
  std::string key_file;
  std::string env_var = "CHARTER_MASTER_KEY";
  std::string default_file;

  // "key file <path>" or "environment variable <name>" (never the key).
  std::string describe() const;
};

Result<crypto::MasterKey> load_master_key(const MasterKeySource& source, std::uint32_t version);

// <data>/keys: the key folder (epoch files, and the default master key file).
std::string key_dir_of(const std::string& data_folder);
std::string default_master_file(const std::string& data_folder);

// The file name of epoch `epoch` wrapped under master version `master`: "epoch-3.m1.key".
std::string epoch_file_name(std::uint32_t epoch, std::uint32_t master);

// Called inside each key-management write transaction (Vault::commit_change).
using Journal = std::function<Status(store::Transaction&, const Change&)>;

struct EpochInfo {
  std::uint32_t epoch = 0;
  std::string key_id;
  Timestamp created_at;
  std::optional<Timestamp> retiring_at;
  std::optional<Timestamp> destroyed_at;
};

struct RotationReport {
  std::uint32_t epoch = 0;                      // the current epoch afterwards
  std::vector<std::uint32_t> destroyed_epochs;  // destroyed by this rotation
  std::int64_t keys_rewrapped = 0;              // data keys
  std::int64_t system_keys_rewrapped = 0;
  int batches = 0;
};

struct MasterRotationReport {
  std::uint32_t from_version = 0;
  std::uint32_t to_version = 0;
  std::string key_id;  // id of the new master key
  int epoch_files = 0;
};

// The live epoch keys at one moment, and which one new keys are wrapped under.
struct EpochRing {
  crypto::KeyRing ring;
  std::uint32_t current = 0;
};

class KeyService {
 public:
  // Creates the key state of an empty vault: epoch 1 (file in key_dir, created if missing with
  // mode 0700), the system root, master version 1 (`master` must have version 1).
  // Errors: kAlreadyExists (initialised already, or an epoch-1 file exists in key_dir).
  static Status initialize(store::Store& store, const std::string& key_dir,
                           const crypto::MasterKey& master, const Clock& clock, Random& random,
                           const Journal& journal = {});
  // Whether the store's key state exists; the master key version it expects.
  static Result<bool> initialized(store::Store& store);
  static Result<std::uint32_t> master_version(store::Store& store);

  // Loads the epoch keys and the system root. Destroys leftover files of destroyed epochs and of
  // other master versions (a crash in the middle of a rotation).
  static Result<std::unique_ptr<KeyService>> open(store::Store& store, std::string key_dir,
                                                  crypto::MasterKey master, const Clock& clock,
                                                  Random& random);

  ~KeyService();

  std::shared_ptr<const EpochRing> ring() const;

  // The blind-index key of a field (derived from the system root; cached).
  Result<const crypto::BlindIndexKey*> blind_index_key(std::string_view field);
  // The audit pseudonym key (crypto/kdf.h context "chpseudo", id 1, of the system root; see
  // crypto/pseudonym.h): a copy, for the audit trail. kFailedPrecondition if keys are not loaded.
  Result<crypto::SecretKey> pseudonym_key() const;

  // In a write transaction about to wrap new keys: the ring whose current epoch is the store's
  // current epoch (reloading the key folder if another process started an epoch). On
  // PostgreSQL the vault_state row is read FOR SHARE, so a rotation's switch waits for this
  // transaction and no key is wrapped under an epoch after it stopped being current.
  Result<std::shared_ptr<const EpochRing>> ring_for_write(store::Transaction& tx);

  // Re-reads the store's epochs and reloads the ring when they changed (new epoch from another
  // process, destroyed epochs dropped).
  Status refresh();

  Result<RotationReport> rotate(const Journal& journal, std::size_t batch = 1000);
  // `next` must have version master_version()+1. Afterwards the old master key is no longer
  // needed; the caller destroys its file if it was one.
  Result<MasterRotationReport> rotate_master(crypto::MasterKey next, const Journal& journal);

  std::uint32_t master_version() const;
  const std::string& key_dir() const { return key_dir_; }
  Result<std::vector<EpochInfo>> epochs();

 private:
  KeyService(store::Store& store, std::string key_dir, crypto::MasterKey master, const Clock& clock,
             Random& random);
  Status load(store::Transaction& tx);
  Result<std::shared_ptr<const EpochRing>> build_ring(const std::vector<EpochInfo>& live,
                                                      std::uint32_t current);
  Result<crypto::MasterKey> read_epoch(std::uint32_t epoch, const std::string& key_id,
                                       const crypto::MasterKey& master);
  Status cleanup_files(const std::vector<EpochInfo>& all);
  Result<std::int64_t> rewrap_batch(std::uint32_t target, std::size_t batch, bool system,
                                    const Journal& journal);
  Status start_epoch(std::uint32_t previous, std::uint32_t target, const Journal& journal);
  // nullopt while keys under older epochs remain; else the epochs destroyed (maybe none).
  Result<std::optional<std::vector<std::uint32_t>>> destroy_old_epochs(std::uint32_t target,
                                                                       const Journal& journal);
  void set_ring(std::shared_ptr<const EpochRing> ring);

  store::Store& store_;
  std::string key_dir_;
  crypto::MasterKey master_;
  const Clock& clock_;
  Random& random_;

  mutable std::mutex ring_mu_;
  std::shared_ptr<const EpochRing> ring_;
  std::mutex rotate_mu_;  // one rotation (epoch or master) at a time; taken before refresh_mu_
  mutable std::mutex refresh_mu_;  // one reload of the ring at a time
  mutable std::mutex index_mu_;
  std::optional<crypto::SecretKey> blind_root_;
  std::optional<crypto::SecretKey> pseudonym_key_;  // index_mu_
  std::map<std::string, std::unique_ptr<crypto::BlindIndexKey>, std::less<>> index_keys_;
};

}  // namespace charter::vault
