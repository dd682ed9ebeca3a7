#include <gtest/gtest.h>
#include <lz4.h>
#include <snappy-c.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"
#include "thrift_compact_writer.h"

namespace botrecon::io {
namespace {

using testing::CompactWriter;
using thrift::CType;

const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string SharedData(const std::string& rel) { return std::string(BOTRECON_SHARED_DATA) + "/" + rel; }
std::string Fixture(const std::string& rel) { return std::string(BOTRECON_FIXTURES) + "/parquet/" + rel; }

// ---------------------------------------------------------------------------
// Reading a whole file into plain vectors.

struct ReadColumn {
  core::ColumnType type = core::ColumnType::kDouble;
  std::vector<double> numbers;
  std::vector<std::string> strings;  // "" for null
};

struct Table {
  std::vector<std::string> names;
  std::vector<ReadColumn> columns;
  size_t rows = 0;
  std::vector<std::pair<uint64_t, size_t>> batches;  // first_row, num_rows
};

Table ReadAll(std::shared_ptr<const FileBuffer> file, size_t batch_rows = 65536, std::vector<int> projection = {}) {
  ReaderOptions options;
  options.max_batch_rows = batch_rows;
  auto reader = OpenParquetReader(std::move(file), options);
  Table table;
  table.names = reader->schema().names;
  if (projection.empty()) {
    for (size_t i = 0; i < table.names.size(); ++i) projection.push_back(static_cast<int>(i));
  }
  reader->SetProjection(projection);
  table.columns.resize(projection.size());
  while (auto chunk = reader->NextChunk()) {
    core::ColumnBatch batch;
    batch.Reset(projection.size());
    chunk->Decode(batch);
    EXPECT_EQ(batch.first_row, table.rows);
    EXPECT_LE(batch.num_rows, batch_rows);
    table.batches.emplace_back(batch.first_row, batch.num_rows);
    for (size_t c = 0; c < projection.size(); ++c) {
      const core::Column& col = batch.columns[c];
      EXPECT_EQ(col.size(), batch.num_rows);
      table.columns[c].type = col.type;
      if (col.type == core::ColumnType::kDouble) {
        table.columns[c].numbers.insert(table.columns[c].numbers.end(), col.numbers.begin(), col.numbers.end());
      } else {
        for (auto s : col.strings) table.columns[c].strings.emplace_back(s);
      }
    }
    table.rows += batch.num_rows;
  }
  return table;
}

Table ReadBytes(const std::string& bytes, size_t batch_rows = 65536, std::vector<int> projection = {}) {
  return ReadAll(FileBuffer::FromString("x.parquet", bytes), batch_rows, std::move(projection));
}

std::string ErrorOf(const std::string& bytes) {
  try {
    ReadBytes(bytes);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// Reads everything, accepting success or core::InputError only.
void ReadSurvives(const std::string& bytes) {
  try {
    ReadBytes(bytes, 1000);
  } catch (const core::InputError&) {
  }
}

// ---------------------------------------------------------------------------
// Building small Parquet files in memory.

enum : int32_t { kBoolean = 0, kInt32 = 1, kInt64 = 2, kInt96 = 3, kFloat = 4, kDouble = 5, kByteArray = 6, kFlba = 7 };
enum : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kRleDictionary = 8
};
enum : int32_t { kDataPage = 0, kDictionaryPage = 2, kDataPageV2 = 3 };
enum : int32_t { kUncompressed = 0, kSnappy = 1, kBrotli = 4, kLz4 = 5 };

std::string Le32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string Le64(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

std::string Varint(uint64_t v) {
  CompactWriter w;
  w.Varint(v);
  return w.out;
}

// An RLE run of the hybrid encoding.
std::string RleRun(uint32_t count, uint32_t value, int bit_width) {
  std::string out = Varint(uint64_t{count} << 1);
  for (int i = 0; i < (bit_width + 7) / 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  return out;
}

// A bit-packed run of the hybrid encoding (padded to groups of 8).
std::string BitPackedRun(std::vector<uint32_t> values, int bit_width) {
  while (values.size() % 8 != 0) values.push_back(0);
  std::string out = Varint(((values.size() / 8) << 1) | 1);
  std::string bits((values.size() * static_cast<size_t>(bit_width) + 7) / 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    for (int b = 0; b < bit_width; ++b) {
      if ((values[i] >> b) & 1) {
        size_t bit = i * static_cast<size_t>(bit_width) + static_cast<size_t>(b);
        bits[bit / 8] = static_cast<char>(bits[bit / 8] | (1 << (bit % 8)));
      }
    }
  }
  return out + bits;
}

// v1 definition levels: 4-byte length, then one bit-packed run.
std::string DefLevels(const std::vector<uint32_t>& levels) {
  std::string run = BitPackedRun(levels, 1);
  return Le32(static_cast<uint32_t>(run.size())) + run;
}

std::string PlainInt32(const std::vector<int32_t>& values) {
  std::string out;
  for (int32_t v : values) out += Le32(static_cast<uint32_t>(v));
  return out;
}
std::string PlainInt64(const std::vector<int64_t>& values) {
  std::string out;
  for (int64_t v : values) out += Le64(static_cast<uint64_t>(v));
  return out;
}
std::string PlainStrings(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += Le32(static_cast<uint32_t>(v.size())) + v;
  return out;
}

struct PageSpec {
  int32_t type = kDataPage;
  int32_t num_values = 0;
  int32_t encoding = kPlain;
  std::string body;           // as stored (compressed if the chunk is)
  int32_t uncompressed = -1;  // default: body.size()
  int32_t compressed = -1;    // default: body.size()
  int32_t def_level_encoding = kRle;
  // v2
  int32_t num_nulls = 0;
  int32_t def_levels_length = 0;
};

std::string Page(const PageSpec& p) {
  CompactWriter w;
  w.Begin();
  w.I32(1, p.type);
  w.I32(2, p.uncompressed >= 0 ? p.uncompressed : static_cast<int32_t>(p.body.size()));
  w.I32(3, p.compressed >= 0 ? p.compressed : static_cast<int32_t>(p.body.size()));
  if (p.type == kDataPage) {
    w.Struct(5);
    w.I32(1, p.num_values);
    w.I32(2, p.encoding);
    w.I32(3, p.def_level_encoding);
    w.I32(4, kRle);
    w.End();
  } else if (p.type == kDictionaryPage) {
    w.Struct(7);
    w.I32(1, p.num_values);
    w.I32(2, p.encoding);
    w.End();
  } else if (p.type == kDataPageV2) {
    w.Struct(8);
    w.I32(1, p.num_values);
    w.I32(2, p.num_nulls);
    w.I32(3, p.num_values);
    w.I32(4, p.encoding);
    w.I32(5, p.def_levels_length);
    w.I32(6, 0);
    w.End();
  }
  w.End();
  return w.out + p.body;
}

struct ColumnSpec {
  std::string name;
  int32_t type = kInt32;
  int32_t repetition = kOptional;
  int32_t converted = -1;
  int32_t type_length = 0;
  int32_t scale = 0;
  int16_t logical = -1;  // id of an empty LogicalType union member (1 STRING, 15 FLOAT16, ...)
  int32_t num_children = 0;
};

struct ChunkSpec {
  std::string bytes;            // pages
  size_t dictionary_bytes = 0;  // leading bytes that are the dictionary page
  int32_t codec = kUncompressed;
  int64_t offset_adjust = 0;  // added to the recorded data page offset
  int64_t size_adjust = 0;    // added to the recorded chunk size
};

// Schema `columns` (groups via num_children), row groups of `chunks` (one per
// leaf column) with `rows` rows each.
std::string BuildFile(const std::vector<ColumnSpec>& columns, const std::vector<std::vector<ChunkSpec>>& groups,
                      const std::vector<int64_t>& rows, int32_t root_children = -1) {
  std::string file = "PAR1";
  std::vector<std::vector<std::pair<int64_t, int64_t>>> offsets;  // per group: dictionary offset, data offset
  for (const auto& group : groups) {
    offsets.emplace_back();
    for (const auto& chunk : group) {
      auto start = static_cast<int64_t>(file.size());
      offsets.back().emplace_back(chunk.dictionary_bytes ? start : -1,
                                  start + static_cast<int64_t>(chunk.dictionary_bytes));
      file += chunk.bytes;
    }
  }
  CompactWriter w;
  w.Begin();
  w.I32(1, 1);
  w.List(2, CType::kStruct, static_cast<uint32_t>(columns.size() + 1));
  w.Begin();
  w.Binary(4, "schema");
  w.I32(5, root_children >= 0 ? root_children : static_cast<int32_t>(columns.size()));
  w.End();
  for (const auto& c : columns) {
    w.Begin();
    if (c.num_children == 0) w.I32(1, c.type);
    if (c.type_length) w.I32(2, c.type_length);
    w.I32(3, c.repetition);
    w.Binary(4, c.name);
    if (c.num_children > 0) w.I32(5, c.num_children);
    if (c.converted >= 0) w.I32(6, c.converted);
    if (c.scale) {
      w.I32(7, c.scale);
      w.I32(8, 9);
    }
    if (c.logical >= 0) {
      w.Struct(10);
      w.Struct(c.logical);
      w.End();
      w.End();
    }
    w.End();
  }
  int64_t total_rows = 0;
  for (int64_t r : rows) total_rows += r;
  w.I64(3, total_rows);
  w.List(4, CType::kStruct, static_cast<uint32_t>(groups.size()));
  std::vector<const ColumnSpec*> leaves;
  for (const auto& c : columns) {
    if (c.num_children == 0) leaves.push_back(&c);
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    w.Begin();
    w.List(1, CType::kStruct, static_cast<uint32_t>(groups[g].size()));
    for (size_t c = 0; c < groups[g].size(); ++c) {
      const ChunkSpec& chunk = groups[g][c];
      const ColumnSpec& leaf = *leaves[std::min(c, leaves.size() - 1)];
      w.Begin();
      w.I64(2, offsets[g][c].second);
      w.Struct(3);
      w.I32(1, leaf.type);
      w.List(2, CType::kI32, 1);
      w.Varint(CompactWriter::ZigZag(kPlain));
      w.List(3, CType::kBinary, 1);
      w.Varint(leaf.name.size());
      w.out += leaf.name;
      w.I32(4, chunk.codec);
      w.I64(5, rows[g]);
      w.I64(6, static_cast<int64_t>(chunk.bytes.size()));
      w.I64(7, static_cast<int64_t>(chunk.bytes.size()) + chunk.size_adjust);
      w.I64(9, offsets[g][c].second + chunk.offset_adjust);
      if (offsets[g][c].first >= 0) w.I64(11, offsets[g][c].first);
      w.End();
      w.End();
    }
    w.I64(2, 0);
    w.I64(3, rows[g]);
    w.End();
  }
  w.Binary(6, "botrecon test");
  w.End();
  file += w.out + Le32(static_cast<uint32_t>(w.out.size())) + "PAR1";
  return file;
}

// One row group of one INT32 column holding `values` (PLAIN, v1, required).
std::string Int32File(const std::vector<int32_t>& values) {
  ChunkSpec chunk{Page({.num_values = static_cast<int32_t>(values.size()), .body = PlainInt32(values)})};
  return BuildFile({{.name = "a", .type = kInt32, .repetition = kRequired}}, {{chunk}},
                   {static_cast<int64_t>(values.size())});
}

// ---------------------------------------------------------------------------
// Synthetic files.

TEST(ParquetSynthetic, RequiredInt32Plain) {
  Table t = ReadBytes(Int32File({1, -2, 3, 2147483647, -2147483647 - 1}));
  ASSERT_EQ(t.names, std::vector<std::string>{"a"});
  ASSERT_EQ(t.rows, 5u);
  EXPECT_EQ(t.columns[0].numbers, (std::vector<double>{1, -2, 3, 2147483647.0, -2147483648.0}));
}

TEST(ParquetSynthetic, OptionalStringsWithNulls) {
  std::string body = DefLevels({1, 0, 1, 1, 0}) + PlainStrings({"tcp", "udp", "ñ"});
  ChunkSpec chunk{Page({.num_values = 5, .body = body})};
  std::string file = BuildFile({{.name = "Proto", .type = kByteArray, .converted = 0}}, {{chunk}}, {5});
  auto buffer = FileBuffer::FromString("x.parquet", file);
  auto reader = OpenParquetReader(buffer, {});
  reader->SetProjection({0});
  auto chunk_out = reader->NextChunk();
  ASSERT_NE(chunk_out, nullptr);
  core::ColumnBatch batch;
  batch.Reset(1);
  chunk_out->Decode(batch);
  ASSERT_EQ(batch.num_rows, 5u);
  EXPECT_EQ(batch.columns[0].type, core::ColumnType::kString);
  EXPECT_EQ(batch.columns[0].strings, (std::vector<std::string_view>{"tcp", "", "udp", "ñ", ""}));
  // Uncompressed strings point straight into the file, which the batch keeps alive.
  const char* begin = buffer->bytes().data();
  EXPECT_GE(batch.columns[0].strings[0].data(), begin);
  EXPECT_LT(batch.columns[0].strings[0].data(), begin + buffer->bytes().size());
  EXPECT_EQ(batch.keep_alive.get(), static_cast<const void*>(buffer.get()));
  EXPECT_EQ(reader->NextChunk(), nullptr);
}

TEST(ParquetSynthetic, DictionaryAcrossPagesAndBatches) {
  std::string dict = Page({.type = kDictionaryPage, .num_values = 3, .body = PlainInt64({10, 20, int64_t{1} << 40})});
  // Page 1: 6 values (one null): an RLE run and a bit-packed run of indices.
  std::string indices1 = std::string(1, '\x02') + RleRun(2, 2, 2) + BitPackedRun({0, 1, 2}, 2);
  std::string page1 =
      Page({.num_values = 6, .encoding = kRleDictionary, .body = DefLevels({1, 1, 0, 1, 1, 1}) + indices1});
  // Page 2: 4 values, PLAIN_DICTIONARY (the old name), all present.
  std::string indices2 = std::string(1, '\x02') + RleRun(4, 1, 2);
  std::string page2 = Page({.num_values = 4, .encoding = kPlainDictionary, .body = DefLevels({1, 1, 1, 1}) + indices2});
  ChunkSpec chunk{dict + page1 + page2, dict.size()};
  std::string file = BuildFile({{.name = "bytes", .type = kInt64}}, {{chunk}}, {10});
  Table t = ReadBytes(file, 3);
  ASSERT_EQ(t.rows, 10u);
  const auto& n = t.columns[0].numbers;
  // Page 1 indices 2,2,0,1,2 around a null; page 2 index 1 four times.
  std::vector<double> expected{1099511627776.0, 1099511627776.0, kNaN, 10, 20, 1099511627776.0, 20, 20, 20, 20};
  ASSERT_EQ(n.size(), expected.size());
  for (size_t i = 0; i < n.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(n[i])) << i;
    } else {
      EXPECT_EQ(n[i], expected[i]) << i;
    }
  }
  EXPECT_EQ(t.batches.size(), 4u);  // 3 + 3 + 3 + 1
}

TEST(ParquetSynthetic, DeprecatedBitPackedLevels) {
  // BIT_PACKED levels: MSB first. Levels 1,0,1,1,0,0,0,1 -> 0b10110001.
  std::string body = std::string(1, '\xb1') + PlainInt32({7, 8, 9, 10});
  ChunkSpec chunk{Page({.num_values = 8, .body = body, .def_level_encoding = kBitPacked})};
  Table t = ReadBytes(BuildFile({{.name = "a"}}, {{chunk}}, {8}));
  const auto& n = t.columns[0].numbers;
  ASSERT_EQ(n.size(), 8u);
  EXPECT_EQ(n[0], 7);
  EXPECT_TRUE(std::isnan(n[1]));
  EXPECT_EQ(n[2], 8);
  EXPECT_EQ(n[3], 9);
  EXPECT_TRUE(std::isnan(n[4]) && std::isnan(n[5]) && std::isnan(n[6]));
  EXPECT_EQ(n[7], 10);
}

TEST(ParquetSynthetic, LogicalTypesBecomeNumbers) {
  // INT96 timestamp: 2011-08-10 12:00:00.5 = Julian day 2455784, 43200.5 s.
  std::string int96 = Le64(43200500000000ull) + Le32(2455784);
  // FLOAT16: 1.5 = 0x3e00, -2 = 0xc000.
  std::string half = std::string("\x00\x3e", 2) + std::string("\x00\xc0", 2);
  // DECIMAL(9,2) in 4 bytes big-endian: -12345 -> -123.45, 100 -> 1.00.
  std::string dec = std::string("\xff\xff\xcf\xc7", 4) + std::string("\x00\x00\x00\x64", 4);
  std::vector<ColumnSpec> columns{
      {.name = "ts", .type = kInt96, .repetition = kRequired},
      {.name = "half", .type = kFlba, .repetition = kRequired, .type_length = 2, .logical = 15},
      {.name = "dec", .type = kFlba, .repetition = kRequired, .converted = 5, .type_length = 4, .scale = 2},
      {.name = "u32", .type = kInt32, .repetition = kRequired, .converted = 13},
      {.name = "flag", .type = kBoolean, .repetition = kRequired},
      {.name = "raw", .type = kFlba, .repetition = kRequired, .type_length = 3},
  };
  std::vector<ChunkSpec> chunks{
      {Page({.num_values = 2, .body = int96 + int96})},
      {Page({.num_values = 2, .body = half})},
      {Page({.num_values = 2, .body = dec})},
      {Page({.num_values = 2, .body = PlainInt32({-1, 5})})},
      {Page({.num_values = 2, .body = std::string(1, '\x02')})},  // false, true
      {Page({.num_values = 2, .body = "abcxyz"})},
  };
  Table t = ReadBytes(BuildFile(columns, {chunks}, {2}));
  ASSERT_EQ(t.rows, 2u);
  EXPECT_EQ(t.columns[0].numbers[0], 1312977600.5);
  EXPECT_EQ(t.columns[1].numbers, (std::vector<double>{1.5, -2}));
  EXPECT_EQ(t.columns[2].numbers, (std::vector<double>{-123.45, 1}));
  EXPECT_EQ(t.columns[3].numbers, (std::vector<double>{4294967295.0, 5}));
  EXPECT_EQ(t.columns[4].numbers, (std::vector<double>{0, 1}));
  EXPECT_EQ(t.columns[5].type, core::ColumnType::kString);
  EXPECT_EQ(t.columns[5].strings, (std::vector<std::string>{"abc", "xyz"}));
}

TEST(ParquetSynthetic, SnappyAndHadoopLz4Pages) {
  std::string plain = PlainInt32({1, 2, 3, 4, 5, 6, 7, 8});
  std::string snappy(snappy_max_compressed_length(plain.size()), '\0');
  size_t snappy_size = snappy.size();
  ASSERT_EQ(snappy_compress(plain.data(), plain.size(), snappy.data(), &snappy_size), SNAPPY_OK);
  snappy.resize(snappy_size);
  // Hadoop LZ4: two framed blocks of 16 bytes each.
  std::string hadoop;
  for (int half = 0; half < 2; ++half) {
    std::string block(LZ4_compressBound(16), '\0');
    int n = LZ4_compress_default(plain.data() + 16 * half, block.data(), 16, static_cast<int>(block.size()));
    ASSERT_GT(n, 0);
    auto be32 = [](uint32_t v) {
      return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                         static_cast<char>(v)};
    };
    hadoop += be32(16) + be32(static_cast<uint32_t>(n)) + block.substr(0, static_cast<size_t>(n));
  }
  int32_t size = static_cast<int32_t>(plain.size());
  std::vector<ColumnSpec> columns{{.name = "s", .repetition = kRequired}, {.name = "l", .repetition = kRequired}};
  std::vector<ChunkSpec> chunks{
      {Page({.num_values = 8, .body = snappy, .uncompressed = size}), 0, kSnappy},
      {Page({.num_values = 8, .body = hadoop, .uncompressed = size}), 0, kLz4},
  };
  Table t = ReadBytes(BuildFile(columns, {chunks}, {8}));
  std::vector<double> expected{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(t.columns[0].numbers, expected);
  EXPECT_EQ(t.columns[1].numbers, expected);
}

TEST(ParquetSynthetic, PandasIndexColumnIsUnnamed) {
  std::vector<ColumnSpec> columns{{.name = "__index_level_0__", .type = kInt64, .repetition = kRequired},
                                  {.name = "Dport", .repetition = kRequired}};
  std::vector<ChunkSpec> chunks{{Page({.num_values = 1, .body = PlainInt64({0})})},
                                {Page({.num_values = 1, .body = PlainInt32({80})})}};
  Table t = ReadBytes(BuildFile(columns, {chunks}, {1}));
  EXPECT_EQ(t.names, (std::vector<std::string>{"", "Dport"}));
}

TEST(ParquetSynthetic, ProjectionAndEmptyRowGroups) {
  std::vector<ColumnSpec> columns{{.name = "a", .repetition = kRequired}, {.name = "b", .repetition = kRequired}};
  auto group = [](std::vector<int32_t> a, std::vector<int32_t> b) {
    return std::vector<ChunkSpec>{{Page({.num_values = static_cast<int32_t>(a.size()), .body = PlainInt32(a)})},
                                  {Page({.num_values = static_cast<int32_t>(b.size()), .body = PlainInt32(b)})}};
  };
  std::string file =
      BuildFile(columns, {group({1, 2, 3}, {10, 20, 30}), group({}, {}), group({4, 5}, {40, 50})}, {3, 0, 2});
  Table t = ReadBytes(file, 2, {1, 0, 1});
  ASSERT_EQ(t.rows, 5u);
  EXPECT_EQ(t.columns[0].numbers, (std::vector<double>{10, 20, 30, 40, 50}));
  EXPECT_EQ(t.columns[1].numbers, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(t.columns[2].numbers, t.columns[0].numbers);
  // A batch never spans row groups: 2 + 1 | 2.
  EXPECT_EQ(t.batches, (std::vector<std::pair<uint64_t, size_t>>{{0, 2}, {2, 1}, {3, 2}}));
}

TEST(ParquetSynthetic, DataPageV2WithoutLevelsForANullFreeColumn) {
  ChunkSpec chunk{Page({.type = kDataPageV2, .num_values = 3, .body = PlainInt32({4, 5, 6})})};
  Table t = ReadBytes(BuildFile({{.name = "a"}}, {{chunk}}, {3}));
  EXPECT_EQ(t.columns[0].numbers, (std::vector<double>{4, 5, 6}));
}

// ---------------------------------------------------------------------------
// Damaged and unsupported files: exact messages.

TEST(ParquetDamage, NotParquet) {
  EXPECT_EQ(ErrorOf("PAR"), "x.parquet: not a Parquet file (only 3 bytes)");
  EXPECT_EQ(ErrorOf("this is not parquet, just text"),
            "x.parquet: not a Parquet file (no PAR1 magic at its start and end; truncated?)");
  std::string file = Int32File({1});
  EXPECT_EQ(ErrorOf(file.substr(0, file.size() - 1)),
            "x.parquet: not a Parquet file (no PAR1 magic at its start and end; truncated?)");
  EXPECT_EQ(ErrorOf(file.substr(0, file.size() - 4) + "PARE"), "x.parquet: encrypted Parquet files are not supported");
}

TEST(ParquetDamage, FooterLengthBeyondFile) {
  std::string file = Int32File({1});
  std::string bad = file.substr(0, file.size() - 8) + Le32(100000) + "PAR1";
  EXPECT_EQ(ErrorOf(bad),
            "x.parquet: footer length 100000 is larger than the file (" + std::to_string(file.size()) + " bytes)");
}

TEST(ParquetDamage, FooterCutShort) {
  std::string file = Int32File({1});
  uint32_t length;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  // Keep the footer length but drop the footer's last 10 bytes (the file's tail moves up).
  std::string footer = file.substr(file.size() - 8 - length, length - 10);
  std::string bad = file.substr(0, file.size() - 8 - length) + footer + Le32(length - 10) + "PAR1";
  std::string error = ErrorOf(bad);
  EXPECT_EQ(error.rfind("x.parquet: footer: ", 0), 0u) << error;
  EXPECT_NE(error.find("(Thrift data at offset "), std::string::npos) << error;
}

TEST(ParquetDamage, NestedSchemasAreRejected) {
  std::vector<ColumnSpec> nested{{.name = "addr", .num_children = 1}, {.name = "ip", .repetition = kRequired}};
  EXPECT_EQ(ErrorOf(BuildFile(nested, {}, {}, 1)),
            "x.parquet: column 'addr' is a nested group (struct, list or map); only flat tables are supported");
  std::vector<ColumnSpec> repeated{{.name = "ports", .repetition = kRepeated}};
  EXPECT_EQ(ErrorOf(BuildFile(repeated, {}, {})),
            "x.parquet: column 'ports' is a repeated field (a list); only flat tables are supported");
  std::vector<ColumnSpec> list{{.name = "l", .converted = 3}};
  EXPECT_EQ(ErrorOf(BuildFile(list, {}, {})),
            "x.parquet: column 'l' is a nested type (LIST/MAP); only flat tables are supported");
}

TEST(ParquetDamage, UnsupportedCodec) {
  ChunkSpec chunk{Page({.num_values = 1, .body = "xxxx"}), 0, kBrotli};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{chunk}}, {1})),
            "x.parquet: row group 0, column 'a': compression BROTLI is not supported");
}

