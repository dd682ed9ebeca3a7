#include "io/codec/decompress.h"

#include <bzlib.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <lzma.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "io/formats.h"
#include "io/input.h"
#include "io/reader.h"
#include "../text_reader_test_util.h"

namespace botrecon::io {
namespace {

const std::string kOriginal = std::string(BOTRECON_SHARED_DATA) + "/original-tests/";
const std::string kFixtures = std::string(BOTRECON_FIXTURES) + "/";

// Compressors, from the libraries' own APIs.
std::string Gzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Bzip2(const std::string& in) {
  unsigned len = static_cast<unsigned>(in.size() + in.size() / 100 + 600);
  std::string out(len, '\0');
  EXPECT_EQ(BZ2_bzBuffToBuffCompress(out.data(), &len, const_cast<char*>(in.data()), static_cast<unsigned>(in.size()),
                                     9, 0, 0),
            BZ_OK);
  out.resize(len);
  return out;
}

std::string Xz(const std::string& in) {
  std::string out(lzma_stream_buffer_bound(in.size()), '\0');
  size_t pos = 0;
  EXPECT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t*>(in.data()),
                                    in.size(), reinterpret_cast<uint8_t*>(out.data()), &pos, out.size()),
            LZMA_OK);
  out.resize(pos);
  return out;
}

std::string Zstd(const std::string& in) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress2(cctx, out.data(), out.size(), in.data(), in.size());
  EXPECT_FALSE(ZSTD_isError(n));
  ZSTD_freeCCtx(cctx);
  out.resize(n);
  return out;
}

struct Format {
  const char* name;
  const char* suffix;
  Compression compression;
  std::function<std::string(const std::string&)> compress;
};

const std::vector<Format>& Formats() {
  static const std::vector<Format> formats = {
      {"gzip", ".gz", Compression::kGzip, Gzip},
      {"bzip2", ".bz2", Compression::kBzip2, Bzip2},
      {"xz", ".xz", Compression::kXz, Xz},
      {"zstd", ".zst", Compression::kZstd, Zstd},
  };
  return formats;
}

// Reads a stream to its end in reads of `step` bytes.
std::string Drain(ByteStream& stream, size_t step = 65536) {
  std::string out;
  std::string buf(step, '\0');
  for (size_t got; (got = stream.Read(buf.data(), step)) > 0;) out.append(buf, 0, got);
  return out;
}

