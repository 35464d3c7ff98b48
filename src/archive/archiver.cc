#include "archive/archiver.h"

#include "core/id.h"
#include "crypto/hash.h"

namespace charter::archive {
namespace {

crypto::ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Result<Dossier> Archiver::gather(std::string_view subject_id) {
  Dossier d;
  if (!sources_.vault) return make_error(Errc::kInternal, "archive: no vault");
  auto info = sources_.vault->subject(subject_id);
  if (!info.ok()) {
    if (info.error().code == Errc::kNotFound) return make_error(Errc::kNotFound, "no such subject");
    return std::move(info).error();
  }
  if (info->status == vault::SubjectStatus::kErased)
    return make_error(Errc::kNotFound, "no such subject");
  CHARTER_TRY(d.data, sources_.vault->export_subject(subject_id));
  if (sources_.ledger) {
    CHARTER_TRY(d.consents, sources_.ledger->history(subject_id));
  }
  if (sources_.objections) {
    CHARTER_TRY(d.objections, sources_.objections->history(subject_id));
  }
  if (sources_.restrictions) {
    CHARTER_TRY(d.restrictions, sources_.restrictions->history(subject_id));
  }
  if (sources_.audit_log && sources_.pseudonym) {
    CHARTER_TRY(auto pseudonym, sources_.pseudonym(subject_id));
    audit::HistoryQuery q;
    q.limit = 1000;
    for (int page = 0; page < 100; ++page) {
      CHARTER_TRY(auto rows, audit::access_history(*sources_.audit_log, pseudonym, q));
      if (rows.empty()) break;
      q.from_sequence = rows.back().sequence + 1;
      const bool last = rows.size() < q.limit;
      for (auto& r : rows) d.access.push_back(std::move(r));
      if (last) break;
    }
  }
  return d;
}

Result<BuiltArchive> Archiver::build(const Dossier& dossier, const ManifestInfo& info) {
  std::vector<ArchiveFile> files = render_files(dossier, policy_, info);
  BuiltArchive out;
  out.manifest =
      make_manifest(files, info, dossier.data.info.id, store_.public_key(), policy_.version);
  out.manifest_sha256 = to_hex(crypto::sha256(view(out.manifest)));
  const crypto::Signature sig = store_.signer().sign(view(out.manifest));
  files.insert(files.begin(), ArchiveFile{"manifest.json", out.manifest});
  files.insert(files.begin() + 1,
               ArchiveFile{"manifest.sig",
                           std::string(reinterpret_cast<const char*>(sig.data()), sig.size())});
  files.insert(files.begin() + 2,
               ArchiveFile{"signing-key.pem", public_key_pem(store_.public_key())});
  CHARTER_TRY(out.zip, make_zip(files, info.created_at));
  return out;
}

Result<ArchiveLink> Archiver::make(const ArchiveRequest& request) {
  if (request.language != "fr" && request.language != "en")
    return make_error(Errc::kInvalidArgument, "language: must be fr or en");
  CHARTER_TRY(auto dossier, gather(request.subject_id));
  ManifestInfo info;
  info.archive_id = store_.new_archive_id();
  info.request_id = request.request_id;
  info.language = request.language;
  info.portability = request.portability;
  info.created_at = store_.clock().now();
  info.expires_at = store_.expiry_from(info.created_at);
  CHARTER_TRY(auto built, build(dossier, info));
  CHARTER_TRY(auto stored, store_.put(info.archive_id, request.subject_id, request.request_id,
                                      built.manifest_sha256, built.zip, info.created_at));
  ArchiveLink link;
  link.path = "/archives/" + stored.token;
  link.expires_at = stored.expires_at;
  link.manifest_sha256 = built.manifest_sha256;
  return link;
}

}  // namespace charter::archive
