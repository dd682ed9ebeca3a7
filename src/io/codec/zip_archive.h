// Zip containers (.xlsx): parts located by name (case-insensitively, as the
// Open Packaging Conventions say), checked before inflating (size, method,
// encryption) and streamed, each checked against its declared size.
// Errors are core::InputError "<container>[: <part>]: <what>".
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct zip;
struct zip_file;

namespace botrecon::io::codec {

// Sequential inflated bytes of one part, checked against its declared size.
class ZipPartStream {
 public:
  ZipPartStream(zip_file* file, std::string where, uint64_t declared)
      : file_(file), where_(std::move(where)), declared_(declared) {}
  ~ZipPartStream();
  ZipPartStream(const ZipPartStream&) = delete;
  ZipPartStream& operator=(const ZipPartStream&) = delete;

  // Reads up to `n` bytes; 0 at the end of the part. Throws core::InputError.
  size_t Read(char* out, size_t n);
  uint64_t produced() const { return produced_; }
  uint64_t remaining() const { return produced_ < declared_ ? declared_ - produced_ : 0; }
  uint64_t declared() const { return declared_; }
  const std::string& where() const { return where_; }

 private:
  zip_file* file_;
  std::string where_;
  uint64_t declared_;
  uint64_t produced_ = 0;
  bool done_ = false;
};

class ZipArchive {
 public:
  // Opens the zip container in `bytes` (which must outlive it), called `name`
  // in messages; `kind` (".xlsx") names the file type in the message about a
  // broken container.
  ZipArchive(std::string name, std::string_view bytes, std::string_view kind);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::string& name() const { return name_; }

  bool Has(const std::string& part) const { return Locate(part).has_value(); }

  // Opens `part` for streaming after checking its entry (size, method, encryption).
  std::unique_ptr<ZipPartStream> Open(const std::string& part, uint64_t max_bytes) const;

  // Reads a whole small part (at most `max_bytes`).
  std::string ReadAll(const std::string& part, uint64_t max_bytes) const;

 private:
  std::optional<uint64_t> Locate(const std::string& part) const;

  std::string name_;
  zip* zip_ = nullptr;
};

}  // namespace botrecon::io::codec