std::string Decompress(const std::string& name, const std::string& data, Compression compression, size_t step = 65536) {
  auto stream = MakeDecompressingStream(ByteStream::FromString(name, data), compression);
  return Drain(*stream, step);
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Decompress, DetectsMagicBytes) {
  const std::string text = "some text to compress, some text to compress";
  for (const auto& format : Formats())
    EXPECT_EQ(DetectCompression(format.compress(text)), format.compression) << format.name;
  EXPECT_EQ(DetectCompression(text), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
  EXPECT_EQ(DetectCompression("\x1f"), Compression::kNone);
  EXPECT_EQ(DetectCompression("BZh9 is not bzip2"), Compression::kNone);
  EXPECT_EQ(DetectCompression(std::string("\x50\x2a\x4d\x18\0\0\0\0", 8)), Compression::kZstd);  // skippable frame
  EXPECT_STREQ(CompressionName(Compression::kXz), "xz");
}

TEST(Decompress, EveryFormatRoundTrips) {
  const std::string text = testing::ReadFileBytes(kOriginal + "test.txt");
  ASSERT_GT(text.size(), 500000u);
  for (const auto& format : Formats()) {
    SCOPED_TRACE(format.name);
    const std::string compressed = format.compress(text);
    EXPECT_EQ(Decompress("x", compressed, format.compression), text);
    // Tiny reads: the decoders must hand out output they still hold.
    EXPECT_EQ(Decompress("x", compressed, format.compression, 1).size(), text.size());
    EXPECT_EQ(Decompress("x", compressed, format.compression, 4093), text);
  }
}

TEST(Decompress, FilesAreDecompressedTransparently) {
  const std::string dir = testing::MakeTempDir();
  const std::string text = testing::ReadFileBytes(kOriginal + "test.json");
  for (const auto& format : Formats()) {
    SCOPED_TRACE(format.name);
    const std::string path = dir + "/test.json" + format.suffix;
    testing::WriteFileBytes(path, format.compress(text));
    auto stream = ByteStream::Open(path);
    EXPECT_EQ(stream->name(), path);
    EXPECT_EQ(stream->size(), 0u);  // unknown for compressed input
    EXPECT_EQ(Drain(*stream), text);
    EXPECT_EQ(FileBuffer::Load(path)->bytes(), text);
    Compression detected = Compression::kNone;
    auto peekable = OpenInputStream(path, &detected);
    EXPECT_EQ(detected, format.compression);
    EXPECT_EQ(peekable->Peek(5), text.substr(0, 5));
    EXPECT_EQ(Drain(*peekable, 1000), text);
  }
  // Uncompressed files are untouched.
  EXPECT_EQ(FileBuffer::Load(kOriginal + "test.json")->bytes(), text);
  EXPECT_EQ(ByteStream::Open(kOriginal + "test.json")->size(), text.size());
}

TEST(Decompress, ConcatenatedMembersAndStreams) {
  const std::string a = "first part,1,2,3\n";
  const std::string b = "second part,4,5,6\n";
  for (const auto& format : Formats()) {
    SCOPED_TRACE(format.name);
    EXPECT_EQ(Decompress("x", format.compress(a) + format.compress(b), format.compression), a + b);
  }
  // gzip: zero padding after the last member is ignored.
  EXPECT_EQ(Decompress("x", Gzip(a) + std::string(512, '\0'), Compression::kGzip), a);
  // zstd: a skippable frame before the data.
  std::string skippable("\x50\x2a\x4d\x18\x03\0\0\0abc", 11);
  EXPECT_EQ(Decompress("x", skippable + Zstd(a), Compression::kZstd), a);
  EXPECT_EQ(DetectCompression(skippable + Zstd(a)), Compression::kZstd);
}

TEST(Decompress, TrailingGarbageIsAnError) {
  const std::string a = "text\n";
  EXPECT_EQ(ErrorOf([&] { Decompress("x.gz", Gzip(a) + "junk", Compression::kGzip); }),
            "x.gz: corrupt gzip data near compressed byte 25: unexpected data after the end of the gzip stream");
  EXPECT_EQ(ErrorOf([&] { Decompress("x.bz2", Bzip2(a) + "junk", Compression::kBzip2); }),
            "x.bz2: corrupt bzip2 data near compressed byte 45: not bzip2 data (bad stream header)");
  EXPECT_EQ(ErrorOf([&] { Decompress("x.xz", Xz(a) + "junk after the end", Compression::kXz); }),
            "x.xz: corrupt xz data near compressed byte 76: invalid or damaged data");
  EXPECT_EQ(ErrorOf([&] { Decompress("x.zst", Zstd(a) + "junk after the end", Compression::kZstd); }),
            "x.zst: corrupt zstd data near compressed byte 18: Unknown frame descriptor");
}

TEST(Decompress, TruncatedDataIsAnError) {
  const std::string text = testing::ReadFileBytes(kOriginal + "test.txt").substr(0, 200000);
  for (const auto& format : Formats()) {
    SCOPED_TRACE(format.name);
    std::string compressed = format.compress(text);
    std::string message =
        ErrorOf([&] { Decompress("cut", compressed.substr(0, compressed.size() / 2), format.compression); });
    EXPECT_EQ(message, "cut: " + std::string(format.name) + " data ends unexpectedly after " +
                           std::to_string(compressed.size() / 2) + " compressed bytes (truncated file?)");
    EXPECT_NE(ErrorOf([&] {
                Decompress("cut", compressed.substr(0, compressed.size() - 1), format.compression);
              }).find("cut: "),
              std::string::npos);
  }
}

// Damaged compressed data: every truncation and many flipped bytes either
// decompress or fail with an InputError naming the input.
TEST(Decompress, DamagedDataFailsCleanly) {
  std::mt19937 rng(1234);
  const std::string text = testing::ReadFileBytes(kFixtures + "json/small_columns.json") +
                           testing::ReadFileBytes(kOriginal + "test.txt").substr(0, 20000);
  for (const auto& format : Formats()) {
    SCOPED_TRACE(format.name);
    const std::string compressed = format.compress(text);
    auto check = [&](const std::string& data) {
      try {
        auto stream = MakeDecompressingStream(ByteStream::FromString("damaged", data), format.compression);
        Drain(*stream, 1 + rng() % 70000);
      } catch (const core::InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("damaged:", 0), 0u) << e.what();
      }
    };
    for (size_t cut = 0; cut < compressed.size(); cut += 1 + compressed.size() / 300) check(compressed.substr(0, cut));
    for (int i = 0; i < 300; ++i) {
      std::string damaged = compressed;
      damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
      check(damaged);
    }
  }
}

TEST(Decompress, WholeBufferLimit) {
  auto stream = ByteStream::FromString("big.gz", std::string(5000, 'x'));
  EXPECT_EQ(ErrorOf([&] { FileBuffer::FromStream(*stream, 4096); }),
            "big.gz: decompressed data is larger than 4096 bytes, the limit for inputs read as a whole; decompress it "
            "to a file first");
}

TEST(Decompress, PeekKeepsTheBytes) {
  PeekableStream stream(ByteStream::FromString("p", "hello world"));
  EXPECT_EQ(stream.Peek(5), "hello");
  EXPECT_EQ(stream.Peek(100), "hello world");
  char buf[4];
  ASSERT_EQ(stream.Read(buf, 4), 4u);
  EXPECT_EQ(std::string(buf, 4), "hell");
  EXPECT_EQ(stream.Peek(3), "o w");
  EXPECT_EQ(Drain(stream, 2), "o world");
  EXPECT_EQ(stream.Peek(3), "");
}

