#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

#include "arrow_ipc_builder.h"
#include "core/error.h"
#include "io/formats/feather/flatbuf.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

using namespace botrecon::io::testing;  // NOLINT: test helpers
using botrecon::io::testing::Compression;  // not io::Compression (decompress.h)

const std::string kFixtures = std::string(BOTRECON_FIXTURES) + "/feather/";
const std::string kRealFile = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.feather";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// All rows of the projected columns, copied out of the batches.
struct Table {
  std::vector<core::ColumnType> types;
  std::vector<std::vector<double>> numbers;
  std::vector<std::vector<std::string>> strings;
  std::vector<size_t> batch_rows;
  size_t rows = 0;
};

Table ReadAll(Reader& reader, const std::vector<int>& projection, size_t max_rows = 65536) {
  reader.SetProjection(projection);
  Table t;
  t.numbers.resize(projection.size());
  t.strings.resize(projection.size());
  t.types.resize(projection.size());
  while (auto chunk = reader.NextChunk()) {
    core::ColumnBatch batch;
    batch.Reset(projection.size());
    chunk->Decode(batch);
    EXPECT_EQ(batch.first_row, t.rows);
    EXPECT_LE(batch.num_rows, max_rows);
    EXPECT_GT(batch.num_rows, 0u);
    EXPECT_EQ(batch.columns.size(), projection.size());
    for (size_t j = 0; j < projection.size(); ++j) {
      const core::Column& column = batch.columns[j];
      EXPECT_EQ(column.size(), batch.num_rows);
      if (t.rows == 0) t.types[j] = column.type;
      EXPECT_EQ(column.type, t.types[j]);
      if (column.type == core::ColumnType::kDouble) {
        t.numbers[j].insert(t.numbers[j].end(), column.numbers.begin(), column.numbers.end());
      } else {
        for (std::string_view s : column.strings) t.strings[j].emplace_back(s);
      }
    }
    t.rows += batch.num_rows;
    t.batch_rows.push_back(batch.num_rows);
  }
  return t;
}

std::vector<int> AllColumns(const Reader& reader) {
  std::vector<int> all;
  for (size_t i = 0; i < reader.schema().names.size(); ++i) all.push_back(static_cast<int>(i));
  return all;
}

int ColumnIndex(const Reader& reader, const std::string& name) {
  const auto& names = reader.schema().names;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  ADD_FAILURE() << "no column " << name;
  return -1;
}

std::unique_ptr<Reader> OpenBytes(std::string bytes, size_t max_rows = 65536, std::string name = "mem.arrow") {
  ReaderOptions options;
  options.max_batch_rows = max_rows;
  return OpenFeatherReader(FileBuffer::FromString(std::move(name), std::move(bytes)), options);
}

