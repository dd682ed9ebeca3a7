#include "io/codec/decompress.h"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "core/error.h"
#include "io/byte_stream.h"

namespace botrecon::io {
namespace {

constexpr size_t kInputBlock = 1 << 16;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Shared input handling of the decoders: a block of compressed bytes, refilled
// from the raw stream, and the compressed offset for error messages.
class DecoderStream : public ByteStream {
 public:
  DecoderStream(std::unique_ptr<ByteStream> raw, const char* format)
      : raw_(std::move(raw)), format_(format), in_(kInputBlock, '\0') {
    name_ = raw_->name();
  }

 protected:
  // Reads the next block of compressed bytes; false at the end of the raw stream.
  bool Refill() {
    if (raw_eof_) return false;
    in_len_ = raw_->Read(in_.data(), in_.size());
    in_start_offset_ += in_consumed_before_;
    in_consumed_before_ = in_len_;
    if (in_len_ == 0) raw_eof_ = true;
    return in_len_ > 0;
  }
  // Compressed offset of the byte at `remaining` bytes before the end of the block.
  uint64_t OffsetAt(size_t remaining) const { return in_start_offset_ + (in_len_ - remaining); }

  [[noreturn]] void Corrupt(uint64_t offset, const std::string& what) const {
    throw core::InputError(name_ + ": corrupt " + format_ + " data near compressed byte " + std::to_string(offset) +
                           ": " + what);
  }
  [[noreturn]] void Truncated() const {
    throw core::InputError(name_ + ": " + format_ + " data ends unexpectedly after " +
                           std::to_string(in_start_offset_ + in_len_) + " compressed bytes (truncated file?)");
  }

  std::unique_ptr<ByteStream> raw_;
  const char* format_;
  std::string in_;
  size_t in_len_ = 0;
  bool raw_eof_ = false;
  bool finished_ = false;

 private:
  uint64_t in_start_offset_ = 0;
  size_t in_consumed_before_ = 0;
};

// gzip, one member after another (as `gzip -d` does); zero padding after the
// last member is ignored, anything else after it is an error.
class GzipStream : public DecoderStream {
 public:
  explicit GzipStream(std::unique_ptr<ByteStream> raw) : DecoderStream(std::move(raw), "gzip") {
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw core::InternalError("inflateInit2 failed");
  }
  ~GzipStream() override { inflateEnd(&z_); }

  size_t Read(char* out, size_t n) override {
    if (finished_ || n == 0) return 0;
    n = std::min<size_t>(n, UINT_MAX);
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out == n) {
      if (z_.avail_in == 0 && Refill()) {
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(in_len_);
      }
      const bool at_end = z_.avail_in == 0;
      if (!in_member_) {
        if (at_end) {
          finished_ = true;
          break;
        }
        // Between members: skip zero padding; anything else must be a new member.
        while (z_.avail_in > 0 && *z_.next_in == 0) {
          ++z_.next_in;
          --z_.avail_in;
          padding_ = true;
        }
        if (z_.avail_in == 0) continue;
        if (padding_ || *z_.next_in != 0x1f) {
          Corrupt(OffsetAt(z_.avail_in), "unexpected data after the end of the gzip stream");
        }
        in_member_ = true;
      }
      int ret = inflate(&z_, Z_NO_FLUSH);
      if (ret == Z_STREAM_END) {
        in_member_ = false;
        inflateReset(&z_);
      } else if (ret == Z_BUF_ERROR || (ret == Z_OK && z_.avail_out == n)) {
        // No progress: more input is needed.
        if (at_end) Truncated();
        if (z_.avail_in > 0 && ret == Z_BUF_ERROR) Corrupt(OffsetAt(z_.avail_in), "inflate made no progress");
      } else if (ret != Z_OK) {
        Corrupt(OffsetAt(z_.avail_in), z_.msg != nullptr ? z_.msg : "inflate error " + std::to_string(ret));
      }
    }
    return n - z_.avail_out;
  }

