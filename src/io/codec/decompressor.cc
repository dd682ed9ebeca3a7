#include "io/codec/decompressor.h"

#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <limits>
#include <new>

#include "core/error.h"
#include "io/bytes.h"

namespace botrecon::io::codec {
namespace {

using Status = DecompressResult::Status;

DecompressResult Result(Status status, size_t produced, std::string detail = {}) {
  return DecompressResult{status, produced, std::move(detail)};
}

// One step of a streaming codec: bytes consumed and produced, and whether the
// data ended (a frame is complete and nothing more is pending).
struct Step {
  size_t consumed = 0;
  size_t produced = 0;
  bool done = false;
  std::string error;  // the library's message; non-empty stops decompression
};

// Shared growing loop of the streaming codecs.
class StreamingDecompressor : public Decompressor {
 public:
  DecompressResult DecompressGrowing(std::string_view src, uint64_t size, std::string& out) override {
    out.resize(static_cast<size_t>(std::min<uint64_t>(size, std::max<uint64_t>(uint64_t{1} << 16, src.size() * 4))));
    size_t out_pos = 0;
    size_t in_pos = 0;
    char scratch[64];
    ResetStream();
    for (;;) {
      if (out_pos == out.size() && out.size() < size) {
        out.resize(static_cast<size_t>(std::min<uint64_t>(size, out.size() * uint64_t{2})));
      }
      const bool overflow = out_pos == out.size();  // all `size` bytes are out: any more is a mismatch
      char* dst = overflow ? scratch : out.data() + out_pos;
      const size_t dst_capacity = overflow ? sizeof(scratch) : out.size() - out_pos;
      Step step = RunStep(src.substr(in_pos), dst, dst_capacity);
      if (!step.error.empty()) return Result(Status::kCorrupt, out_pos, std::move(step.error));
      in_pos += step.consumed;
      if (overflow && step.produced > 0) return Result(Status::kOverflow, out_pos);
      if (!overflow) out_pos += step.produced;
      if (step.done) break;
      if (step.produced == 0 && step.consumed == 0) {
        return Result(in_pos == src.size() ? Status::kTruncated : Status::kDamaged, out_pos);
      }
    }
    out.resize(out_pos);
    return Result(Status::kOk, out_pos);
  }

 protected:
  virtual void ResetStream() = 0;
  virtual Step RunStep(std::string_view src, char* dst, size_t capacity) = 0;
};

class GzipDecompressor : public Decompressor {
 public:
  DecompressResult Decompress(std::string_view src, char* dst, size_t capacity) override {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) throw core::InternalError("inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(src.data()));
    zs.avail_in = static_cast<uInt>(src.size());
    zs.next_out = reinterpret_cast<Bytef*>(dst);
    zs.avail_out = static_cast<uInt>(capacity);
    int rc;
    for (;;) {
      rc = inflate(&zs, Z_FINISH);
      // Concatenated gzip members: continue with the next one.
      if (rc == Z_STREAM_END && zs.avail_in > 0 && zs.avail_out > 0) {
        if (inflateReset(&zs) != Z_OK) break;
        continue;
      }
      break;
    }
    const size_t produced = capacity - zs.avail_out;
    const bool full = zs.avail_out == 0;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) return Result(full ? Status::kOverflow : Status::kCorrupt, produced);
    return Result(Status::kOk, produced);
  }
};

class ZstdDecompressor : public StreamingDecompressor {
 public:
  ~ZstdDecompressor() override {
    if (dctx_ != nullptr) ZSTD_freeDCtx(dctx_);
  }
  std::optional<uint64_t> DeclaredSize(std::string_view src, bool& bad_header) const override {
    // The first frame's declared size.
    unsigned long long content = ZSTD_getFrameContentSize(src.data(), src.size());
    bad_header = content == ZSTD_CONTENTSIZE_ERROR;
    if (bad_header || content == ZSTD_CONTENTSIZE_UNKNOWN) return std::nullopt;
    return content;
  }
  DecompressResult Decompress(std::string_view src, char* dst, size_t capacity) override {
    size_t got = ZSTD_decompress(dst, capacity, src.data(), src.size());
    if (ZSTD_isError(got)) return Result(Status::kCorrupt, 0, ZSTD_getErrorName(got));
    return Result(Status::kOk, got);
  }

 protected:
  void ResetStream() override {
    if (dctx_ == nullptr && (dctx_ = ZSTD_createDCtx()) == nullptr) throw std::bad_alloc();
    ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only);
  }
  Step RunStep(std::string_view src, char* dst, size_t capacity) override {
    ZSTD_inBuffer in{src.data(), src.size(), 0};
    ZSTD_outBuffer out{dst, capacity, 0};
    size_t ret = ZSTD_decompressStream(dctx_, &out, &in);
    if (ZSTD_isError(ret)) return Step{0, 0, false, ZSTD_getErrorName(ret)};
    return Step{in.pos, out.pos, ret == 0, {}};
  }