TEST(ParquetDamage, ColumnChunkOutsideFile) {
  ChunkSpec chunk{Page({.num_values = 1, .body = PlainInt32({1})})};
  chunk.size_adjust = 1000;
  std::string error = ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{chunk}}, {1}));
  EXPECT_NE(error.find("x.parquet: row group 0, column 'a': column chunk at offset 4 of "), std::string::npos) << error;
  EXPECT_NE(error.find("lies outside the file's data"), std::string::npos) << error;
}

TEST(ParquetDamage, PageLongerThanChunk) {
  ChunkSpec chunk{Page({.num_values = 1, .body = PlainInt32({1}), .uncompressed = 4000, .compressed = 4000})};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{chunk}}, {1})),
            "x.parquet: row group 0, column 'a', page at offset 4: page of 4000 bytes runs past the end of the "
            "column chunk (4 bytes remain)");
}

TEST(ParquetDamage, DecompressedSizeMismatch) {
  std::string plain = PlainInt32({1, 2});
  std::string snappy(snappy_max_compressed_length(plain.size()), '\0');
  size_t n = snappy.size();
  ASSERT_EQ(snappy_compress(plain.data(), plain.size(), snappy.data(), &n), SNAPPY_OK);
  snappy.resize(n);
  ChunkSpec chunk{Page({.num_values = 2, .body = snappy, .uncompressed = 12}), 0, kSnappy};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{chunk}}, {2})),
            "x.parquet: row group 0, column 'a', page at offset 4: SNAPPY data decompresses to 8 bytes but the "
            "page header says 12");
  ChunkSpec garbage{Page({.num_values = 2, .body = "\x08garbage!", .uncompressed = 8}), 0, kSnappy};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{garbage}}, {2})),
            "x.parquet: row group 0, column 'a', page at offset 4: SNAPPY data is corrupt");
}