// Compressed files: the type is detected from the decompressed content.
TEST(Decompress, OpenReaderDetectsTypeInsideCompressedFiles) {
  const std::string dir = testing::MakeTempDir();
  struct Case {
    std::string source, target;
    size_t columns;
  };
  const std::vector<Case> cases = {
      {kOriginal + "test.json", dir + "/flows.gz", 10},           // no extension: '{' says json
      {kOriginal + "test.txt", dir + "/test.txt.zst", 11},        // .txt: the layout says fixed width
      {kOriginal + "test.csv", dir + "/test.csv.bz2", 11},        // csv
      {kFixtures + "json/small_lines.jsonl", dir + "/l.xz", 10},  // json lines, streamed
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.target);
    const Format& format = Formats()[i];
    testing::WriteFileBytes(c.target, format.compress(testing::ReadFileBytes(c.source)));
    auto reader = OpenReader(c.target, std::nullopt);
    EXPECT_EQ(reader->schema().names.size(), c.columns);
    EXPECT_EQ(reader->source_name(), c.target);
    EXPECT_EQ(testing::ReadAll(*reader).num_rows, i == 3 ? 5u : 5000u);
  }
}

TEST(Decompress, CorruptFileThroughOpenReader) {
  const std::string dir = testing::MakeTempDir();
  std::string compressed = Gzip(testing::ReadFileBytes(kOriginal + "test.json"));
  compressed[compressed.size() / 2] ^= 0x55;
  compressed[compressed.size() / 2 + 1] ^= 0x55;
  const std::string path = dir + "/bad.json.gz";
  testing::WriteFileBytes(path, compressed);
  std::string message = ErrorOf([&] { testing::ReadAll(*OpenReader(path, std::nullopt)); });
  EXPECT_EQ(message.rfind(path + ": corrupt gzip data near compressed byte", 0), 0u) << message;
}

// Runs `body` with stdin reading `data` from a pipe fed by another thread.
void WithStdin(const std::string& data, const std::function<void()>& body) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int saved = dup(0);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(dup2(fds[0], 0), 0);
  close(fds[0]);
  std::thread writer([&data, fd = fds[1]] {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = write(fd, data.data() + done, data.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fd);
  });
  try {
    body();
  } catch (...) {
    // Unblock the writer before rethrowing.
    dup2(saved, 0);
    writer.join();
    close(saved);
    throw;
  }
  // Drain what the body did not read, so that the writer can finish.
  char buf[4096];
  while (read(0, buf, sizeof buf) > 0) {
  }
  dup2(saved, 0);
  close(saved);
  writer.join();
}

TEST(Decompress, StdinIsPeekedAndDecompressed) {
  const std::string txt = testing::ReadFileBytes(kOriginal + "test.txt");
  WithStdin(Xz(txt), [] {
    auto reader = OpenReader("-", std::nullopt);
    EXPECT_EQ(reader->source_name(), "<stdin>");
    EXPECT_EQ(reader->schema().names.size(), 11u);  // fixed width, from the content
    EXPECT_EQ(testing::ReadAll(*reader).num_rows, 5000u);
  });
  const std::string lines = testing::ReadFileBytes(kFixtures + "json/small_lines.jsonl");
  WithStdin(lines, [] {
    auto reader = OpenReader("-", std::nullopt);
    EXPECT_EQ(reader->schema().names.size(), 10u);
    EXPECT_EQ(testing::ReadAll(*reader).num_rows, 5u);
  });
  const std::string json = testing::ReadFileBytes(kOriginal + "test.json");
  WithStdin(Zstd(json), [] {
    auto reader = OpenReader("-", InputType::kJson);
    EXPECT_EQ(testing::ReadAll(*reader).num_rows, 5000u);
  });
  WithStdin(Gzip(json), [&json] { EXPECT_EQ(FileBuffer::Load("-")->bytes(), json); });
  const std::string csv = testing::ReadFileBytes(kOriginal + "test.csv");
  WithStdin(Bzip2(csv), [] {
    auto reader = OpenReader("-", std::nullopt);
    EXPECT_EQ(reader->schema().names.size(), 11u);
    EXPECT_EQ(testing::ReadAll(*reader).num_rows, 5000u);
  });
}

// A named pipe (e.g. bash's <(zcat ...)) cannot be peeked at with pread: it
// is read like stdin, its type detected from the content.
TEST(Decompress, NamedPipeIsSniffedLikeStdin) {
  const std::string dir = testing::MakeTempDir();
  const std::string fifo = dir + "/flows";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string data = Gzip(testing::ReadFileBytes(kFixtures + "json/small_records.json"));
  std::thread writer([&] {
    int fd = open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = write(fd, data.data() + done, data.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fd);
  });
  auto reader = OpenReader(fifo, std::nullopt);
  EXPECT_EQ(reader->schema().names.size(), 10u);
  EXPECT_EQ(testing::ReadAll(*reader).num_rows, 5u);
  writer.join();
}

}  // namespace
}  // namespace botrecon::io