 private:
  ZSTD_DCtx* dctx_ = nullptr;
};

class Lz4FrameDecompressor : public StreamingDecompressor {
 public:
  ~Lz4FrameDecompressor() override {
    if (dctx_ != nullptr) LZ4F_freeDecompressionContext(dctx_);
  }
  DecompressResult Decompress(std::string_view src, char* dst, size_t capacity) override {
    std::string out;
    DecompressResult result = DecompressGrowing(src, capacity, out);
    std::copy(out.begin(), out.end(), dst);
    return result;
  }

 protected:
  void ResetStream() override {
    if (dctx_ == nullptr && LZ4F_isError(LZ4F_createDecompressionContext(&dctx_, LZ4F_VERSION))) {
      throw std::bad_alloc();
    }
    LZ4F_resetDecompressionContext(dctx_);
  }
  Step RunStep(std::string_view src, char* dst, size_t capacity) override {
    size_t dst_size = capacity;
    size_t src_size = src.size();
    size_t ret = LZ4F_decompress(dctx_, dst, &dst_size, src.data(), &src_size, nullptr);
    if (LZ4F_isError(ret)) return Step{0, 0, false, LZ4F_getErrorName(ret)};
    return Step{src_size, dst_size, ret == 0, {}};
  }

 private:
  LZ4F_dctx* dctx_ = nullptr;
};

class SnappyDecompressor : public Decompressor {
 public:
  std::optional<uint64_t> DeclaredSize(std::string_view src, bool& bad_header) const override {
    size_t length = 0;
    bad_header = snappy_uncompressed_length(src.data(), src.size(), &length) != SNAPPY_OK;
    if (bad_header) return std::nullopt;
    return length;
  }
  DecompressResult Decompress(std::string_view src, char* dst, size_t capacity) override {
    size_t got = capacity;
    if (snappy_uncompress(src.data(), src.size(), dst, &got) != SNAPPY_OK) return Result(Status::kCorrupt, 0);
    return Result(Status::kOk, got);
  }
};

// Hadoop's LZ4 framing: blocks of (raw size, compressed size, LZ4 block), big
// endian sizes; true when it fills dst[0, capacity) exactly.
bool TryLz4Hadoop(std::string_view src, char* dst, size_t capacity) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(src.data());
  const size_t size = src.size();
  size_t in = 0;
  size_t produced = 0;
  while (size - in >= 8) {
    uint32_t raw_size = LoadBe32(bytes + in);
    uint32_t block_size = LoadBe32(bytes + in + 4);
    in += 8;
    if (block_size > size - in || raw_size > capacity - produced) return false;
    int got = LZ4_decompress_safe(src.data() + in, dst + produced, static_cast<int>(block_size),
                                  static_cast<int>(raw_size));
    if (got < 0 || static_cast<uint32_t>(got) != raw_size) return false;
    in += block_size;
    produced += raw_size;
  }
  return in == size && produced == capacity;
}

class Lz4BlockDecompressor : public Decompressor {
 public:
  explicit Lz4BlockDecompressor(bool hadoop) : hadoop_(hadoop) {}
  DecompressResult Decompress(std::string_view src, char* dst, size_t capacity) override {
    if (src.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
        capacity > static_cast<size_t>(std::numeric_limits<int>::max())) {
      return Result(Status::kOverflow, 0);
    }
    if (hadoop_ && TryLz4Hadoop(src, dst, capacity)) return Result(Status::kOk, capacity);
    int got = LZ4_decompress_safe(src.data(), dst, static_cast<int>(src.size()), static_cast<int>(capacity));
    if (got < 0) return Result(Status::kCorrupt, 0);
    return Result(Status::kOk, static_cast<size_t>(got));
  }

 private:
  bool hadoop_;
};

}  // namespace

std::optional<uint64_t> Decompressor::DeclaredSize(std::string_view, bool& bad_header) const {
  bad_header = false;
  return std::nullopt;
}

DecompressResult Decompressor::DecompressGrowing(std::string_view, uint64_t, std::string&) {
  throw core::InternalError("this codec cannot decompress into a growing buffer");
}

std::unique_ptr<Decompressor> MakeDecompressor(Codec codec) {
  switch (codec) {
    case Codec::kGzip:
      return std::make_unique<GzipDecompressor>();
    case Codec::kZstd:
      return std::make_unique<ZstdDecompressor>();
    case Codec::kSnappy:
      return std::make_unique<SnappyDecompressor>();
    case Codec::kLz4Block:
      return std::make_unique<Lz4BlockDecompressor>(false);
    case Codec::kLz4Hadoop:
      return std::make_unique<Lz4BlockDecompressor>(true);
    case Codec::kLz4Frame:
      return std::make_unique<Lz4FrameDecompressor>();
  }
  throw core::InternalError("unhandled codec");
}

}  // namespace botrecon::io::codec
