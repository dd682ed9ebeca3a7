#include "io/codec/text_encoding.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/column_batch.h"
#include "io/input.h"
#include "io/reader.h"

namespace botrecon::io {
namespace {

// `utf8` (ASCII, 2-, 3- and 4-byte characters) as UTF-16 with a byte order mark.
std::string Utf16(const std::u16string& text, bool big_endian) {
  std::string out = big_endian ? std::string("\xFE\xFF") : std::string("\xFF\xFE");
  for (char16_t unit : text) {
    const char hi = static_cast<char>(unit >> 8), lo = static_cast<char>(unit & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  }
  return out;
}

// Reads all of `stream`, `chunk` bytes at a time.
std::string ReadAllOf(ByteStream& stream, size_t chunk) {
  std::string out, buffer(chunk, '\0');
  while (size_t got = stream.Read(buffer.data(), chunk)) out.append(buffer, 0, got);
  return out;
}

TEST(TextEncoding, DetectedByTheByteOrderMark) {
  EXPECT_EQ(DetectTextEncoding("\xFF\xFE" "a"), TextEncoding::kUtf16Le);
  EXPECT_EQ(DetectTextEncoding("\xFE\xFF"), TextEncoding::kUtf16Be);
  EXPECT_EQ(DetectTextEncoding("\xEF\xBB\xBF" "a,b"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectTextEncoding("a,b"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectTextEncoding(""), TextEncoding::kUtf8);
}

TEST(TextEncoding, Utf16BecomesUtf8) {
  const std::u16string text = u"SrcAddr\tProto\r\n10.0.0.1\tcaf\u00e9 \u20ac \U0001F600\n";
  const std::string want = "SrcAddr\tProto\r\n10.0.0.1\tcaf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n";
  for (bool big_endian : {false, true}) {
    for (size_t chunk : {1, 3, 7, 4096}) {
      auto stream = MakeUtf8Stream(ByteStream::FromString("u16.txt", Utf16(text, big_endian)),
                                   big_endian ? TextEncoding::kUtf16Be : TextEncoding::kUtf16Le);
      EXPECT_EQ(ReadAllOf(*stream, chunk), want) << big_endian << " " << chunk;
    }
  }
}

TEST(TextEncoding, LongTextAcrossBlocksAndBrokenUnits) {
  // A surrogate pair on every block boundary, whatever the block size.
  std::u16string text;
  for (int i = 0; i < 100000; ++i) text += (i % 3 == 0) ? u"\U0001F600" : u"ab";
  std::string want;
  for (int i = 0; i < 100000; ++i) want += (i % 3 == 0) ? "\xF0\x9F\x98\x80" : "ab";
  auto stream = MakeUtf8Stream(ByteStream::FromString("long", Utf16(text, false)), TextEncoding::kUtf16Le);
  EXPECT_EQ(ReadAllOf(*stream, 65536), want);
  // A lone surrogate and an odd final byte: U+FFFD each.
  std::string broken = Utf16(u"a", false) + std::string("\x00\xD8", 2) + std::string("b\x00", 2) + "c";
  auto bad = MakeUtf8Stream(ByteStream::FromString("bad", broken), TextEncoding::kUtf16Le);
  EXPECT_EQ(ReadAllOf(*bad, 10), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST(TextEncoding, OpenReaderReadsUtf16Csv) {
  const std::u16string text = u"SrcAddr\tProto\tDport\r\n10.0.0.1\ttcp\t80\r\n10.0.0.2\tudp\t53\r\n";
  for (bool big_endian : {false, true}) {
    char path[] = "/tmp/botrecon_u16_XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    std::ofstream(path, std::ios::binary) << Utf16(text, big_endian);
    auto reader = OpenReader(path, std::nullopt);
    EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"SrcAddr", "Proto", "Dport"}));
    reader->SetProjection({0, 2});
    std::vector<std::string> got;
    while (auto chunk = reader->NextChunk()) {
      core::ColumnBatch batch;
      batch.Reset(2);
      chunk->Decode(batch);
      for (size_t r = 0; r < batch.num_rows; ++r) {
        got.push_back(std::string(batch.columns[0].strings[r]) + "/" + std::string(batch.columns[1].strings[r]));
      }
    }
    EXPECT_EQ(got, (std::vector<std::string>{"10.0.0.1/80", "10.0.0.2/53"}));
    std::remove(path);
  }
}

}  // namespace
}  // namespace botrecon::io
