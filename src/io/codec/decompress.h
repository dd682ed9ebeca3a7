// Transparent decompression of inputs: gzip (also multi-member), bzip2 (also
// multi-stream), xz and zstd, recognised by their magic bytes, never by the
// file name. ByteStream::Open and FileBuffer::Load use this, so every reader
// sees decompressed bytes.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "io/byte_stream.h"

namespace botrecon::io {

enum class Compression { kNone, kGzip, kBzip2, kXz, kZstd };

// Bytes DetectCompression needs to be sure (it accepts fewer).
inline constexpr size_t kCompressionMagicBytes = 10;

// Identifies the compression of data starting with `head`.
Compression DetectCompression(std::string_view head);
// "gzip", "bzip2", "xz", "zstd" or "none".
const char* CompressionName(Compression compression);

// Largest decompressed size FileBuffer::Load accepts for a compressed input
// (formats read as a whole: json documents, parquet, feather, ...). Streamed
// text formats (csv, fwf, json lines) have no such limit.
inline constexpr uint64_t kMaxDecompressedBufferBytes = uint64_t{4} << 30;

// Memory the xz decoder may use (xz -9 needs 65 MiB).
inline constexpr uint64_t kMaxXzDecoderMemory = uint64_t{1} << 30;

// Wraps `raw` (compressed bytes) in a stream of the decompressed bytes.
// Corrupt or truncated data makes Read throw core::InputError naming the stream.
std::unique_ptr<ByteStream> MakeDecompressingStream(std::unique_ptr<ByteStream> raw, Compression compression);

}  // namespace botrecon::io