// Opens and reads everything; returns the InputError message ("" if none).
std::string ErrorOf(const std::string& bytes, std::string name = "mem.arrow") {
  try {
    auto reader = OpenBytes(bytes, 65536, std::move(name));
    reader->SetProjection(AllColumns(*reader));
    while (auto chunk = reader->NextChunk()) {
      core::ColumnBatch batch;
      batch.Reset(reader->schema().names.size());
      chunk->Decode(batch);
    }
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

bool SameNumber(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// ---- the real file (pandas to_feather via pyarrow 2.0.0, LZ4-compressed) -----------

// Expected values computed once with Debian's pandas 1.5.3 (/usr/bin/python3):
//   df = pd.read_pickle('original-tests/test.pkl')   # the same table as test.feather
//   df.iloc[r].tolist(); df[c].sum(); df[c].dropna().str.len().sum(); df[c].isna().sum()
// (That interpreter has no pyarrow, so pandas cannot read the .feather itself;
// apache-arrow 21.2.0 for Node read test.feather and matched test.pkl in every cell.)
TEST(FeatherRealFile, MatchesPandas) {
  auto reader = OpenFeatherReader(FileBuffer::Load(kRealFile), {});
  const std::vector<std::string> names = {"StartTime", "Dur",   "TotBytes", "SrcBytes", "Proto",
                                          "Sport",     "Dport", "State",    "DstAddr",  "SrcAddr"};
  ASSERT_EQ(reader->schema().names, names);
  Table t = ReadAll(*reader, AllColumns(*reader));
  ASSERT_EQ(t.rows, 5000u);
  for (int c = 0; c < 4; ++c) ASSERT_EQ(t.types[c], core::ColumnType::kDouble);
  for (int c = 4; c < 10; ++c) ASSERT_EQ(t.types[c], core::ColumnType::kString);

  auto check_row = [&](size_t r, double start, double dur, double tot, double src,
                       const std::vector<std::string>& strings) {
    SCOPED_TRACE("row " + std::to_string(r));
    EXPECT_EQ(t.numbers[0][r], start);
    EXPECT_EQ(t.numbers[1][r], dur);
    EXPECT_EQ(t.numbers[2][r], tot);
    EXPECT_EQ(t.numbers[3][r], src);
    for (size_t k = 0; k < strings.size(); ++k) EXPECT_EQ(t.strings[4 + k][r], strings[k]);
  };
  check_row(0, 1313431402.17637, 0.000499, 132, 72,
            {"udp", "36967.0", "13363.0", "CON", "147.32.84.229", "89.117.241.40"});
  check_row(1, 1313410480.196241, 0.001975, 284, 79, {"udp", "64502.0", "53.0", "CON", "147.32.80.9", "147.32.86.194"});
  check_row(2, 1313192829.734809, 0.055283000000000006, 364, 0,
            {"tcp", "1571.0", "8081.0", "_FSA", "147.32.87.54", "147.32.87.249"});
  check_row(1234, 1312974333.002325, 3165.3208010000008, 1428, 1056,
            {"udp", "17188.0", "13363.0", "CON", "147.32.84.229", "88.80.141.18"});
  check_row(4998, 1313328740.815326, 1834.5010989999998, 3069, 138,
            {"udp", "13363.0", "21888.0", "CON", "88.152.129.122", "147.32.84.229"});
  check_row(4999, 1313064164.0478039, 1.404425, 1017, 595,
            {"tcp", "1840.0", "6881.0", "FSPA_FSRA", "147.32.84.171", "180.193.40.27"});
  EXPECT_EQ(t.strings[7][1970], "");  // the one missing State

  double sums[4] = {0, 0, 0, 0};
  for (int c = 0; c < 4; ++c) {
    for (double v : t.numbers[c]) sums[c] += v;
  }
  EXPECT_NEAR(sums[0], 6566788758443.767, 1e-2);
  EXPECT_NEAR(sums[1], 1476781.273978, 1e-6);
  EXPECT_EQ(sums[2], 130641134.0);
  EXPECT_EQ(sums[3], 11049984.0);
  const size_t lengths[6] = {15155, 33653, 25564, 19648, 60311, 63464};
  for (int c = 4; c < 10; ++c) {
    size_t total = 0;
    size_t empty = 0;
    for (const auto& s : t.strings[c]) {
      total += s.size();
      empty += s.empty() ? 1 : 0;
    }
    EXPECT_EQ(total, lengths[c - 4]) << names[c];
    EXPECT_EQ(empty, c == 7 ? 1u : 0u) << names[c];
  }
}

TEST(FeatherRealFile, ProjectionAndSmallBatches) {
  ReaderOptions options;
  options.max_batch_rows = 777;
  auto reader = OpenReader(kRealFile, std::nullopt, options);  // type detected from the magic
  EXPECT_EQ(reader->bytes_total(), 317322u);
  Table t = ReadAll(*reader, {9, 2, 6}, 777);
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batch_rows.size(), 7u);  // 6 x 777 + 338
  EXPECT_EQ(t.strings[0][0], "89.117.241.40");
  EXPECT_EQ(t.numbers[1][4999], 1017);
  EXPECT_EQ(t.strings[2][1234], "13363.0");
  EXPECT_LT(reader->bytes_consumed(), reader->bytes_total());  // all but the footer area
  EXPECT_GT(reader->bytes_consumed(), reader->bytes_total() - 4096);
}

TEST(FeatherRealFile, DamagedCopiesFailCleanly) {
  const std::string original = ReadFileBytes(kRealFile);
  ASSERT_EQ(original.size(), 317322u);
  size_t ok = 0;
  size_t failed = 0;
  auto attempt = [&](const std::string& bytes) {
    std::string error = ErrorOf(bytes, "test.feather");
    (error.empty() ? ok : failed)++;
    if (!error.empty()) EXPECT_EQ(error.rfind("test.feather", 0), 0u) << error;
  };
  // Truncations: through the metadata at both ends, then spread over the data.
  for (size_t size = 0; size < 2100; size += 7) attempt(original.substr(0, size));
  for (size_t cut = 1; cut < 2100; cut += 5) attempt(original.substr(0, original.size() - cut));
  for (size_t size = 2100; size < original.size(); size += 4999) attempt(original.substr(0, size));
  // Byte flips: every metadata byte (schema message, record batch header, footer), then a sample of data bytes.
  auto flip = [&](size_t pos, char mask) {
    std::string bytes = original;
    bytes[pos] = static_cast<char>(bytes[pos] ^ mask);
    attempt(bytes);
  };
  for (size_t pos = 0; pos < 2400; ++pos) flip(pos, static_cast<char>(0x5a));
  for (size_t pos = original.size() - 1950; pos < original.size(); ++pos) flip(pos, static_cast<char>(0xa5));
  for (size_t pos = 2400; pos < original.size() - 1950; pos += 613) flip(pos, static_cast<char>(0xff));
  EXPECT_GT(failed, 0u);
  EXPECT_GT(ok, 0u);
}

// ---- fixtures written by apache-arrow (JS) -----------------------------------------

struct Expected {
  size_t num_rows = 0;
  std::vector<size_t> batch_rows;
  std::vector<std::string> names;
  std::vector<bool> is_string;
  std::vector<std::vector<std::optional<double>>> numbers;
  std::vector<std::vector<std::optional<std::string>>> strings;
};

Expected LoadExpected(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.load(path);
  Expected e;
  e.num_rows = static_cast<size_t>(uint64_t(doc["num_rows"]));
  for (simdjson::dom::element n : doc["batch_rows"].get_array())
    e.batch_rows.push_back(static_cast<size_t>(uint64_t(n)));
  for (simdjson::dom::element column : doc["columns"].get_array()) {
    e.names.emplace_back(std::string_view(column["name"]));
    bool is_string = std::string_view(column["kind"]) == "string";
    e.is_string.push_back(is_string);
    e.numbers.emplace_back();
    e.strings.emplace_back();
    for (simdjson::dom::element v : column["values"].get_array()) {
      if (is_string) {
        e.strings.back().push_back(v.is_null() ? std::nullopt : std::optional<std::string>(std::string_view(v)));
      } else {
        e.numbers.back().push_back(v.is_null() ? std::nullopt : std::optional<double>(double(v)));
      }
    }
  }
  return e;
}

void CheckFixture(const std::string& file, const std::string& expected_file, size_t max_rows) {
  SCOPED_TRACE(file + " max_batch_rows=" + std::to_string(max_rows));
  Expected e = LoadExpected(kFixtures + expected_file);
  ReaderOptions options;
  options.max_batch_rows = max_rows;
  // Through an in-memory copy (FromString) as well as the mapped file.
  auto reader = max_rows % 2 == 0 ? OpenFeatherReader(FileBuffer::Load(kFixtures + file), options)
                                  : OpenBytes(ReadFileBytes(kFixtures + file), max_rows, file);
  std::vector<int> projection;
  for (const auto& name : e.names) projection.push_back(ColumnIndex(*reader, name));
  Table t = ReadAll(*reader, projection, max_rows);
  ASSERT_EQ(t.rows, e.num_rows);
  if (max_rows >= 1000) EXPECT_EQ(t.batch_rows, e.batch_rows);
  for (size_t j = 0; j < e.names.size(); ++j) {
    SCOPED_TRACE("column " + e.names[j]);
    if (e.is_string[j]) {
      ASSERT_EQ(t.types[j], core::ColumnType::kString);
      for (size_t r = 0; r < e.num_rows; ++r) EXPECT_EQ(t.strings[j][r], e.strings[j][r].value_or("")) << "row " << r;
    } else {
      ASSERT_EQ(t.types[j], core::ColumnType::kDouble);
      for (size_t r = 0; r < e.num_rows; ++r) {
        EXPECT_PRED2(SameNumber, t.numbers[j][r], e.numbers[j][r].value_or(kNaN)) << "row " << r;
      }
    }
  }
}

class FeatherFixture : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(FeatherFixture, MatchesExpectedValues) {
  auto [file, expected] = GetParam();
  for (size_t max_rows : {65536, 7, 1, 100}) CheckFixture(file, expected, max_rows);
}

INSTANTIATE_TEST_SUITE_P(Feather, FeatherFixture,
                         ::testing::Values(std::pair{"basic.arrow", "basic.arrow.expected.json"},
                                           std::pair{"flows.arrow", "flows.expected.json"},
                                           std::pair{"flows_lz4.arrow", "flows.expected.json"},
                                           std::pair{"flows_zstd.arrow", "flows.expected.json"},
                                           std::pair{"flows.arrows", "flows.expected.json"},
                                           std::pair{"flows_zstd.arrows", "flows.expected.json"},
                                           std::pair{"dict_delta.arrow", "dict_delta.arrow.expected.json"},
                                           std::pair{"dict_replace.arrows", "dict_replace.arrows.expected.json"},
                                           std::pair{"types.arrow", "types.arrow.expected.json"}));

TEST(FeatherFixtures, NestedColumnsAreSkippedOrRejected) {
  auto reader = OpenFeatherReader(FileBuffer::Load(kFixtures + "types.arrow"), {});
  EXPECT_EQ(reader->schema().names.front(), "nested");
  try {
    reader->SetProjection({ColumnIndex(*reader, "pair")});
    FAIL() << "projecting a struct column must fail";
  } catch (const core::InputError& e) {
    EXPECT_CONTAINS(e.what(), "types.arrow: column 'pair' has the Arrow type Struct, which botrecon cannot read");
  }
}

TEST(FeatherFixtures, DamagedCopiesFailCleanly) {
  for (const char* file : {"flows_lz4.arrow", "flows_zstd.arrows", "dict_delta.arrow", "types.arrow", "basic.arrow"}) {
    SCOPED_TRACE(file);
    const std::string original = ReadFileBytes(kFixtures + file);
    for (size_t size = 0; size < original.size(); size += 1 + size / 64) ErrorOf(original.substr(0, size), file);
    for (size_t pos = 0; pos < original.size(); pos += 1 + pos / 256) {
      for (char mask : {'\x01', '\x80', '\xff'}) {
        std::string bytes = original;
        bytes[pos] = static_cast<char>(bytes[pos] ^ mask);
        std::string error = ErrorOf(bytes, file);
        if (!error.empty()) EXPECT_EQ(error.rfind(file, 0), 0u) << error;
      }
    }
  }
}

// ---- in-memory files built by the test -------------------------------------------

FieldSpec IntField(std::string name, int bits, bool is_signed = true) {
  return FieldSpec{std::move(name), kInt, IntTypeFb(bits, is_signed), {}, {}, {}};
}
FieldSpec Utf8Field(std::string name) { return FieldSpec{std::move(name), kUtf8, nullptr, {}, {}, {}}; }
FieldSpec DictField(std::string name, int64_t id, FbPtr index_type = nullptr) {
  return FieldSpec{std::move(name), kUtf8, nullptr, id, std::move(index_type), {}};
}

IpcMessage Batch(BatchSpec spec) { return IpcMessage{std::nullopt, std::move(spec)}; }
IpcMessage Dict(int64_t id, const std::vector<std::optional<std::string>>& words, bool delta = false,
                Compression compression = Compression::kNone) {
  BatchSpec data{static_cast<int64_t>(words.size()), {Strings(words)}, compression, false, {}};
  return IpcMessage{DictionarySpec{id, data, delta}, std::nullopt};
}

// A file of two int columns and a string column over two batches.
std::string SimpleFile(Compression compression = Compression::kNone, bool store_uncompressed = false) {
  std::vector<FieldSpec> fields = {IntField("a", 32), IntField("b", 64), Utf8Field("s")};
  BatchSpec b1{3,
               {Fixed<int32_t>({1, 2, 3}, {true, false, true}), Fixed<int64_t>({10, 20, 30}),
                Strings({"x", std::nullopt, "zz"})},
               compression,
               store_uncompressed,
               {}};
  BatchSpec b2{2,
               {Fixed<int32_t>({4, 5}), Fixed<int64_t>({40, -50}), Strings({"", "long string"})},
               compression,
               store_uncompressed,
               {}};
  return WriteFile(fields, {Batch(b1), Batch(b2)});
}

void ExpectSimpleValues(const Table& t) {
  ASSERT_EQ(t.rows, 5u);
  EXPECT_PRED2(SameNumber, t.numbers[0][1], kNaN);
  EXPECT_EQ(t.numbers[0][4], 5);
  EXPECT_EQ(t.numbers[1][4], -50);
  EXPECT_EQ(t.strings[2], (std::vector<std::string>{"x", "", "zz", "", "long string"}));
}

TEST(FeatherBuilt, SimpleFileInMemory) {
  auto reader = OpenBytes(SimpleFile());
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b", "s"}));
  EXPECT_TRUE(reader->schema().has_header);
  Table t = ReadAll(*reader, {0, 1, 2});
  ExpectSimpleValues(t);
  EXPECT_EQ(t.batch_rows, (std::vector<size_t>{3, 2}));
}

TEST(FeatherBuilt, ProjectionOrderAndRepeats) {
  auto reader = OpenBytes(SimpleFile());
  Table t = ReadAll(*reader, {2, 0, 2});
  EXPECT_EQ(t.strings[0][4], "long string");
  EXPECT_EQ(t.numbers[1][0], 1);
  EXPECT_EQ(t.strings[2][2], "zz");
}

TEST(FeatherBuilt, SplitsBatchesLargerThanMaxRows) {
  auto reader = OpenBytes(SimpleFile(), 2);
  Table t = ReadAll(*reader, {1}, 2);
  EXPECT_EQ(t.batch_rows, (std::vector<size_t>{2, 1, 2}));
  EXPECT_EQ(t.numbers[0], (std::vector<double>{10, 20, 30, 40, -50}));
}

TEST(FeatherBuilt, StringsOutliveTheReader) {
  core::ColumnBatch batch;
  {
    auto reader = OpenBytes(SimpleFile(Compression::kZstd));
    reader->SetProjection({2});
    batch.Reset(1);
    reader->NextChunk()->Decode(batch);
  }
  EXPECT_EQ(batch.columns[0].strings[2], "zz");  // decompressed bytes kept alive by the batch
}

TEST(FeatherBuilt, CompressedBuffers) {
  for (Compression compression : {Compression::kLz4, Compression::kZstd}) {
    for (bool store_uncompressed : {false, true}) {
      auto reader = OpenBytes(SimpleFile(compression, store_uncompressed));
      ExpectSimpleValues(ReadAll(*reader, {0, 1, 2}));
    }
  }
}

TEST(FeatherBuilt, StreamFormat) {
  std::vector<FieldSpec> fields = {IntField("n", 16, false), DictField("w", 3)};
  BatchSpec b1{2, {Fixed<uint16_t>({65535, 7}), Fixed<int32_t>({1, 0})}, Compression::kNone, false, {}};
  BatchSpec b2{1, {Fixed<uint16_t>({9}), Fixed<int32_t>({2})}, Compression::kNone, false, {}};
  std::vector<IpcMessage> messages = {Dict(3, {"a", "b"}), Batch(b1), Dict(3, {"c"}, true), Batch(b2)};
  for (bool end_marker : {true, false}) {
    auto reader = OpenBytes(WriteStream(fields, messages, end_marker));
    Table t = ReadAll(*reader, {0, 1});
    EXPECT_EQ(t.numbers[0], (std::vector<double>{65535, 7, 9}));
    EXPECT_EQ(t.strings[1], (std::vector<std::string>{"b", "a", "c"}));
    EXPECT_EQ(reader->bytes_consumed(), reader->bytes_total());
  }
  // The 4-byte end marker of Arrow before 0.15.
  auto reader = OpenBytes(WriteStream(fields, messages, false) + std::string(4, '\0'));
  EXPECT_EQ(ReadAll(*reader, {1}).rows, 3u);
}

TEST(FeatherBuilt, DictionaryReplacementInStream) {
  std::vector<FieldSpec> fields = {DictField("w", 1, IntTypeFb(8, false))};
  BatchSpec batch{2, {Fixed<uint8_t>({1, 0}, {true, true})}, Compression::kNone, false, {}};
  auto reader = OpenBytes(WriteStream(fields, {Dict(1, {"a", "b"}), Batch(batch), Dict(1, {"c", "d"}), Batch(batch)}));
  EXPECT_EQ(ReadAll(*reader, {0}).strings[0], (std::vector<std::string>{"b", "a", "d", "c"}));
}

TEST(FeatherBuilt, CompressedDictionaryAndNullIndices) {
  std::vector<FieldSpec> fields = {DictField("w", 5, IntTypeFb(64, true))};
  BatchSpec batch{3, {Fixed<int64_t>({2, 99, 0}, {true, false, true})}, Compression::kLz4, false, {}};
  auto reader =
      OpenBytes(WriteFile(fields, {Dict(5, {"p", std::nullopt, "r"}, false, Compression::kZstd), Batch(batch)}));
  EXPECT_EQ(ReadAll(*reader, {0}).strings[0], (std::vector<std::string>{"r", "", "p"}));
}

TEST(FeatherBuilt, NumericTypes) {
  FbPtr decimal = FbTable({{0, Scalar<int32_t>(10)}, {1, Scalar<int32_t>(2)}, {2, Scalar<int32_t>(128)}});
  std::vector<FieldSpec> fields = {
      IntField("i8", 8),
      IntField("u32", 32, false),
      IntField("u64", 64, false),
      FieldSpec{"half", kFloatingPoint, FloatTypeFb(0), {}, {}, {}},
      FieldSpec{"single", kFloatingPoint, FloatTypeFb(1), {}, {}, {}},
      FieldSpec{"flag", kBool, nullptr, {}, {}, {}},
      FieldSpec{"dec", kDecimal, decimal, {}, {}, {}},
      FieldSpec{"day", kDate, FbTable({{0, Scalar<int16_t>(0)}}), {}, {}, {}},
      FieldSpec{"nothing", kNull, nullptr, {}, {}, {}},
      FieldSpec{"t64", kTime, FbTable({{0, Scalar<int16_t>(3)}, {1, Scalar<int32_t>(64)}}), {}, {}, {}},
  };
  // Decimal128 values -12345 and 2^64 + 1, scale 2.
  std::string decimals = Bytes(int64_t{-12345}) + Bytes(int64_t{-1}) + Bytes(uint64_t{1}) + Bytes(int64_t{1});
  ArrayData null_array{2, 2, {}};
  BatchSpec batch{
      2,
      {Fixed<int8_t>({-128, 127}), Fixed<uint32_t>({4294967295u, 0}), Fixed<uint64_t>({18446744073709551615ull, 1}),
       Fixed<uint16_t>({0x3c00, 0xfc00}), Fixed<float>({0.5f, -1.25f}, {false, true}),
       ArrayData{2, 0, {"", std::string(1, '\x02')}}, ArrayData{2, 0, {"", decimals}}, Fixed<int32_t>({15000, -1}),
       null_array, Fixed<int64_t>({86399999999999, 0})},
      Compression::kNone,
      false,
      {}};
  auto reader = OpenBytes(WriteFile(fields, {Batch(batch)}));
  Table t = ReadAll(*reader, AllColumns(*reader));
  EXPECT_EQ(t.numbers[0], (std::vector<double>{-128, 127}));
  EXPECT_EQ(t.numbers[1], (std::vector<double>{4294967295.0, 0}));
  EXPECT_EQ(t.numbers[2], (std::vector<double>{18446744073709551615.0, 1}));
  EXPECT_EQ(t.numbers[3][0], 1.0);
  EXPECT_EQ(t.numbers[3][1], -HUGE_VAL);
  EXPECT_PRED2(SameNumber, t.numbers[4][0], kNaN);
  EXPECT_EQ(t.numbers[4][1], -1.25);
  EXPECT_EQ(t.numbers[5], (std::vector<double>{0, 1}));
  EXPECT_DOUBLE_EQ(t.numbers[6][0], -123.45);
  EXPECT_DOUBLE_EQ(t.numbers[6][1], 18446744073709551617.0 / 100);
  EXPECT_EQ(t.numbers[7], (std::vector<double>{15000, -1}));
  EXPECT_TRUE(std::isnan(t.numbers[8][0]) && std::isnan(t.numbers[8][1]));
  EXPECT_EQ(t.numbers[9][0], 86399999999999.0);
}

TEST(FeatherBuilt, LargeUtf8AndEmptyBatches) {
  std::vector<FieldSpec> fields = {FieldSpec{"big", kLargeUtf8, nullptr, {}, {}, {}}};
  BatchSpec empty{0, {ArrayData{0, 0, {"", "", ""}}}, Compression::kNone, false, {}};
  BatchSpec batch{2, {Strings<int64_t>({"αβγ", std::nullopt})}, Compression::kNone, false, {}};
  auto reader = OpenBytes(WriteFile(fields, {Batch(empty), Batch(batch), Batch(empty)}));
  Table t = ReadAll(*reader, {0});
  EXPECT_EQ(t.strings[0], (std::vector<std::string>{"αβγ", ""}));
  EXPECT_EQ(t.batch_rows, (std::vector<size_t>{2}));
}

TEST(FeatherBuilt, SkipsNestedAndViewColumns) {
  FieldSpec list{"list", kList, nullptr, {}, {}, {IntField("item", 32)}};
  FieldSpec strukt{"pair", kStruct, nullptr, {}, {}, {Utf8Field("a"), list}};
  FieldSpec view{"view", kUtf8View, nullptr, {}, {}, {}};
  std::vector<FieldSpec> fields = {strukt, view, IntField("x", 8)};
  // struct(1 buffer) > utf8(3) + list(2) > int(2); view: 2 + 1 variadic; int: 2.
  BatchSpec batch{1,
                  {ArrayData{1, 0, {""}}, Strings({"s"}), ArrayData{1, 0, {"", Values<int32_t>({0, 1})}},
                   Fixed<int32_t>({5}), ArrayData{1, 0, {"", std::string(16, '\0'), "data"}}, Fixed<int8_t>({42})},
                  Compression::kNone,
                  false,
                  {1}};
  auto reader = OpenBytes(WriteFile(fields, {Batch(batch)}));
  EXPECT_EQ(ReadAll(*reader, {2}).numbers[0], (std::vector<double>{42}));
  auto again = OpenBytes(WriteFile(fields, {Batch(batch)}));
  try {
    again->SetProjection({1});
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_CONTAINS(e.what(), "column 'view' has the Arrow type Utf8View");
  }
}

// ---- damaged in-memory files: one test per kind of damage --------------------------

TEST(FeatherDamage, WrongMagicAndEmpty) {
  EXPECT_EQ(ErrorOf("PAR1 not arrow at all"),
            "mem.arrow: not a Feather v2 / Arrow IPC file: it starts with neither the magic 'ARROW1' nor an IPC "
            "stream message");
  EXPECT_EQ(ErrorOf(""), "mem.arrow: the file is empty; expected a Feather (Arrow IPC) file");
  EXPECT_CONTAINS(ErrorOf("FEA1\x01\x02\x03\x04"), "mem.arrow: this is a Feather v1 file");
}

TEST(FeatherDamage, Truncated) {
  std::string file = SimpleFile();
  EXPECT_EQ(ErrorOf(file.substr(0, file.size() - 1)),
            "mem.arrow: truncated Feather/Arrow IPC file: the trailing 'ARROW1' magic is missing");
  EXPECT_EQ(ErrorOf("ARROW1"), "mem.arrow: truncated Feather/Arrow IPC file: the trailing 'ARROW1' magic is missing");
  // A stream cut inside a message.
  std::vector<FieldSpec> fields = {IntField("a", 32)};
  std::string stream = WriteStream(fields, {Batch(BatchSpec{1, {Fixed<int32_t>({1})}, Compression::kNone, false, {}})});
  EXPECT_CONTAINS(ErrorOf(stream.substr(0, stream.size() - 12)), "runs past the end of the file");
}

void PutInt32(std::string& bytes, size_t pos, int32_t value) { std::memcpy(bytes.data() + pos, &value, 4); }
void PutInt64(std::string& bytes, size_t pos, int64_t value) { std::memcpy(bytes.data() + pos, &value, 8); }

TEST(FeatherDamage, BadFooterLength) {
  std::string file = SimpleFile();
  for (int32_t length : {0, -5, 1 << 30, static_cast<int32_t>(file.size())}) {
    std::string bytes = file;
    PutInt32(bytes, bytes.size() - 10, length);
    EXPECT_CONTAINS(ErrorOf(bytes), "mem.arrow: footer: bad footer length " + std::to_string(length));
  }
  std::string bytes = file;
  PutInt32(bytes, bytes.size() - 10, 3);  // a footer too short to hold its root offset
  EXPECT_CONTAINS(ErrorOf(bytes), "mem.arrow: footer at offset");
}

// Finds the footer's blocks; returns the position of record batch block `index`'s offset field.
size_t BatchBlockPos(const std::string& file, size_t index) {
  int32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 10, 4);
  size_t footer = file.size() - 10 - static_cast<size_t>(footer_length);
  // WriteFile lays out: root, vtable, table, ..., so find the blocks via the reader's accessors.
  flatbuf::Table root = flatbuf::Table::Root(std::string_view(file).substr(footer, static_cast<size_t>(footer_length)));
  flatbuf::Vector blocks = root.VectorOf(3, 24);
  return footer + static_cast<size_t>(blocks.ElementPos(static_cast<uint32_t>(index), 24));
}

TEST(FeatherDamage, BadBlocks) {
  std::string file = SimpleFile();
  size_t block = BatchBlockPos(file, 1);
  std::string bytes = file;
  PutInt64(bytes, block, static_cast<int64_t>(file.size()) + 100);  // offset past the end
  EXPECT_CONTAINS(ErrorOf(bytes), "mem.arrow: record batch 2 at offset");
  EXPECT_CONTAINS(ErrorOf(bytes), "runs past the end of the file");
  bytes = file;
  PutInt64(bytes, block, -8);
  EXPECT_CONTAINS(ErrorOf(bytes), "mem.arrow: footer at offset");
  EXPECT_CONTAINS(ErrorOf(bytes), "record batch block 2 has a negative offset or length");
  bytes = file;
  PutInt64(bytes, block, 8);  // points at the schema message (with too short a metadata length)
  EXPECT_EQ(ErrorOf(bytes),
            "mem.arrow: record batch 2 at offset 8: the footer's metadata length 248 is shorter than "
            "the message's 272");
  int32_t schema_length;
  std::memcpy(&schema_length, file.data() + 12, 4);
  PutInt32(bytes, block + 8, schema_length + 8);
  EXPECT_EQ(ErrorOf(bytes), "mem.arrow: record batch 2: the block is not a record batch");
  bytes = file;
  PutInt32(bytes, block + 8, 4);  // metadata length shorter than the message's
  EXPECT_CONTAINS(ErrorOf(bytes), "is shorter than the message's");
}

TEST(FeatherDamage, LyingMessageLengths) {
  std::string file = SimpleFile();
  int64_t offset;
  std::memcpy(&offset, file.data() + BatchBlockPos(file, 0), 8);
  std::string bytes = file;
  PutInt32(bytes, static_cast<size_t>(offset) + 4, 1 << 30);
  EXPECT_EQ(ErrorOf(bytes), "mem.arrow: record batch 1 at offset " + std::to_string(offset) +
                                ": message metadata length 1073741824 runs past the end of the file");
  bytes = file;
  PutInt32(bytes, static_cast<size_t>(offset), 0x12345678);
  EXPECT_CONTAINS(ErrorOf(bytes), "expected the IPC continuation marker");
}

BatchSpec OneColumnBatch(ArrayData array, int64_t length) {
  return BatchSpec{length, {std::move(array)}, Compression::kNone, false, {}};
}

TEST(FeatherDamage, BuffersOutsideTheBody) {
  std::vector<FieldSpec> fields = {IntField("a", 64)};
  // Values buffer too short for the 4 rows the batch claims.
  std::string file = WriteFile(fields, {Batch(OneColumnBatch(Fixed<int64_t>({1, 2}), 2))});
  std::string lying = WriteFile(
      fields, {Batch(BatchSpec{4, {ArrayData{4, 0, {"", Values<int64_t>({1, 2})}}}, Compression::kNone, false, {}})});
  EXPECT_EQ(ErrorOf(lying), "mem.arrow: record batch 1, column 'a', buffer 1: has 16 bytes but the column needs 32");
  // Node length disagreeing with the batch.
  std::string mismatch =
      WriteFile(fields, {Batch(BatchSpec{3, {Fixed<int64_t>({1, 2})}, Compression::kNone, false, {}})});
  EXPECT_EQ(ErrorOf(mismatch),
            "mem.arrow: record batch 1, column 'a': the column has 2 values but the batch has 3 rows");
  // Null count above the length.
  ArrayData bad_nulls = Fixed<int64_t>({1, 2});
  bad_nulls.null_count = 3;
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {Batch(OneColumnBatch(bad_nulls, 2))})), "bad null count 3 for 2 values");
  // Nulls without a validity bitmap.
  ArrayData no_bitmap = Fixed<int64_t>({1, 2});
  no_bitmap.null_count = 1;
  EXPECT_EQ(ErrorOf(WriteFile(fields, {Batch(OneColumnBatch(no_bitmap, 2))})),
            "mem.arrow: record batch 1, column 'a', buffer 0: has 0 bytes but the column needs 1");
  // Too few buffers and nodes.
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {Batch(OneColumnBatch(ArrayData{2, 0, {""}}, 2))})),
                  "the schema needs 1 field nodes and 2 buffers but the batch has 1 and 1");
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {Batch(BatchSpec{1, {}, Compression::kNone, false, {}})})),
                  "the schema needs 1 field nodes");
  // Negative batch length.
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {Batch(OneColumnBatch(Fixed<int64_t>({}), -1))})),
                  "negative record batch length -1");
  // A buffer whose offset lies past the body: patch the buffers vector of a valid file.
  std::string bytes = file;
  std::string needle = Bytes(int64_t{0}) + Bytes(int64_t{16});  // the values buffer (after the empty bitmap)
  size_t pos = bytes.find(needle);
  ASSERT_NE(pos, std::string::npos);
  PutInt64(bytes, pos, 1 << 20);
  EXPECT_EQ(ErrorOf(bytes),
            "mem.arrow: record batch 1, column 'a', buffer 1: bytes 1048576+16 lie outside the "
            "message body of 16 bytes");
}

