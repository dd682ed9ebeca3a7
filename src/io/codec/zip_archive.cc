#include "io/codec/zip_archive.h"

#include <zip.h>

#include <algorithm>

#include "core/error.h"

namespace botrecon::io::codec {
namespace {

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw core::InputError(where + ": " + what);
}

}  // namespace

ZipPartStream::~ZipPartStream() { zip_fclose(file_); }

size_t ZipPartStream::Read(char* out, size_t n) {
  if (done_) return 0;
  // Ask for one byte more than declared so that a longer stream is noticed.
  uint64_t room = declared_ - produced_ + 1;
  zip_int64_t got = zip_fread(file_, out, static_cast<zip_uint64_t>(std::min<uint64_t>(n, room)));
  if (got < 0) Fail(where_, std::string("cannot inflate: ") + zip_error_strerror(zip_file_get_error(file_)));
  produced_ += static_cast<uint64_t>(got);
  if (produced_ > declared_) {
    Fail(where_, "inflates to more than its declared size of " + std::to_string(declared_) + " bytes");
  }
  if (got == 0) {
    done_ = true;
    if (produced_ != declared_) {
      Fail(where_, "inflates to " + std::to_string(produced_) + " bytes, but its declared size is " +
                       std::to_string(declared_));
    }
  }
  return static_cast<size_t>(got);
}

ZipArchive::ZipArchive(std::string name, std::string_view bytes, std::string_view kind) : name_(std::move(name)) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    Fail(name_, "cannot read the zip container: " + message);
  }
  zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip_ == nullptr) {
    zip_source_free(source);
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    Fail(name_, "not a valid " + std::string(kind) + " file (zip container: " + message + ")");
  }
  zip_error_fini(&error);
}

ZipArchive::~ZipArchive() { zip_discard(zip_); }

std::unique_ptr<ZipPartStream> ZipArchive::Open(const std::string& part, uint64_t max_bytes) const {
  std::optional<zip_uint64_t> index = Locate(part);
  if (!index) Fail(name(), "part '" + part + "' is missing from the archive");
  std::string where = name() + ": " + part;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_, *index, 0, &st) != 0) {
    Fail(where, std::string("cannot read the zip entry: ") + zip_strerror(zip_));
  }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE) {
    Fail(where, "the zip entry is encrypted (password-protected workbooks are not supported)");
  }
  if ((st.valid & ZIP_STAT_COMP_METHOD) == 0 || (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)) {
    Fail(where, "unsupported zip compression method " + std::to_string(st.comp_method) +
                    " (only stored and deflated entries are supported)");
  }
  if ((st.valid & ZIP_STAT_SIZE) == 0) Fail(where, "the zip entry does not declare its size");
  if (st.size > max_bytes) {
    Fail(where, "declared uncompressed size " + std::to_string(st.size) + " bytes exceeds the limit of " +
                    std::to_string(max_bytes) + " bytes");
  }
  zip_file_t* handle = zip_fopen_index(zip_, *index, 0);
  if (handle == nullptr) Fail(where, std::string("cannot open the zip entry: ") + zip_strerror(zip_));
  return std::make_unique<ZipPartStream>(handle, where, st.size);
}

std::string ZipArchive::ReadAll(const std::string& part, uint64_t max_bytes) const {
  auto stream = Open(part, max_bytes);
  std::string out(static_cast<size_t>(stream->declared()), '\0');
  size_t filled = 0;
  for (;;) {
    if (filled == out.size()) out.resize(out.size() + 1);  // room to detect a longer stream
    size_t got = stream->Read(out.data() + filled, out.size() - filled);
    if (got == 0) break;
    filled += got;
  }
  out.resize(filled);
  return out;
}

std::optional<uint64_t> ZipArchive::Locate(const std::string& part) const {
  // Part names are case-insensitive in the Open Packaging Conventions.
  zip_int64_t index = zip_name_locate(zip_, part.c_str(), 0);
  if (index < 0) index = zip_name_locate(zip_, part.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::nullopt;
  return static_cast<zip_uint64_t>(index);
}

}  // namespace botrecon::io::codec
