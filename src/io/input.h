// Getting bytes in: whole files (mapped) for random-access formats, streams
// for text formats.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace botrecon::io {

// An immutable in-memory view of a whole input: a mapped file or an owned buffer.
class FileBuffer {
 public:
  virtual ~FileBuffer() = default;
  virtual std::string_view bytes() const = 0;
  const std::string& name() const { return name_; }

  // Maps a regular file (or reads stdin / a non-regular file fully); throws core::IoError.
  static std::shared_ptr<const FileBuffer> Load(const std::string& path);
  // Wraps a buffer (tests, decompressed data).
  static std::shared_ptr<const FileBuffer> FromString(std::string name, std::string data);

 protected:
  std::string name_;
};

// Sequential bytes: a file, stdin, or an in-memory buffer.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes; returns 0 only at the end. Throws core::IoError.
  virtual size_t Read(char* out, size_t n) = 0;
  // Total size in bytes if known (regular, uncompressed files), else 0.
  virtual uint64_t size() const { return 0; }
  const std::string& name() const { return name_; }

  // Opens `path` ("-" = stdin). Throws core::IoError naming the path.
  static std::unique_ptr<ByteStream> Open(const std::string& path);
  static std::unique_ptr<ByteStream> FromString(std::string name, std::string data);

 protected:
  std::string name_;
};

// Reads up to `n` leading bytes of `path` without consuming stdin ("" for "-").
std::string PeekFile(const std::string& path, size_t n);

}  // namespace botrecon::io
