// Getting bytes in: whole files (mapped) for random-access formats, streams
// for text formats.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "io/byte_stream.h"
#include "io/codec/decompress.h"

namespace botrecon::io {

// An immutable in-memory view of a whole input: a mapped file or an owned buffer.
class FileBuffer {
 public:
  virtual ~FileBuffer() = default;
  virtual std::string_view bytes() const = 0;
  const std::string& name() const { return name_; }

  // Maps a regular file (or reads stdin / a non-regular file fully); throws
  // core::IoError. Compressed input is decompressed into memory, at most
  // kMaxDecompressedBufferBytes (else core::InputError).
  static std::shared_ptr<const FileBuffer> Load(const std::string& path);
  // Reads `stream` to its end into a buffer; more than `limit` bytes is a
  // core::InputError (pass kMaxDecompressedBufferBytes for decompressed data).
  static std::shared_ptr<const FileBuffer> FromStream(ByteStream& stream, uint64_t limit = UINT64_MAX);
  // Wraps a buffer (tests, decompressed data).
  static std::shared_ptr<const FileBuffer> FromString(std::string name, std::string data);

 protected:
  std::string name_;
};

// ByteStream (sequential bytes) is declared in io/byte_stream.h.

// A stream whose next bytes can be looked at before they are read (stdin
// included: the looked-at bytes are kept and read again).
class PeekableStream : public ByteStream {
 public:
  explicit PeekableStream(std::unique_ptr<ByteStream> inner);
  // Up to `n` next bytes, fewer only at the end of the input. Valid until the
  // next call of Peek or Read.
  std::string_view Peek(size_t n);
  size_t Read(char* out, size_t n) override;
  uint64_t size() const override { return inner_->size(); }

 private:
  std::unique_ptr<ByteStream> inner_;
  std::string head_;      // peeked bytes not yet read
  size_t head_pos_ = 0;
};

// Opens `path` ("-" = stdin), recognises gzip/bzip2/xz/zstd by the first bytes
// and returns a peekable stream of the decompressed bytes. `compression`, if
// not null, receives what was recognised.
std::unique_ptr<PeekableStream> OpenInputStream(const std::string& path, Compression* compression = nullptr);

// Appends bytes from `stream` to `buffer` until it holds `target` bytes or the
// stream ends (then sets `eof`). Returns the number of bytes appended.
size_t FillBuffer(ByteStream& stream, std::string& buffer, size_t target, bool& eof);

// Reads up to `n` leading bytes of `path` without consuming stdin ("" for "-").
std::string PeekFile(const std::string& path, size_t n);

}  // namespace botrecon::io