TEST(FeatherDamage, BadStringOffsets) {
  std::vector<FieldSpec> fields = {IntField("id", 8), Utf8Field("s")};
  ArrayData strings = Strings({"ab", "cd"});
  strings.buffers[1] = Values<int32_t>({0, 2, 9});  // past the 4 data bytes
  BatchSpec batch{2, {Fixed<int8_t>({1, 2}), strings}, Compression::kNone, false, {}};
  std::string file = WriteFile(fields, {Batch(batch), Batch(batch)});
  EXPECT_EQ(ErrorOf(file),
            "mem.arrow: row 2, column 's' (field 2) (record batch 1): string offsets 2..9 lie outside "
            "the 4-byte data buffer");
  strings.buffers[1] = Values<int32_t>({0, 3, 2});  // decreasing
  batch.arrays[1] = strings;
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {Batch(batch)})), "string offsets 3..2");
  strings.buffers[1] = Values<int32_t>({0, 2});  // too short for 2 values
  batch.arrays[1] = strings;
  EXPECT_EQ(ErrorOf(WriteFile(fields, {Batch(batch)})),
            "mem.arrow: record batch 1, column 's', buffer 3: has 8 bytes but the column needs 12");
}

TEST(FeatherDamage, DictionaryProblems) {
  std::vector<FieldSpec> fields = {DictField("w", 4, IntTypeFb(8, true))};
  BatchSpec batch = OneColumnBatch(Fixed<int8_t>({0, 1, -1}, {true, true, true}), 3);
  // Index out of range, named by row and column.
  EXPECT_EQ(ErrorOf(WriteFile(fields, {Dict(4, {"a", "b"}), Batch(OneColumnBatch(Fixed<int8_t>({0, 1, 2}), 3))})),
            "mem.arrow: row 3, column 'w' (field 1): dictionary index 2 is out of range (the dictionary has 2 values)");
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {Dict(4, {"a", "b"}), Batch(batch)})),
                  "dictionary index -1 is out of range");
  // Second batch rows are numbered across batches.
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {Dict(4, {"a", "b"}), Batch(OneColumnBatch(Fixed<int8_t>({0}), 1)),
                                             Batch(OneColumnBatch(Fixed<int8_t>({5}), 1))})),
                  "mem.arrow: row 2, column 'w'");
  // No dictionary at all.
  EXPECT_EQ(ErrorOf(WriteFile(fields, {Batch(OneColumnBatch(Fixed<int8_t>({0}), 1))})),
            "mem.arrow: record batch 1, column 'w': dictionary 4 was not defined before its use");
  // A dictionary batch for an unknown id is ignored.
  EXPECT_EQ(ErrorOf(WriteFile(fields, {Dict(9, {"z"}), Dict(4, {"a"}), Batch(OneColumnBatch(Fixed<int8_t>({0}), 1))})),
            "");
  // A damaged dictionary batch.
  IpcMessage dict = Dict(4, {"a"});
  dict.dictionary->data.arrays[0].buffers[1] = Values<int32_t>({0, 7});
  EXPECT_EQ(ErrorOf(WriteFile(fields, {dict, Batch(OneColumnBatch(Fixed<int8_t>({0}), 1))})),
            "mem.arrow: dictionary batch 1, dictionary 4 of column 'w', value 1: string offsets 0..7 lie outside the "
            "1-byte data buffer");
  // A record batch where a dictionary batch belongs.
  std::string stream = WriteStream(fields, {Batch(OneColumnBatch(Fixed<int8_t>({0}), 1))});
  EXPECT_CONTAINS(ErrorOf(stream), "dictionary 4 was not defined before its use");
}

