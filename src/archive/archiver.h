// Archiver: the archive::ArchiveMaker of `charter serve` (docs/ARCHIVE.md). make() gathers what
// Charter holds on the subject (gather()), renders the files (render_files()), writes and signs
// the manifest, packs everything in one zip and stores it sealed with an expiry (ArchiveStore);
// it returns the download link "/archives/<token>".
//
// Access (art. 15): every value and event, consent history, objections, restrictions, and the
// access history from the audit log. Portability (art. 20): the values and events the subject
// provided or that were observed from their activity (not the records Charter keeps about the
// subject), machine-readable (JSON and CSV), with the same report and signature.
//
// Errors: kNotFound (unknown or erased subject: "no such subject"), kInvalidArgument (language
// not fr/en), the vault's, the ledger's, the audit log's and the store's.
// Thread safety: thread safe as its sources; they must outlive it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "archive/archive_maker.h"
#include "archive/archive_store.h"
#include "archive/zip.h"
#include "audit/history.h"
#include "audit/log_store.h"
#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "policy/model.h"
#include "vault/vault.h"

namespace charter::archive {

struct ArchiveSources {
  vault::Vault* vault = nullptr;  // required
  consent::ConsentLedger* ledger = nullptr;
  consent::Objections* objections = nullptr;
  consent::Restrictions* restrictions = nullptr;
  audit::LogStore* audit_log = nullptr;  // with `pseudonym`: the access history
  std::function<Result<std::string>(std::string_view subject_id)> pseudonym;
};

// What Charter holds on one subject.
struct Dossier {
  vault::SubjectData data;
  std::vector<consent::ConsentEvent> consents;
  std::vector<consent::ObjectionEvent> objections;
  std::vector<consent::RestrictionEvent> restrictions;
  std::vector<audit::AccessRecord> access;
};

struct ManifestInfo {
  std::string archive_id;
  std::string request_id;
  std::string language;
  bool portability = false;
  Timestamp created_at;
  Timestamp expires_at;
};

// The content files (everything but the manifest, its signature and the key), in order.
std::vector<ArchiveFile> render_files(const Dossier& dossier, const policy::Policy& policy,
                                      const ManifestInfo& info);
// manifest.json: format, ids, times, the signing key (hex) and one {name, bytes, sha256} per
// file, in the order given.
std::string make_manifest(const std::vector<ArchiveFile>& files, const ManifestInfo& info,
                          std::string_view subject_id, const crypto::PublicKey& key,
                          std::string_view policy_version);

struct BuiltArchive {
  std::string zip;
  std::string manifest;
  std::string manifest_sha256;  // hex
};

class Archiver final : public ArchiveMaker {
 public:
  Archiver(const policy::Policy& policy, ArchiveSources sources, ArchiveStore& store)
      : policy_(policy), sources_(std::move(sources)), store_(store) {}

  Result<ArchiveLink> make(const ArchiveRequest& request) override;

  Result<Dossier> gather(std::string_view subject_id);
  // The signed zip for `dossier` (not stored).
  Result<BuiltArchive> build(const Dossier& dossier, const ManifestInfo& info);

 private:
  const policy::Policy& policy_;
  ArchiveSources sources_;
  ArchiveStore& store_;
};

}  // namespace charter::archive