TEST(ParquetDamage, BadDictionaryUse) {
  std::string dict = Page({.type = kDictionaryPage, .num_values = 2, .body = PlainInt32({5, 6})});
  std::string page = Page({.num_values = 2, .encoding = kRleDictionary, .body = "\x02" + RleRun(2, 3, 2)});
  ChunkSpec chunk{dict + page, dict.size()};
  std::string error = ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{chunk}}, {2}));
  EXPECT_NE(error.find("column 'a', page at offset"), std::string::npos) << error;
  EXPECT_NE(error.find("dictionary index 3 out of range (dictionary has 2 entries)"), std::string::npos) << error;

  ChunkSpec no_dict{page};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{no_dict}}, {2})),
            "x.parquet: row group 0, column 'a', page at offset 4: dictionary-encoded page but no dictionary page");

  std::string huge_dict = Page({.type = kDictionaryPage, .num_values = 1000000, .body = PlainInt32({5})});
  ChunkSpec lying{huge_dict + page, huge_dict.size()};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{lying}}, {2})),
            "x.parquet: row group 0, column 'a', page at offset 4: dictionary of 1000000 values cannot fit in 4 "
            "bytes");
}

TEST(ParquetDamage, BadLevelsAndCounts) {
  // Definition level 3 where the maximum is 1.
  std::string levels = RleRun(2, 3, 1);
  ChunkSpec bad_level{Page({.num_values = 2, .body = Le32(static_cast<uint32_t>(levels.size())) + levels})};
  EXPECT_NE(
      ErrorOf(BuildFile({{.name = "a"}}, {{bad_level}}, {2})).find("definition level 3 above the column's maximum 1"),
      std::string::npos);
  // Levels that stop early.
  ChunkSpec short_levels{Page({.num_values = 4, .body = Le32(2) + RleRun(2, 1, 1) + PlainInt32({1, 2})})};
  EXPECT_NE(ErrorOf(BuildFile({{.name = "a"}}, {{short_levels}}, {4})).find("definition levels end early"),
            std::string::npos);
  // A page claiming more values than the row group has rows.
  ChunkSpec too_many{Page({.num_values = 5, .body = PlainInt32({1})})};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{too_many}}, {1})),
            "x.parquet: row group 0, column 'a', page at offset 4: page holds 5 values but only 1 rows of the row "
            "group remain");
  // PLAIN values that stop early.
  ChunkSpec short_values{Page({.num_values = 3, .body = PlainInt32({1, 2})})};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{short_values}}, {3})),
            "x.parquet: row group 0, column 'a', page at offset 4: PLAIN values end early (3 more INT32 values "
            "needed, 8 bytes remain)");
  // A string whose length runs past the page.
  ChunkSpec long_string{Page({.num_values = 1, .body = Le32(1000) + "abc"})};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "s", .type = kByteArray, .repetition = kRequired}}, {{long_string}}, {1})),
            "x.parquet: row group 0, column 's', page at offset 4: PLAIN string of 1000 bytes but only 3 bytes "
            "remain in the page");
  // A row group claiming more rows than its pages hold.
  std::string one = Page({.num_values = 1, .body = PlainInt32({1})});
  ChunkSpec few{one};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{few}}, {1000000})),
            "x.parquet: row group 0, column 'a': column chunk ends (offset " + std::to_string(4 + one.size()) +
                ") with 999999 rows still to read");
}