TEST(FeatherDamage, CompressionProblems) {
  std::vector<FieldSpec> fields = {IntField("a", 64)};
  // A stream whose one batch has 4 int64 values stored as `claimed` + `payload`.
  // With `bare`, the payload is stored without its length prefix.
  auto compressed_file = [&](Compression codec, int64_t claimed, std::string payload, int8_t codec_id = -1,
                             bool bare = false) {
    if (codec_id < 0) codec_id = codec == Compression::kLz4 ? 0 : 1;
    std::string stored = bare ? payload : Bytes(claimed) + payload;
    std::string buffers =
        Bytes(int64_t{0}) + Bytes(int64_t{0}) + Bytes(int64_t{0}) + Bytes(static_cast<int64_t>(stored.size()));
    while (stored.size() % 8 != 0) stored.push_back('\0');
    FbPtr header = FbTable({{0, Scalar<int64_t>(4)},
                            {1, Ref(FbRawVector(Bytes(int64_t{4}) + Bytes(int64_t{0}), 1))},
                            {2, Ref(FbRawVector(buffers, 2))},
                            {3, Ref(FbTable({{0, Scalar<int8_t>(codec_id)}}))}});
    return SchemaMessage(fields) + EncodeMessage(3, header, stored) + kEndOfStream;
  };
  std::string raw = Values<int64_t>({1, 2, 3, 4});
  for (Compression codec : {Compression::kLz4, Compression::kZstd}) {
    SCOPED_TRACE(codec == Compression::kLz4 ? "lz4" : "zstd");
    std::string good = CompressBuffer(codec, raw);
    EXPECT_EQ(ErrorOf(compressed_file(codec, 32, good)), "");
    EXPECT_EQ(ErrorOf(compressed_file(codec, -1, raw)), "");
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, 40, good)), "buffer decompresses to 32 bytes but claims 40");
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, 33, good)), "buffer decompresses to 32 bytes but claims 33");
    // Claims the 32 bytes the column needs but holds more.
    std::string more = CompressBuffer(codec, raw + raw);
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, 32, more)),
                    "buffer decompresses to more than the 32 bytes it claims");
    EXPECT_EQ(
        ErrorOf(compressed_file(codec, 24, good)),
        "mem.arrow: record batch 1 (stream message at offset 136), column 'a', buffer 1: uncompressed length 24 is "
        "less than the 32 bytes the column needs");
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, -7, good)), "negative uncompressed length -7");
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, 32, good.substr(0, good.size() - 3))), "buffer 1: ");
    std::string garbage = good;
    for (size_t i = 4; i < garbage.size(); ++i) garbage[i] = static_cast<char>(garbage[i] ^ 0x3c);
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, 32, garbage)), "buffer 1: ");
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, 0, "abc", -1, true)), "shorter than its 8-byte length prefix");
    // A claimed length far beyond the data: fails without allocating it.
    EXPECT_CONTAINS(ErrorOf(compressed_file(codec, int64_t{1} << 60, good)),
                    "buffer decompresses to 32 bytes but claims");
  }
  EXPECT_EQ(ErrorOf(compressed_file(Compression::kZstd, 32, raw, 7)),
            "mem.arrow: record batch 1 (stream message at offset 136): unknown compression codec 7");
}

