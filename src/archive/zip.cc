#include "archive/zip.h"

#include <zip.h>

#include <memory>

namespace charter::archive {
namespace {

Error zip_failure(const char* what, zip_error_t* err) {
  std::string m = std::string("zip: ") + what + ": " + zip_error_strerror(err);
  return make_error(Errc::kInternal, m);
}

}  // namespace

Result<std::string> make_zip(const std::vector<ArchiveFile>& files, Timestamp mtime) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src) {
    Error e = zip_failure("buffer", &err);
    zip_error_fini(&err);
    return e;
  }
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!za) {
    Error e = zip_failure("open", &err);
    zip_source_free(src);
    zip_error_fini(&err);
    return e;
  }
  zip_error_fini(&err);
  zip_source_keep(src);
  const time_t t =
      std::chrono::duration_cast<std::chrono::seconds>(mtime.time_since_epoch()).count();
  for (const auto& f : files) {
    zip_source_t* data = zip_source_buffer(za, f.bytes.data(), f.bytes.size(), 0);
    if (!data) {
      zip_discard(za);
      zip_source_free(src);
      return make_error(Errc::kInternal, "zip: cannot add a file");
    }
    zip_int64_t idx = zip_file_add(za, f.name.c_str(), data, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
      zip_source_free(data);
      std::string m = std::string("zip: cannot add ") + f.name + ": " + zip_strerror(za);
      zip_discard(za);
      zip_source_free(src);
      return make_error(Errc::kInternal, m);
    }
    zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 1);
    zip_file_set_mtime(za, static_cast<zip_uint64_t>(idx), t, 0);
  }
  if (zip_close(za) < 0) {
    std::string m = std::string("zip: cannot write: ") + zip_strerror(za);
    zip_discard(za);
    zip_source_free(src);
    return make_error(Errc::kInternal, m);
  }
  std::string out;
  if (zip_source_open(src) < 0) {
    zip_source_free(src);
    return make_error(Errc::kInternal, "zip: cannot read back");
  }
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  out.resize(static_cast<std::size_t>(size < 0 ? 0 : size));
  zip_int64_t got =
      size > 0 ? zip_source_read(src, out.data(), static_cast<zip_uint64_t>(size)) : 0;
  zip_source_close(src);
  zip_source_free(src);
  if (got != size) return make_error(Errc::kInternal, "zip: short read back");
  return out;
}

Result<std::map<std::string, std::string>> read_zip(std::string_view bytes) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) {
    zip_error_fini(&err);
    return make_error(Errc::kInvalidArgument, "not a zip file");
  }
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &err);
  zip_error_fini(&err);
  if (!za) {
    zip_source_free(src);
    return make_error(Errc::kInvalidArgument, "not a zip file");
  }
  std::map<std::string, std::string> out;
  zip_int64_t n = zip_get_num_entries(za, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    if (zip_stat_index(za, static_cast<zip_uint64_t>(i), 0, &st) != 0) continue;
    zip_file_t* f = zip_fopen_index(za, static_cast<zip_uint64_t>(i), 0);
    if (!f) {
      zip_close(za);
      return make_error(Errc::kInvalidArgument, "zip entry cannot be read");
    }
    std::string data(static_cast<std::size_t>(st.size), '\0');
    zip_int64_t got = zip_fread(f, data.data(), st.size);
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(st.size)) {
      zip_close(za);
      return make_error(Errc::kInvalidArgument, "zip entry is truncated");
    }
    out[st.name] = std::move(data);
  }
  zip_close(za);
  return out;
}

}  // namespace charter::archive