TEST(ParquetDamage, BadDeltaHeader) {
  // Block size 100 is not a multiple of 128.
  std::string body = Varint(100) + Varint(4) + Varint(1) + Varint(0);
  ChunkSpec chunk{Page({.num_values = 1, .encoding = kDeltaBinaryPacked, .body = body})};
  EXPECT_EQ(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{chunk}}, {1})),
            "x.parquet: row group 0, column 'a', page at offset 4: bad DELTA_BINARY_PACKED header (block size 100, "
            "4 miniblocks)");
  // A varint that never ends.
  ChunkSpec endless{Page({.num_values = 1, .encoding = kDeltaBinaryPacked, .body = std::string(12, '\xff')})};
  EXPECT_NE(ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{endless}}, {1})).find("varint longer than"),
            std::string::npos);
}

TEST(ParquetDamage, BadPageHeader) {
  // Thrift garbage where the page header should be.
  ChunkSpec chunk{std::string("\x15\xff\xff\xff\xff\xff\xff\x0f", 8)};
  std::string error = ErrorOf(BuildFile({{.name = "a", .repetition = kRequired}}, {{chunk}}, {1}));
  EXPECT_EQ(error.rfind("x.parquet: row group 0, column 'a', page at offset 4: page header: ", 0), 0u) << error;
}