TEST(FeatherDamage, UnsupportedSchemas) {
  std::vector<FieldSpec> fields = {IntField("a", 32)};
  EXPECT_CONTAINS(ErrorOf(WriteFile(fields, {}, 2)),
                  ": Arrow metadata version V3 (written by Arrow before 0.8) is not supported");
  std::string big = std::string("ARROW1") + std::string(2, '\0');
  std::string footer = FbWriter::Finish(FbTable({{0, Scalar<int16_t>(4)}, {1, Ref(SchemaFb(fields, true))}}));
  big += footer + Bytes(static_cast<int32_t>(footer.size())) + "ARROW1";
  EXPECT_CONTAINS(ErrorOf(big), "big-endian Arrow data is not supported");
  EXPECT_CONTAINS(ErrorOf(WriteFile({IntField("a", 24)}, {})), "integer type with a bit width of 24");
  EXPECT_CONTAINS(ErrorOf(WriteFile({FieldSpec{"x", 99, nullptr, {}, {}, {}}}, {})), "unknown Arrow type id 99");
  // Missing schema in the footer.
  std::string no_schema = std::string("ARROW1") + std::string(2, '\0');
  footer = FbWriter::Finish(FbTable({{0, Scalar<int16_t>(4)}}));
  no_schema += footer + Bytes(static_cast<int32_t>(footer.size())) + "ARROW1";
  EXPECT_CONTAINS(ErrorOf(no_schema), "the schema is missing");
  // A stream starting with a record batch.
  std::string stream = BatchMessage(OneColumnBatch(Fixed<int32_t>({1}), 1));
  EXPECT_EQ(ErrorOf(stream),
            "mem.arrow: stream message at offset 0: an Arrow IPC stream must start with a schema message");
  EXPECT_CONTAINS(ErrorOf(SchemaMessage(fields) + SchemaMessage(fields)), "a second schema message in the stream");
}