 private:
  z_stream z_{};
  bool in_member_ = false;
  bool padding_ = false;
};

// bzip2, one stream after another (as pbzip2 writes).
class Bzip2Stream : public DecoderStream {
 public:
  explicit Bzip2Stream(std::unique_ptr<ByteStream> raw) : DecoderStream(std::move(raw), "bzip2") {}
  ~Bzip2Stream() override {
    if (in_stream_) BZ2_bzDecompressEnd(&bz_);
  }

  size_t Read(char* out, size_t n) override {
    if (finished_ || n == 0) return 0;
    n = std::min<size_t>(n, UINT_MAX);
    bz_.next_out = out;
    bz_.avail_out = static_cast<unsigned>(n);
    while (bz_.avail_out == n) {
      if (bz_.avail_in == 0 && Refill()) {
        bz_.next_in = in_.data();
        bz_.avail_in = static_cast<unsigned>(in_len_);
      }
      const bool at_end = bz_.avail_in == 0;
      if (!in_stream_) {
        if (at_end) {
          finished_ = true;
          break;
        }
        // The next stream starts with the remaining input.
        char* next_in = bz_.next_in;
        unsigned avail_in = bz_.avail_in;
        bz_ = bz_stream{};
        if (BZ2_bzDecompressInit(&bz_, 0, 0) != BZ_OK) throw core::InternalError("BZ2_bzDecompressInit failed");
        bz_.next_in = next_in;
        bz_.avail_in = avail_in;
        bz_.next_out = out;
        bz_.avail_out = static_cast<unsigned>(n);
        in_stream_ = true;
      }
      int ret = BZ2_bzDecompress(&bz_);
      if (ret == BZ_STREAM_END) {
        BZ2_bzDecompressEnd(&bz_);
        in_stream_ = false;
      } else if (ret == BZ_OK) {
        if (at_end && bz_.avail_out == n) Truncated();
      } else {
        const char* what = ret == BZ_DATA_ERROR_MAGIC ? "not bzip2 data (bad stream header)"
                           : ret == BZ_MEM_ERROR      ? "out of memory"
                                                      : "data integrity error";
        Corrupt(OffsetAt(bz_.avail_in), what);
      }
    }
    return n - bz_.avail_out;
  }

 private:
  bz_stream bz_{};
  bool in_stream_ = false;
};

// xz (also concatenated streams).
class XzStream : public DecoderStream {
 public:
  explicit XzStream(std::unique_ptr<ByteStream> raw) : DecoderStream(std::move(raw), "xz") {
    if (lzma_stream_decoder(&strm_, kMaxXzDecoderMemory, LZMA_CONCATENATED) != LZMA_OK) {
      throw core::InternalError("lzma_stream_decoder failed");
    }
  }
  ~XzStream() override { lzma_end(&strm_); }

  size_t Read(char* out, size_t n) override {
    if (finished_ || n == 0) return 0;
    strm_.next_out = reinterpret_cast<uint8_t*>(out);
    strm_.avail_out = n;
    while (strm_.avail_out == n) {
      if (strm_.avail_in == 0 && Refill()) {
        strm_.next_in = reinterpret_cast<const uint8_t*>(in_.data());
        strm_.avail_in = in_len_;
      }
      const bool at_end = strm_.avail_in == 0;
      lzma_ret ret = lzma_code(&strm_, at_end ? LZMA_FINISH : LZMA_RUN);
      switch (ret) {
        case LZMA_STREAM_END:
          finished_ = true;
          return n - strm_.avail_out;
        case LZMA_OK:
          break;
        case LZMA_BUF_ERROR:
          if (at_end) Truncated();
          if (strm_.avail_in > 0) Corrupt(OffsetAt(strm_.avail_in), "lzma made no progress");
          break;
        case LZMA_MEMLIMIT_ERROR:
          Corrupt(OffsetAt(strm_.avail_in),
                  "needs more than " + std::to_string(kMaxXzDecoderMemory >> 20) + " MiB of memory to decompress");
        case LZMA_FORMAT_ERROR:
          Corrupt(OffsetAt(strm_.avail_in), "not xz data (bad stream header)");
        case LZMA_OPTIONS_ERROR:
          Corrupt(OffsetAt(strm_.avail_in), "unsupported xz options");
        case LZMA_MEM_ERROR:
          Corrupt(OffsetAt(strm_.avail_in), "out of memory");
        case LZMA_DATA_ERROR:
          Corrupt(OffsetAt(strm_.avail_in), "invalid or damaged data");
        default:
          Corrupt(OffsetAt(strm_.avail_in), "lzma error " + std::to_string(ret));
      }
    }
    return n - strm_.avail_out;
  }

