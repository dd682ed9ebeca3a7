// Sequential bytes: the one type both io/input.h (opening files) and
// io/codec/ (decompressing streams) build on, so neither includes the other.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace botrecon::io {

// Sequential bytes: a file, stdin, or an in-memory buffer.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes; returns 0 only at the end. Throws core::IoError.
  virtual size_t Read(char* out, size_t n) = 0;
  // Total size in bytes if known (regular, uncompressed files), else 0.
  virtual uint64_t size() const { return 0; }
  const std::string& name() const { return name_; }

  // Opens `path` ("-" = stdin) and decompresses it if its first bytes say it
  // is compressed (see OpenInputStream). Throws core::IoError naming the path.
  // Defined in io/input.cc.
  static std::unique_ptr<ByteStream> Open(const std::string& path);
  // Opens `path` ("-" = stdin) as it is, without decompressing.
  static std::unique_ptr<ByteStream> OpenRaw(const std::string& path);
  static std::unique_ptr<ByteStream> FromString(std::string name, std::string data);

 protected:
  std::string name_;
};

}  // namespace botrecon::io