TEST(FeatherDamage, DeepNesting) {
  FieldSpec field = IntField("leaf", 8);
  for (int depth = 0; depth < 70; ++depth) field = FieldSpec{"s", kStruct, nullptr, {}, {}, {field}};
  EXPECT_CONTAINS(ErrorOf(WriteFile({field}, {})), "fields are nested more than 64 levels deep");
}

TEST(FeatherDamage, SharedChildTablesCannotExplode) {
  // A schema whose children vectors all point at one shared table: 2^60 visits if walked naively.
  FbPtr leaf = FieldFb(IntField("leaf", 8));
  FbPtr node = leaf;
  for (int depth = 0; depth < 60; ++depth) {
    node = FbTable({{0, Ref(FbString("s"))},
                    {2, Scalar<uint8_t>(kStruct)},
                    {3, Ref(FbTable({}))},
                    {5, Ref(FbVector({node, node}))}});
  }
  std::string footer =
      FbWriter::Finish(FbTable({{0, Scalar<int16_t>(4)}, {1, Ref(FbTable({{1, Ref(FbVector({node}))}}))}}));
  std::string file =
      std::string("ARROW1") + std::string(2, '\0') + footer + Bytes(static_cast<int32_t>(footer.size())) + "ARROW1";
  EXPECT_CONTAINS(ErrorOf(file), "the schema has more than 65536 fields");
}

