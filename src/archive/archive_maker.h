// The access and portability archive of a subject (GDPR art. 15 and 20; DESIGN.md section 5):
// the subject's data as JSON and CSV, a readable HTML report (data, purposes, categories,
// recipients, retention, sources, rights, the DPO and the CNIL), and a manifest of SHA-256 file
// hashes signed with Ed25519. It is offered through a download link that expires.
//
// This header is the interface the rights module codes against; src/archive implements it.
// Tests of callers use a fake.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace charter::archive {

struct ArchiveRequest {
  std::string subject_id;
  std::string language;      // "fr" or "en"
  bool portability = false;  // art. 20: the data the subject provided, machine-readable
  std::string request_id;    // the data-subject request it answers ("" when none)
};

struct ArchiveLink {
  std::string path;  // relative URL of the download, e.g. "/archives/<token>" (no personal data)
  Timestamp expires_at;
  std::string manifest_sha256;  // hex, of the signed manifest
};

class ArchiveMaker {
 public:
  virtual ~ArchiveMaker() = default;
  // Builds and stores the archive, returns its link. Errors: kNotFound (unknown or erased
  // subject), the vault's and the store's.
  virtual Result<ArchiveLink> make(const ArchiveRequest& request) = 0;
};

}  // namespace charter::archive