// Truncations and byte flips of real files: success or InputError, never a crash.
void Torture(const std::string& bytes, size_t truncate_step, size_t flips, uint32_t seed) {
  for (size_t cut = 0; cut < bytes.size(); cut += truncate_step) ReadSurvives(bytes.substr(0, cut));
  std::mt19937 rng(seed);
  for (size_t i = 0; i < flips; ++i) {
    std::string damaged = bytes;
    // Half the flips hit the footer and the page headers' neighbourhood at the file's end.
    size_t pos =
        (i % 2 == 0) ? rng() % damaged.size() : damaged.size() - 1 - rng() % std::min<size_t>(damaged.size(), 4096);
    damaged[pos] = static_cast<char>(damaged[pos] ^ static_cast<char>(1 + rng() % 255));
    ReadSurvives(damaged);
  }
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ParquetDamage, TruncationsAndFlipsOfRealFiles) {
  std::string real = Slurp(SharedData("original-tests/test.parquet"));
  ASSERT_GT(real.size(), 1000u);
  Torture(real, 211, 1500, 1);
  for (const char* name :
       {"duckdb_v1_snappy.parquet", "duckdb_v2_zstd.parquet", "duckdb_v1_gzip.parquet",
        "duckdb_v2_lz4raw_plain.parquet", "duckdb_v1_zstd_types.parquet", "hyparquet_v2_gzip_delta.parquet",
        "hyparquet_v2_lz4_hadoop.parquet", "hyparquet_v2_snappy.parquet", "duckdb_v1_uncompressed_plain.parquet"}) {
    std::string bytes = Slurp(Fixture(name));
    ASSERT_GT(bytes.size(), 1000u) << name;
    Torture(bytes, 53, 400, 2);
  }
}

