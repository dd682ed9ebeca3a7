#include <gtest/gtest.h>

#include "core/error.h"
#include "features/columns.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

struct Table {
  Schema schema;
  std::vector<std::vector<std::string>> rows;  // projected cells
  std::vector<uint64_t> lines;
  uint64_t skipped = 0;
};

Table ReadAll(const std::string& text, std::vector<int> projection, ReaderOptions options = {},
              size_t max_rows = 65536) {
  options.max_batch_rows = max_rows;
  if (!options.is_header) options.is_header = features::LooksLikeHeader;
  auto reader = OpenCsvReader(ByteStream::FromString("mem.csv", text), options);
  Table t;
  t.schema = reader->schema();
  reader->SetProjection(projection);
  core::ColumnBatch batch;
  while (auto chunk = reader->NextChunk()) {
    chunk->Decode(batch);
    t.skipped += batch.skipped_rows;
    EXPECT_LE(batch.num_rows, max_rows);
    for (size_t r = 0; r < batch.num_rows; ++r) {
      std::vector<std::string> row;
      for (auto& c : batch.columns) row.emplace_back(c.strings[r]);
      t.rows.push_back(row);
      t.lines.push_back(batch.lines[r]);
    }
  }
  return t;
}

TEST(CsvReader, CommaHeaderAndProjection) {
  Table t = ReadAll("a,b,c\n1,2,3\n4,5,6\n", {2, 0});
  ASSERT_EQ(t.schema.names, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"3", "1"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"6", "4"}));
  EXPECT_EQ(t.lines, (std::vector<uint64_t>{2, 3}));
}

TEST(CsvReader, TabSeparatedCrlfAndNoFinalNewline) {
  Table t = ReadAll("a\tb\r\nx y\t2\r\n\r\nz\t3", {0, 1});
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"x y", "2"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"z", "3"}));
  EXPECT_EQ(t.lines, (std::vector<uint64_t>{2, 4}));
}

TEST(CsvReader, QuotedFieldsWithDelimitersNewlinesAndEscapes) {
  Table t = ReadAll("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\"multi\nline\",2\nplain,3\n", {0, 1});
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"x,1", "say \"hi\""}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"multi\nline", "2"}));
  EXPECT_EQ(t.rows[2], (std::vector<std::string>{"plain", "3"}));
  EXPECT_EQ(t.lines, (std::vector<uint64_t>{2, 3, 5}));
}

TEST(CsvReader, BatchesAreBoundedAndKeepOrder) {
  std::string text = "a,b\n";
  for (int i = 0; i < 1000; ++i) text += std::to_string(i) + ",x\n";
  Table t = ReadAll(text, {0}, {}, 7);
  ASSERT_EQ(t.rows.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(t.rows[i][0], std::to_string(i));
    EXPECT_EQ(t.lines[i], static_cast<uint64_t>(i + 2));
  }
}

TEST(CsvReader, IndexColumnWithoutHeaderCell) {
  Table t = ReadAll("a,b\n0,x,1\n1,y,2\n", {1, 2});
  EXPECT_EQ(t.schema.names, (std::vector<std::string>{"", "a", "b"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"y", "2"}));
}

TEST(CsvReader, HeaderlessFileDetected) {
  Table t = ReadAll("147.32.84.165,tcp,80,1025,S_,0.1,100,60\n10.0.0.1,udp,53,999,CON,0,80,40\n", {0, 1});
  EXPECT_FALSE(t.schema.has_header);
  EXPECT_EQ(t.schema.names.size(), 8u);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][0], "147.32.84.165");
  EXPECT_EQ(t.lines[0], 1u);
}

TEST(CsvReader, WrongFieldCountIsAnErrorNamingTheLine) {
  try {
    ReadAll("a,b,c\n1,2,3\n4,5\n", {0});
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(), "mem.csv:3: expected 3 fields (as in the header), got 2; use --skip-bad-rows to skip such rows");
  }
}

TEST(CsvReader, WrongFieldCountCanBeSkippedAndCounted) {
  ReaderOptions options;
  options.skip_bad_rows = true;
  Table t = ReadAll("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n", {0}, options);
  EXPECT_EQ(t.skipped, 2u);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1][0], "10");
}

TEST(CsvReader, EmptyFileIsAnError) {
  EXPECT_THROW(ReadAll("", {}), core::InputError);
  EXPECT_THROW(ReadAll("\n\n", {}), core::InputError);
}

TEST(CsvReader, BomIsSkipped) {
  Table t = ReadAll("\xEF\xBB\xBF" "a,b\n1,2\n", {0});
  EXPECT_EQ(t.schema.names[0], "a");
}

TEST(CsvReader, ReadsRealBinetflow) {
  auto reader = OpenReader(std::string(BOTRECON_SHARED_DATA) + "/ctu13/scenario5-virut-head.binetflow", std::nullopt);
  ASSERT_EQ(reader->schema().names.size(), 15u);
  EXPECT_EQ(reader->schema().names[3], "SrcAddr");
  reader->SetProjection({3, 14});
  core::ColumnBatch batch;
  size_t rows = 0;
  while (auto chunk = reader->NextChunk()) {
    chunk->Decode(batch);
    if (rows == 0) EXPECT_EQ(batch.columns[0].strings[0], "114.33.245.44");
    rows += batch.num_rows;
  }
  EXPECT_EQ(rows, 531u);  // 531 data rows; the last has no final newline
}

}  // namespace
}  // namespace botrecon::io