TEST(FeatherDamage, BadFlatbufferOffsets) {
  std::vector<FieldSpec> fields = {Utf8Field("name")};
  std::string file = WriteFile(fields, {});
  // Every 4-byte word of the footer set to a huge value in turn: never a crash.
  int32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 10, 4);
  size_t footer = file.size() - 10 - static_cast<size_t>(footer_length);
  size_t failures = 0;
  for (size_t pos = footer; pos + 4 <= file.size() - 10; ++pos) {
    std::string bytes = file;
    PutInt32(bytes, pos, 0x7ffffff0);
    std::string error = ErrorOf(bytes);
    if (!error.empty()) {
      ++failures;
      EXPECT_EQ(error.rfind("mem.arrow: footer", 0), 0u) << error;
    }
  }
  EXPECT_GT(failures, 10u);
}

TEST(FeatherDamage, LyingRowCountWithoutProjectedBuffers) {
  // The batch claims 2^40 rows; with nothing (or only a Null column) projected,
  // the first column with buffers is checked anyway.
  std::vector<FieldSpec> fields = {FieldSpec{"nothing", kNull, nullptr, {}, {}, {}}, IntField("a", 8)};
  int64_t rows = int64_t{1} << 40;
  BatchSpec batch{rows, {ArrayData{rows, rows, {}}, ArrayData{rows, 0, {"", "x"}}}, Compression::kNone, false, {}};
  std::string file = WriteFile(fields, {Batch(batch)});
  for (std::vector<int> projection : {std::vector<int>{}, std::vector<int>{0}}) {
    auto reader = OpenBytes(file);
    reader->SetProjection(projection);
    try {
      reader->NextChunk();
      FAIL() << "a lying row count must be caught";
    } catch (const core::InputError& e) {
      EXPECT_EQ(std::string(e.what()),
                "mem.arrow: record batch 1, column 'a', buffer 1: has 1 bytes but the column "
                "needs 1099511627776");
    }
  }
  // Only Null columns: nothing can confirm the count, so it is capped.
  std::vector<FieldSpec> nulls = {FieldSpec{"nothing", kNull, nullptr, {}, {}, {}}};
  BatchSpec null_batch{rows, {ArrayData{rows, rows, {}}}, Compression::kNone, false, {}};
  EXPECT_EQ(ErrorOf(WriteFile(nulls, {Batch(null_batch)})),
            "mem.arrow: record batch 1: the batch claims 1099511627776 rows but has no column whose buffers could "
            "confirm that many");
  // An unprojected column whose node disagrees with the batch.
  BatchSpec mismatch{2, {ArrayData{2, 2, {}}, ArrayData{3, 0, {"", "xyz"}}}, Compression::kNone, false, {}};
  auto reader = OpenBytes(WriteFile(fields, {Batch(mismatch)}));
  reader->SetProjection({0});
  try {
    reader->NextChunk();
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "mem.arrow: record batch 1, column 'a': the column has 3 values but the batch has 2 rows");
  }
}

}  // namespace
}  // namespace botrecon::io
