// Tests of the Stata .dta reader: the real test.dta against pandas, pandas-written
// fixtures of formats 114 (both byte orders), 117 (strL), 118 and 119, and
// damaged files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"
#include "io/input.h"
#include "io/reader.h"

namespace botrecon::io {
namespace {

struct Value {
  bool is_string = false;
  std::string text;
  double number = 0;
};

struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<Value>> columns;
  std::vector<size_t> batch_sizes;
  size_t rows = 0;
};

Table ReadAll(Reader& reader, std::vector<int> projection = {}) {
  Table table;
  table.names = reader.schema().names;
  if (projection.empty()) {
    for (size_t i = 0; i < table.names.size(); ++i) projection.push_back(static_cast<int>(i));
  }
  reader.SetProjection(projection);
  table.columns.resize(projection.size());
  while (auto chunk = reader.NextChunk()) {
    core::ColumnBatch batch;
    batch.Reset(projection.size());
    chunk->Decode(batch);
    EXPECT_EQ(batch.first_row, table.rows);
    table.batch_sizes.push_back(batch.num_rows);
    for (size_t c = 0; c < projection.size(); ++c) {
      const core::Column& column = batch.columns[c];
      EXPECT_EQ(column.size(), batch.num_rows);
      for (size_t r = 0; r < batch.num_rows; ++r) {
        Value v;
        if (column.type == core::ColumnType::kString) {
          v.is_string = true;
          v.text = std::string(column.strings[r]);
        } else {
          v.number = column.numbers[r];
        }
        table.columns[c].push_back(std::move(v));
      }
    }
    table.rows += batch.num_rows;
  }
  return table;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Table ReadBytes(const std::string& bytes, size_t max_batch_rows = 65536, std::vector<int> projection = {}) {
  ReaderOptions options;
  options.max_batch_rows = max_batch_rows;
  auto reader = OpenStataReader(FileBuffer::FromString("t.dta", bytes), options);
  return ReadAll(*reader, std::move(projection));
}

bool IsNumber(const Value& v, double expected) { return !v.is_string && v.number == expected; }
bool IsMissingNumber(const Value& v) { return !v.is_string && std::isnan(v.number); }
bool IsText(const Value& v, const std::string& expected) { return v.is_string && v.text == expected; }

std::string Fixture(const std::string& name) { return std::string(BOTRECON_FIXTURES) + "/stata/" + name; }

// Expected values: computed once with Debian's pandas 1.5.3 (/usr/bin/python3):
//   d = pandas.read_stata("test.dta"); len(d), d.columns, d.iloc[r], d[c].sum()
TEST(StataReader, StataRealFileMatchesPandas) {
  const std::string path = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.dta";
  ReaderOptions options;
  options.max_batch_rows = 1500;
  auto reader = OpenReader(path, std::nullopt, options);
  const std::vector<std::string> expected_names = {"index", "StartTime", "Dur",   "TotBytes", "SrcBytes", "Proto",
                                                   "Sport", "Dport",     "State", "DstAddr",  "SrcAddr"};
  ASSERT_EQ(reader->schema().names, expected_names);
  Table t = ReadAll(*reader);
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batch_sizes, (std::vector<size_t>{1500, 1500, 1500, 500}));
  EXPECT_EQ(reader->bytes_consumed(), reader->bytes_total());

  // Row 0: 0, 1313431402.17637, 0.000499, 132, 72, udp, 36967.0, 13363.0, CON, 147.32.84.229, 89.117.241.40
  EXPECT_TRUE(IsNumber(t.columns[0][0], 0));
  EXPECT_TRUE(IsNumber(t.columns[1][0], 1313431402.17637));
  EXPECT_TRUE(IsNumber(t.columns[2][0], 0.000499));
  EXPECT_TRUE(IsNumber(t.columns[3][0], 132));
  EXPECT_TRUE(IsNumber(t.columns[4][0], 72));
  EXPECT_TRUE(IsText(t.columns[5][0], "udp"));
  EXPECT_TRUE(IsText(t.columns[6][0], "36967.0"));
  EXPECT_TRUE(IsText(t.columns[7][0], "13363.0"));
  EXPECT_TRUE(IsText(t.columns[8][0], "CON"));
  EXPECT_TRUE(IsText(t.columns[9][0], "147.32.84.229"));
  EXPECT_TRUE(IsText(t.columns[10][0], "89.117.241.40"));
  // Row 2: 2, 1313192829.734809, 0.055283000000000006, 364, 0, tcp, 1571.0, 8081.0, _FSA, ...
  EXPECT_TRUE(IsNumber(t.columns[1][2], 1313192829.734809));
  EXPECT_TRUE(IsNumber(t.columns[2][2], 0.055283000000000006));
  EXPECT_TRUE(IsText(t.columns[8][2], "_FSA"));
  // Row 2500: 2500, 1313388227.961522, 0.00027, 323, 85, udp, 59761.0, 53.0, CON, 147.32.80.9, 147.32.85.34
  EXPECT_TRUE(IsNumber(t.columns[0][2500], 2500));
  EXPECT_TRUE(IsNumber(t.columns[1][2500], 1313388227.961522));
  EXPECT_TRUE(IsNumber(t.columns[2][2500], 0.00027));
  EXPECT_TRUE(IsText(t.columns[6][2500], "59761.0"));
  EXPECT_TRUE(IsText(t.columns[10][2500], "147.32.85.34"));
  // Row 4999: 4999, 1313064164.0478039, 1.404425, 1017, 595, tcp, 1840.0, 6881.0, FSPA_FSRA, 147.32.84.171,
  // 180.193.40.27
  EXPECT_TRUE(IsNumber(t.columns[0][4999], 4999));
  EXPECT_TRUE(IsNumber(t.columns[1][4999], 1313064164.0478039));
  EXPECT_TRUE(IsNumber(t.columns[3][4999], 1017));
  EXPECT_TRUE(IsNumber(t.columns[4][4999], 595));
  EXPECT_TRUE(IsText(t.columns[7][4999], "6881.0"));
  EXPECT_TRUE(IsText(t.columns[9][4999], "147.32.84.171"));
  // pandas wrote missing ports as the text "nan" (155 Sport, 158 Dport) and the
  // missing State of row 1970 as "".
  EXPECT_TRUE(IsText(t.columns[6][40], "nan"));
  EXPECT_TRUE(IsText(t.columns[8][1970], ""));

  // Sums: index 12497500, StartTime 6566788758443.767, Dur 1476781.273978,
  // TotBytes 130641134, SrcBytes 11049984.
  const double expected_sums[] = {12497500.0, 6566788758443.767, 1476781.273978, 130641134.0, 11049984.0};
  for (int c = 0; c < 5; ++c) {
    double sum = 0;
    for (const auto& v : t.columns[c]) {
      ASSERT_FALSE(v.is_string);
      sum += v.number;
    }
    EXPECT_NEAR(sum, expected_sums[c], std::abs(expected_sums[c]) * 1e-12) << "column " << c;
  }
  // Text columns: Sport parses to 188116538 over its numeric values; Proto counts
  // {'udp': 3733, 'tcp': 1105, 'icmp': 143, ...}; total lengths of State 19648,
  // SrcAddr 63464, DstAddr 60311.
  double sport_sum = 0;
  size_t sport_nan = 0;
  for (const auto& v : t.columns[6]) {
    ASSERT_TRUE(v.is_string);
    if (v.text == "nan") {
      ++sport_nan;
    } else {
      sport_sum += std::stod(v.text);
    }
  }
  EXPECT_EQ(sport_sum, 188116538.0);
  EXPECT_EQ(sport_nan, 155u);
  size_t udp = 0, tcp = 0, icmp = 0;
  for (const auto& v : t.columns[5]) {
    udp += v.text == "udp";
    tcp += v.text == "tcp";
    icmp += v.text == "icmp";
  }
  EXPECT_EQ(udp, 3733u);
  EXPECT_EQ(tcp, 1105u);
  EXPECT_EQ(icmp, 143u);
  auto total_length = [&](int c) {
    size_t n = 0;
    for (const auto& v : t.columns[c]) n += v.text.size();
    return n;
  };
  EXPECT_EQ(total_length(8), 19648u);
  EXPECT_EQ(total_length(10), 63464u);
  EXPECT_EQ(total_length(9), 60311u);
}

TEST(StataReader, StataRealFileProjectionAndMagicDetection) {
  // A copy without the .dta extension is recognised by its first bytes (72 02 01 00).
  std::string bytes = Slurp(std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.dta");
  ASSERT_EQ(bytes.substr(0, 4), std::string("\x72\x02\x01\x00", 4));
  const std::string copy = ::testing::TempDir() + "/stata_magic_test.bin";
  {
    std::ofstream out(copy, std::ios::binary);
    out << bytes;
  }
  ReaderOptions options;
  options.max_batch_rows = 4096;
  auto reader = OpenReader(copy, std::nullopt, options);
  Table t = ReadAll(*reader, {10, 3, 10});  // SrcAddr, TotBytes, SrcAddr again
  std::remove(copy.c_str());
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batch_sizes, (std::vector<size_t>{4096, 904}));
  EXPECT_TRUE(IsText(t.columns[0][0], "89.117.241.40"));
  EXPECT_TRUE(IsNumber(t.columns[1][4999], 1017));
  EXPECT_TRUE(IsText(t.columns[2][4999], "180.193.40.27"));
}

// Fixtures from tools/gen_office_fixtures.py; pandas 1.5.3 reads back
//   index [0, 1, 2, 3], i8 [1, -5, 100, 0], i16 [1000, -32000, 7, 0],
//   i32 [70000, -2000000, 5, 0], f32 [1.5, nan, -2.25, 0.0],
//   f64 [1313431402.17637, nan, -0.000499, 1e+300], s ['udp', '', '147.32.84.165', '']
void ExpectCommonColumns(const Table& t) {
  ASSERT_GE(t.names.size(), 7u);
  EXPECT_EQ(std::vector<std::string>(t.names.begin(), t.names.begin() + 7),
            (std::vector<std::string>{"index", "i8", "i16", "i32", "f32", "f64", "s"}));
  ASSERT_EQ(t.rows, 4u);
  const double index[] = {0, 1, 2, 3}, i8[] = {1, -5, 100, 0}, i16[] = {1000, -32000, 7, 0},
               i32[] = {70000, -2000000, 5, 0};
  for (size_t r = 0; r < 4; ++r) {
    EXPECT_TRUE(IsNumber(t.columns[0][r], index[r]));
    EXPECT_TRUE(IsNumber(t.columns[1][r], i8[r]));
    EXPECT_TRUE(IsNumber(t.columns[2][r], i16[r]));
    EXPECT_TRUE(IsNumber(t.columns[3][r], i32[r]));
  }
  EXPECT_TRUE(IsNumber(t.columns[4][0], 1.5));
  EXPECT_TRUE(IsMissingNumber(t.columns[4][1]));
  EXPECT_TRUE(IsNumber(t.columns[4][2], -2.25));
  EXPECT_TRUE(IsNumber(t.columns[4][3], 0.0));
  EXPECT_TRUE(IsNumber(t.columns[5][0], 1313431402.17637));
  EXPECT_TRUE(IsMissingNumber(t.columns[5][1]));
  EXPECT_TRUE(IsNumber(t.columns[5][2], -0.000499));
  EXPECT_TRUE(IsNumber(t.columns[5][3], 1e300));
  EXPECT_TRUE(IsText(t.columns[6][0], "udp"));
  EXPECT_TRUE(IsText(t.columns[6][1], ""));
  EXPECT_TRUE(IsText(t.columns[6][2], "147.32.84.165"));
  EXPECT_TRUE(IsText(t.columns[6][3], ""));
}

TEST(StataReader, StataFormat114BothByteOrders) {
  for (const char* name : {"v114.dta", "v114_big_endian.dta"}) {
    SCOPED_TRACE(name);
    std::string bytes = Slurp(Fixture(name));
    ASSERT_FALSE(bytes.empty());
    ExpectCommonColumns(ReadBytes(bytes));
    ExpectCommonColumns(ReadBytes(bytes, 3));
    EXPECT_EQ(ReadBytes(bytes, 3).batch_sizes, (std::vector<size_t>{3, 1}));
  }
}

TEST(StataReader, StataFormat117StrL) {
  // note: ['first long value ' * 20, '', 'second', ''] stored as strL.
  std::string bytes = Slurp(Fixture("v117_strl.dta"));
  ASSERT_EQ(bytes.substr(0, 11), "<stata_dta>");
  for (size_t batch_rows : {65536u, 3u, 1u}) {
    Table t = ReadBytes(bytes, batch_rows);
    ExpectCommonColumns(t);
    ASSERT_EQ(t.names.size(), 8u);
    EXPECT_EQ(t.names[7], "note");
    std::string long_value;
    for (int i = 0; i < 20; ++i) long_value += "first long value ";
    EXPECT_TRUE(IsText(t.columns[7][0], long_value));
    EXPECT_TRUE(IsText(t.columns[7][1], ""));
    EXPECT_TRUE(IsText(t.columns[7][2], "second"));
    EXPECT_TRUE(IsText(t.columns[7][3], ""));
  }
  Table projected = ReadBytes(bytes, 2, {7, 1});
  EXPECT_EQ(projected.batch_sizes, (std::vector<size_t>{2, 2}));
  EXPECT_TRUE(IsText(projected.columns[0][2], "second"));
  EXPECT_TRUE(IsNumber(projected.columns[1][2], 100));
}

TEST(StataReader, StataFormats118And119Unicode) {
  // u: ['café', 'über', 'naïve', 'x'] (UTF-8 in the file).
  for (const char* name : {"v118.dta", "v119.dta"}) {
    SCOPED_TRACE(name);
    Table t = ReadBytes(Slurp(Fixture(name)), 2);
    ExpectCommonColumns(t);
    ASSERT_EQ(t.names.size(), 8u);
    EXPECT_EQ(t.names[7], "u");
    EXPECT_TRUE(IsText(t.columns[7][0], "caf\xC3\xA9"));
    EXPECT_TRUE(IsText(t.columns[7][1],
                       "\xC3\xBC"
                       "ber"));
    EXPECT_TRUE(IsText(t.columns[7][2], "na\xC3\xAFve"));
  }
}

TEST(StataReader, StataEmptyProjection) {
  Table t = ReadBytes(Slurp(Fixture("v114.dta")), 3, {});
  auto reader = OpenStataReader(FileBuffer::FromString("t.dta", Slurp(Fixture("v114.dta"))), {});
  reader->SetProjection({});
  size_t rows = 0;
  while (auto chunk = reader->NextChunk()) {
    core::ColumnBatch batch;
    batch.Reset(0);
    chunk->Decode(batch);
    rows += batch.num_rows;
  }
  EXPECT_EQ(rows, 4u);
}

std::string ErrorOf(const std::string& bytes) {
  try {
    ReadBytes(bytes);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StataReader, StataNotAStataFile) {
  EXPECT_EQ(ErrorOf(""), "t.dta: not a Stata file (0 bytes)");
  std::string message = ErrorOf("StartTime,Dur\n1,2\n");
  EXPECT_NE(message.find("t.dta: not a readable Stata file: "), std::string::npos) << message;
  message = ErrorOf(std::string("\x72\x02\x01\x00", 4));
  EXPECT_NE(message.find("t.dta: not a readable Stata file: "), std::string::npos) << message;
}

TEST(StataReader, StataTruncatedFile) {
  std::string bytes = Slurp(std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.dta");
  // Cut inside the data: the header reads, the rows do not.
  std::string message = ErrorOf(bytes.substr(0, bytes.size() - 100));
  EXPECT_NE(message.find("t.dta: "), std::string::npos) << message;
  // Cut inside the header.
  message = ErrorOf(bytes.substr(0, 60));
  EXPECT_NE(message.find("t.dta: not a readable Stata file: "), std::string::npos) << message;
}

TEST(StataReader, StataLyingRowCount) {
  // Format 118: <N> holds the row count in 8 bytes; the rows are found through
  // the map, so a larger count is only noticed when compared with the file size.
  std::string bytes = Slurp(Fixture("v118.dta"));
  const size_t n_at = bytes.find("<N>") + 3;
  ASSERT_EQ(bytes.substr(n_at, 8), std::string("\x04\0\0\0\0\0\0\0", 8));
  bytes.replace(n_at, 4, std::string("\xff\xff\xff\x7f", 4));
  EXPECT_EQ(ErrorOf(bytes), "t.dta: the header declares 2147483647 rows of 8 variables, more than the file's " +
                                std::to_string(bytes.size()) + " bytes can hold");
  // Format 114: ReadStat notices the count when it seeks past the rows.
  std::string real = Slurp(std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.dta");
  ASSERT_EQ(real.substr(6, 4), std::string("\x88\x13\x00\x00", 4));  // 5000 rows
  real.replace(6, 4, std::string("\x89\x13\x00\x00", 4));           // 5001
  std::string message = ErrorOf(real);
  EXPECT_NE(message.find("t.dta: not a readable Stata file: "), std::string::npos) << message;
}

TEST(StataReader, StataDamagedStrL) {
  std::string good = Slurp(Fixture("v117_strl.dta"));
  // The first strL record ("GSO", v, o, type 130, length, "first long value ...\0").
  size_t gso = good.find("GSO");
  ASSERT_NE(gso, std::string::npos);
  const size_t len_at = gso + 3 + 4 + 4 + 1;
  const uint32_t len = static_cast<unsigned char>(good[len_at]) | static_cast<unsigned char>(good[len_at + 1]) << 8;
  std::string unterminated = good;
  unterminated[len_at + 4 + len - 1] = 'x';
  std::string message = ErrorOf(unterminated);
  EXPECT_NE(message.find("t.dta: strL at offset " + std::to_string(gso) + " does not end in NUL"), std::string::npos)
      << message;
  std::string too_long = good;
  too_long[len_at + 3] = '\x7f';
  message = ErrorOf(too_long);
  EXPECT_NE(message.find("t.dta: "), std::string::npos) << message;
}

TEST(StataReader, StataTruncationAndBitFlipsNeverCrash) {
  auto attempt = [](const std::string& bytes, size_t batch_rows) {
    try {
      ReadBytes(bytes, batch_rows);
      return true;
    } catch (const core::InputError&) {
      return false;
    }
  };
  // Every truncation of the real file is an error (format 114 ends with its rows).
  std::string real = Slurp(std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.dta");
  for (size_t cut = 0; cut < real.size(); cut += real.size() / 97) {
    EXPECT_FALSE(attempt(real.substr(0, cut), 2000)) << "cut at " << cut;
  }
  for (const char* name : {"v114.dta", "v117_strl.dta", "v118.dta", "v119.dta"}) {
    std::string good = Slurp(Fixture(name));
    ASSERT_TRUE(attempt(good, 2));
    for (size_t cut = 0; cut < good.size(); cut += 5) attempt(good.substr(0, cut), 2);
    for (size_t at = 0; at < good.size(); ++at) {
      for (unsigned char flip : {0x01, 0x80, 0xFF}) {
        std::string bad = good;
        bad[at] = static_cast<char>(bad[at] ^ flip);
        attempt(bad, 3);
      }
    }
  }
}

}  // namespace
}  // namespace botrecon::io