 private:
  lzma_stream strm_ = LZMA_STREAM_INIT;
};

// zstd, any number of frames (skippable frames included).
class ZstdStream : public DecoderStream {
 public:
  explicit ZstdStream(std::unique_ptr<ByteStream> raw)
      : DecoderStream(std::move(raw), "zstd"), dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) throw core::InternalError("ZSTD_createDCtx failed");
  }
  ~ZstdStream() override { ZSTD_freeDCtx(dctx_); }

  size_t Read(char* out, size_t n) override {
    if (finished_ || n == 0) return 0;
    ZSTD_outBuffer output{out, n, 0};
    while (output.pos == 0) {
      if (input_.pos == input_.size && Refill()) input_ = ZSTD_inBuffer{in_.data(), in_len_, 0};
      const bool at_end = input_.pos == input_.size;
      if (at_end && !frame_pending_) {
        finished_ = true;
        break;
      }
      size_t ret = ZSTD_decompressStream(dctx_, &output, &input_);
      if (ZSTD_isError(ret)) Corrupt(OffsetAt(input_.size - input_.pos), ZSTD_getErrorName(ret));
      frame_pending_ = ret != 0;
      if (at_end && output.pos == 0 && frame_pending_) Truncated();
    }
    return output.pos;
  }

 private:
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool frame_pending_ = false;
};

}  // namespace

Compression DetectCompression(std::string_view head) {
  if (StartsWith(head, "\x1f\x8b\x08")) return Compression::kGzip;
  if (StartsWith(head, std::string_view("\xfd"
                                        "7zXZ\0",
                                        6)))
    return Compression::kXz;
  if (StartsWith(head, "\x28\xb5\x2f\xfd")) return Compression::kZstd;
  // zstd skippable frame (magic 0x184D2A50..5F, little endian) in front of the data.
  if (head.size() >= 4 && (static_cast<unsigned char>(head[0]) & 0xf0) == 0x50 &&
      StartsWith(head.substr(1), "\x2a\x4d\x18")) {
    return Compression::kZstd;
  }
  // bzip2: "BZh", block size '1'..'9', then a block or end-of-stream magic, so
  // that a text file starting with "BZh" is not taken for one.
  if (head.size() >= 10 && StartsWith(head, "BZh") && head[3] >= '1' && head[3] <= '9') {
    std::string_view block = head.substr(4, 6);
    if (block == "\x31\x41\x59\x26\x53\x59" || block == "\x17\x72\x45\x38\x50\x90") return Compression::kBzip2;
  }
  return Compression::kNone;
}

const char* CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kBzip2:
      return "bzip2";
    case Compression::kXz:
      return "xz";
    case Compression::kZstd:
      return "zstd";
  }
  return "?";
}

std::unique_ptr<ByteStream> MakeDecompressingStream(std::unique_ptr<ByteStream> raw, Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return raw;
    case Compression::kGzip:
      return std::make_unique<GzipStream>(std::move(raw));
    case Compression::kBzip2:
      return std::make_unique<Bzip2Stream>(std::move(raw));
    case Compression::kXz:
      return std::make_unique<XzStream>(std::move(raw));
    case Compression::kZstd:
      return std::make_unique<ZstdStream>(std::move(raw));
  }
  throw core::InternalError("unhandled compression");
}

}  // namespace botrecon::io
