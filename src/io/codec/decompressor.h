// Whole-buffer decompression for the formats that compress their own blocks
// (parquet pages, feather/Arrow IPC buffers): one Decompressor interface for
// gzip, zstd, snappy, LZ4 (raw block, Hadoop framing, frame format). Inputs
// compressed as a whole (gzip/bzip2/xz/zstd files) go through
// io/codec/decompress.h instead; zip containers through io/codec/zip_archive.h.
//
// A Decompressor reports what went wrong (DecompressResult) and leaves the
// wording of the error to the reader, which knows what the block is.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace botrecon::io::codec {

enum class Codec {
  kGzip,       // deflate with a zlib or gzip header, members one after another
  kZstd,       // zstd frames
  kSnappy,     // a raw snappy block
  kLz4Block,   // a raw LZ4 block
  kLz4Hadoop,  // Hadoop's LZ4 framing, else a raw LZ4 block (as Arrow reads parquet's LZ4)
  kLz4Frame,   // the LZ4 frame format
};

struct DecompressResult {
  enum class Status {
    kOk,
    kCorrupt,    // the codec rejected the data (`detail`: the library's words, may be empty)
    kOverflow,   // more bytes came out than there was room for
    kTruncated,  // the data ended in the middle (growing decompression)
    kDamaged,    // no progress before the end of the data (growing decompression)
  };
  Status status = Status::kOk;
  size_t produced = 0;  // bytes written
  std::string detail;

  bool ok() const { return status == Status::kOk; }
};

class Decompressor {
 public:
  virtual ~Decompressor() = default;

  // The size the data says it decompresses to, where the format says it
  // (snappy's length header, a zstd frame's content size); nullopt when it
  // does not say. `bad_header` is set when the header cannot be read.
  virtual std::optional<uint64_t> DeclaredSize(std::string_view src, bool& bad_header) const;

  // Decompresses all of `src` into dst[0, capacity). `produced` may be less
  // than `capacity`: the caller compares it with what it expects.
  virtual DecompressResult Decompress(std::string_view src, char* dst, size_t capacity) = 0;

  // Streaming codecs (zstd, LZ4 frame): decompresses all of `src`, which
  // claims to hold `size` bytes, into `out`, growing it as bytes actually
  // come out (a claimed size is never allocated up front). Others throw
  // core::InternalError.
  virtual DecompressResult DecompressGrowing(std::string_view src, uint64_t size, std::string& out);
};

// A decompressor for `codec`, reusable for any number of buffers.
std::unique_ptr<Decompressor> MakeDecompressor(Codec codec);

}  // namespace botrecon::io::codec