TEST(ParquetDamage, SyntheticFilesEveryByteFlipped) {
  std::string dict = Page({.type = kDictionaryPage, .num_values = 2, .body = PlainStrings({"a", "bc"})});
  std::string page =
      Page({.num_values = 4, .encoding = kRleDictionary, .body = DefLevels({1, 0, 1, 1}) + "\x01" + RleRun(3, 1, 1)});
  ChunkSpec chunk{dict + page, dict.size()};
  std::string file = BuildFile({{.name = "s", .type = kByteArray, .converted = 0}}, {{chunk}}, {4});
  Table ok = ReadBytes(file);
  EXPECT_EQ(ok.columns[0].strings, (std::vector<std::string>{"bc", "", "bc", "bc"}));
  for (size_t pos = 0; pos < file.size(); ++pos) {
    for (int x : {0x01, 0x80, 0xff}) {
      std::string damaged = file;
      damaged[pos] = static_cast<char>(damaged[pos] ^ x);
      ReadSurvives(damaged);
    }
    ReadSurvives(file.substr(0, pos));
  }
}

// ---------------------------------------------------------------------------
// Fixtures written by DuckDB and hyparquet-writer (tools/gen_parquet_fixtures.mjs).

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (;;) {
      size_t comma = line.find(',', start);
      cells.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

TEST(ParquetFixtures, EveryFixtureReadsItsExpectedValues) {
  auto manifest = ReadCsv(Fixture("fixtures.csv"));
  ASSERT_GE(manifest.size(), 13u);  // header + 12 files
  std::set<std::string> writers;
  for (size_t m = 1; m < manifest.size(); ++m) {
    const auto& entry = manifest[m];
    ASSERT_EQ(entry.size(), 8u);
    const std::string& name = entry[0];
    writers.insert(entry[2].substr(0, entry[2].find(' ')));
    SCOPED_TRACE(name + " (" + entry[2] + ", data page v" + entry[3] + ", " + entry[4] + " encodings, " + entry[5] +
                 ", dictionary " + entry[6] + ")");
    auto expected = ReadCsv(Fixture(entry[1]));
    size_t group_rows = std::stoul(entry[7]);
    Table t = ReadAll(FileBuffer::Load(Fixture(name)), 64);
    ASSERT_EQ(t.names, expected[0]);
    ASSERT_EQ(t.rows, expected.size() - 1);
    for (const auto& [first, count] : t.batches) {
      EXPECT_LE(first % group_rows + count, group_rows) << "batch at row " << first << " spans row groups";
    }
    for (size_t c = 0; c < t.names.size(); ++c) {
      const ReadColumn& col = t.columns[c];
      for (size_t r = 0; r < t.rows; ++r) {
        const std::string& want = expected[r + 1][c];
        if (col.type == core::ColumnType::kDouble) {
          double got = col.numbers[r];
          if (want.empty()) {
            EXPECT_TRUE(std::isnan(got)) << t.names[c] << " row " << r << ": " << got;
          } else {
            EXPECT_EQ(got, std::strtod(want.c_str(), nullptr)) << t.names[c] << " row " << r << ": want " << want;
          }
        } else {
          EXPECT_EQ(col.strings[r], want) << t.names[c] << " row " << r;
        }
      }
    }
  }
  EXPECT_EQ(writers, (std::set<std::string>{"DuckDB", "hyparquet-writer"}));
}

// ---------------------------------------------------------------------------
// The original tool's test file (written by pyarrow / parquet-cpp 1.5.1).
//
// Expected values come from the same table as test.csv, read with Debian's
// pandas 1.5.3: /usr/bin/python3 -c "import pandas as pd;
//   df = pd.read_csv('test.csv', index_col=0, float_precision='round_trip');
//   print(df.iloc[[0, 2, 1234, 4999]]); print(df.sum(numeric_only=True)); print(df.isna().sum())"
// (pandas here has no pyarrow, so it cannot read the parquet itself; every one
// of the 50,000 cells was also compared against that table once, all equal.)
// In the parquet file Sport and Dport are strings ("36967.0"), as pandas wrote
// them from an object column, and their missing values are the string "nan"
// (what pandas' read_parquet returns too); State's one missing value is a real
// null (an empty string here).

TEST(ParquetRealFile, MatchesPandas) {
  Table t = ReadAll(FileBuffer::Load(SharedData("original-tests/test.parquet")), 1000);
  ASSERT_EQ(t.names, (std::vector<std::string>{"StartTime", "Dur", "TotBytes", "SrcBytes", "Proto", "Sport", "Dport",
                                               "State", "DstAddr", "SrcAddr"}));
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batches.size(), 5u);
  const auto& start = t.columns[0].numbers;
  const auto& dur = t.columns[1].numbers;
  const auto& tot = t.columns[2].numbers;
  const auto& src = t.columns[3].numbers;
  const auto& proto = t.columns[4].strings;
  const auto& sport = t.columns[5].strings;
  const auto& dport = t.columns[6].strings;
  const auto& state = t.columns[7].strings;
  const auto& dst = t.columns[8].strings;
  const auto& srcaddr = t.columns[9].strings;

  // Row 0.
  EXPECT_EQ(start[0], 1313431402.17637);
  EXPECT_EQ(dur[0], 0.000499);
  EXPECT_EQ(tot[0], 132);
  EXPECT_EQ(src[0], 72);
  EXPECT_EQ(proto[0], "udp");
  EXPECT_EQ(sport[0], "36967.0");
  EXPECT_EQ(dport[0], "13363.0");
  EXPECT_EQ(state[0], "CON");
  EXPECT_EQ(dst[0], "147.32.84.229");
  EXPECT_EQ(srcaddr[0], "89.117.241.40");
  // Row 2 and 1234.
  EXPECT_EQ(dur[2], 0.055283000000000006);
  EXPECT_EQ(state[2], "_FSA");
  EXPECT_EQ(start[1234], 1312974333.002325);
  EXPECT_EQ(dur[1234], 3165.3208010000008);
  EXPECT_EQ(srcaddr[1234], "88.80.141.18");
  // Last row.
  EXPECT_EQ(start[4999], 1313064164.0478039);
  EXPECT_EQ(dur[4999], 1.404425);
  EXPECT_EQ(tot[4999], 1017);
  EXPECT_EQ(src[4999], 595);
  EXPECT_EQ(proto[4999], "tcp");
  EXPECT_EQ(sport[4999], "1840.0");
  EXPECT_EQ(dport[4999], "6881.0");
  EXPECT_EQ(state[4999], "FSPA_FSRA");
  EXPECT_EQ(dst[4999], "147.32.84.171");
  EXPECT_EQ(srcaddr[4999], "180.193.40.27");
  // Missing values: Sport 155 (first at row 40), Dport 158, State 1 (row 1970).
  EXPECT_EQ(std::count(sport.begin(), sport.end(), "nan"), 155);
  EXPECT_EQ(sport[40], "nan");
  EXPECT_EQ(std::count(dport.begin(), dport.end(), "nan"), 158);
  EXPECT_EQ(std::count(state.begin(), state.end(), ""), 1);
  EXPECT_EQ(state[1970], "");
  // Sums (pandas: StartTime 6566788758443.767, Dur 1476781.273978, TotBytes
  // 130641134, SrcBytes 11049984, Sport 188116538, Dport 35023427).
  auto sum = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s;
  };
  auto sum_strings = [](const std::vector<std::string>& v) {
    double s = 0;
    for (const auto& x : v) s += x == "nan" ? 0 : std::stod(x);
    return s;
  };
  EXPECT_NEAR(sum(start), 6566788758443.767, 1e-2);
  EXPECT_NEAR(sum(dur), 1476781.273978, 1e-6);
  EXPECT_EQ(sum(tot), 130641134);
  EXPECT_EQ(sum(src), 11049984);
  EXPECT_EQ(sum_strings(sport), 188116538);
  EXPECT_EQ(sum_strings(dport), 35023427);
  // String lengths (pandas: Proto 15155, State 19648, DstAddr 60311, SrcAddr 63464).
  auto chars = [](const std::vector<std::string>& v) {
    size_t n = 0;
    for (const auto& x : v) n += x.size();
    return n;
  };
  EXPECT_EQ(chars(proto), 15155u);
  EXPECT_EQ(chars(state), 19648u);
  EXPECT_EQ(chars(dst), 60311u);
  EXPECT_EQ(chars(srcaddr), 63464u);
}

TEST(ParquetRealFile, ThroughOpenReaderAndProgress) {
  std::string path = SharedData("original-tests/test.parquet");
  auto reader = OpenReader(path, std::nullopt);
  ASSERT_EQ(reader->schema().names.size(), 10u);
  EXPECT_EQ(reader->source_name(), path);
  reader->SetProjection({9, 6});
  size_t rows = 0;
  while (auto chunk = reader->NextChunk()) {
    core::ColumnBatch batch;
    batch.Reset(2);
    chunk->Decode(batch);
    rows += batch.num_rows;
    EXPECT_LE(reader->bytes_consumed(), reader->bytes_total());
  }
  EXPECT_EQ(rows, 5000u);
  EXPECT_GT(reader->bytes_consumed(), 0u);
}

}  // namespace
}  // namespace botrecon::io