namespace botrecon::io {
namespace {

TEST(CsvReader, ZeekTsvLog) {
  std::string text =
      "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#fields\tts\tid.orig_h\tproto\n#types\ttime\taddr\tenum\n"
      "1.5\t10.0.0.1\ttcp\n2.5\t10.0.0.2\tudp\n#close\t2020-01-01\n";
  auto reader = OpenCsvReader(ByteStream::FromString("conn.log", text), {});
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"ts", "id.orig_h", "proto"}));
  reader->SetProjection({1, 2});
  core::ColumnBatch batch;
  std::vector<std::string> got;
  while (auto chunk = reader->NextChunk()) {
    chunk->Decode(batch);
    for (size_t r = 0; r < batch.num_rows; ++r) {
      got.push_back(std::string(batch.columns[0].strings[r]) + "/" + std::string(batch.columns[1].strings[r]) + "@" +
                    std::to_string(batch.lines[r]));
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"10.0.0.1/tcp@6", "10.0.0.2/udp@7"}));
}

TEST(CsvReader, RepeatedHeaderAndNfdumpSummaryAreNotData) {
  std::string text = "ts,te,td,sa,da\n1,2,3,10.0.0.1,10.0.0.2\nts,te,td,sa,da\n4,5,6,10.0.0.3,10.0.0.4\nSummary\nflows,bytes\n2,100\n";
  auto reader = OpenCsvReader(ByteStream::FromString("nf.csv", text), {});
  reader->SetProjection({3});
  core::ColumnBatch batch;
  std::vector<std::string> got;
  while (auto chunk = reader->NextChunk()) {
    chunk->Decode(batch);
    for (size_t r = 0; r < batch.num_rows; ++r) got.emplace_back(batch.columns[0].strings[r]);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"10.0.0.1", "10.0.0.3"}));
}

TEST(CsvSeparator, DetectedFromTheHeaderAndTheLinesAfterIt) {
  EXPECT_EQ(DetectSeparator("a,b,c\n1,2,3\n"), ',');
  EXPECT_EQ(DetectSeparator("a;b;c\n1;2;3\n"), ';');
  EXPECT_EQ(DetectSeparator("a\tb\tc\r\n1\t2\t3\r\n"), '\t');
  EXPECT_EQ(DetectSeparator("a|b|c\n1|2|3\n"), '|');
  // Decimal commas in the data, semicolons between fields.
  EXPECT_EQ(DetectSeparator("a;b;c\n1,5;2,25;3\n4,5;6;7\n"), ';');
  // A name holding a comma: the separator the data lines agree with wins.
  EXPECT_EQ(DetectSeparator("a,x;b;c\n1;2;3\n4;5;6\n"), ';');
  // Separators inside quotes do not count.
  EXPECT_EQ(DetectSeparator("\"a;b\",\"c;d\"\n1,2\n"), ',');
  // pandas' unnamed index: one field more in the rows than in the header.
  EXPECT_EQ(DetectSeparator("a|b\n0|1|2\n1|3|4\n"), '|');
  // A header alone: the separator it has most of; none: comma.
  EXPECT_EQ(DetectSeparator("a;b;c,d"), ';');
  EXPECT_EQ(DetectSeparator("abc\n1\n"), ',');
  EXPECT_EQ(DetectSeparator(""), ',');
}

TEST(CsvSeparator, EverySeparatorReadsTheSameTable) {
  for (char sep : {',', ';', '\t', '|'}) {
    SCOPED_TRACE(std::string(1, sep));
    std::string text = "a,b,c\n\"x,1\",2,3\n4,\"5\"\"\",6\n";
    for (char& c : text) {
      if (c == ',' && sep != ',') c = sep;
    }
    // The quoted comma stays a comma in the value when the separator is another.
    Table t = ReadAll(text, {0, 1, 2});
    ASSERT_EQ(t.schema.names, (std::vector<std::string>{"a", "b", "c"}));
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.rows[0][0], sep == ',' ? "x,1" : std::string("x") + sep + "1");
    EXPECT_EQ(t.rows[1], (std::vector<std::string>{"4", "5\"", "6"}));
  }
}

TEST(CsvSeparator, GivenSeparatorOverridesDetection) {
  ReaderOptions options;
  options.separator = ';';
  Table t = ReadAll("a,b;c\n1,2;3\n", {0, 1}, options);
  EXPECT_EQ(t.schema.names, (std::vector<std::string>{"a,b", "c"}));
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1,2", "3"}));
  options.separator = '|';
  EXPECT_EQ(ReadAll("a,b;c\n1,2;3\n", {0}, options).schema.names, (std::vector<std::string>{"a,b;c"}));
}

TEST(CsvReader, ZeekPathIsInTheSchema) {
  std::string text = "#separator \\x09\n#path\tdns\n#fields\tts\tquery\n1.5\texample.com\n";
  auto reader = OpenCsvReader(ByteStream::FromString("dns.log", text), {});
  EXPECT_EQ(reader->schema().zeek_path, "dns");
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"ts", "query"}));
}

}  // namespace
}  // namespace botrecon::io
