#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"
#include "io/input.h"
#include "io/reader.h"
#include "../../text_reader_test_util.h"

namespace botrecon::io {
namespace {

using testing::ReadAll;
using testing::ReadResult;

const std::string kFixtures = std::string(BOTRECON_FIXTURES) + "/fwf/";
const std::string kTestTxt = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.txt";
const std::string kTestJson = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.json";

std::unique_ptr<Reader> OpenString(const std::string& text, ReaderOptions options = {}) {
  return OpenFwfReader(ByteStream::FromString("mem.txt", text), options);
}

ReadResult ReadString(const std::string& text, size_t max_rows = 65536) {
  ReaderOptions options;
  options.max_batch_rows = max_rows;
  auto reader = OpenString(text, options);
  return ReadAll(*reader, {}, max_rows);
}

std::string ErrorOf(const std::string& text) {
  try {
    auto reader = OpenString(text);
    ReadAll(*reader);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

using Rows = std::vector<std::vector<std::string>>;

// The table as text, row by row.
Rows RowsOf(const ReadResult& got) {
  Rows rows(got.num_rows);
  for (size_t r = 0; r < got.num_rows; ++r) {
    for (const auto& column : got.columns) rows[r].push_back(column.text[r]);
  }
  return rows;
}

// tests/fixtures/fwf/small.txt is DataFrame.to_string() of the small frame of
// tools/gen_json_fixtures.py; pandas.read_fwf reads these values (its "NaN" and
// "nan" are missing; pandas 1.5 keeps "None" as text).
TEST(FwfReader, SmallFrameMatchesPandas) {
  auto reader = OpenReader(kFixtures + "small.txt", InputType::kFwf);
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"", "StartTime", "Dur", "Proto", "SrcAddr", "Sport",
                                                              "Dport", "State", "TotBytes", "SrcBytes", "Flag"}));
  ReadResult got = ReadAll(*reader);
  EXPECT_EQ(
      RowsOf(got),
      (Rows{{"0", "1.313431e+09", "0.000499", "udp", "147.32.84.165", "36967.0", "13363", "CON", "132", "72", "True"},
            {"1", "1.313410e+09", "0.001975", "tcp", "10.0.0.1", "", "53", "INT", "284", "79", "False"},
            {"2", "", "0.055283", "None", "fe80::1", "1571.0", "0x0050", "None", "364", "0", "True"},
            {"3", "1.313167e+09", "", "icmp", "147.32.84.191", "27024.0", "None", "FSPA_FSRA", "240", "178", "False"},
            {"4", "1.313463e+09", "3.500000", "udp", "192.168.1.2", "53.0", "8081", "S_", "9007199254740993", "1",
             "True"}}));
  EXPECT_EQ(got.lines, (std::vector<uint64_t>{2, 3, 4, 5, 6}));
  EXPECT_EQ(got.columns[1].batch_types[0], core::ColumnType::kString);
}

// Positions count characters, not bytes (pandas pads by characters).
TEST(FwfReader, NonAsciiText) {
  auto reader = OpenReader(kFixtures + "unicode.txt", InputType::kFwf);
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"", "Host", "Bytes", "Note"}));
  EXPECT_EQ(RowsOf(ReadAll(*reader)), (Rows{{"0", "caf\xc3\xa9.example", "1", "x"},
                                            {"1", "b", "22", "\xc3\xbf"},
                                            {"2",
                                             "na\xc3\xafve-\xc3\xbcn\xc3\xaf"
                                             "code",
                                             "333", "zz"}}));
}

// A value wider than any in the first 100 lines: pandas cuts it ("14" and
// "147" for row 147); we keep it whole.
TEST(FwfReader, ValuesWiderThanTheInferenceWindowAreKeptWhole) {
  ReaderOptions options;
  options.max_batch_rows = 40;
  auto reader = OpenReader(kFixtures + "wide_index.txt", InputType::kFwf, options);
  ReadResult got = ReadAll(*reader, {}, 40);
  ASSERT_EQ(got.num_rows, 150u);
  EXPECT_EQ(got.num_batches, 4u);
  Rows rows = RowsOf(got);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"0", "0", "v0"}));
  EXPECT_EQ(rows[99], (std::vector<std::string>{"99", "297", "v99"}));
  EXPECT_EQ(rows[100], (std::vector<std::string>{"100", "300", "v100"}));
  EXPECT_EQ(rows[149], (std::vector<std::string>{"149", "447", "v149"}));
  EXPECT_EQ(got.lines[149], 151u);
}

// Expected values computed once with Debian's pandas 1.5.3:
//   df = pd.read_fwf("test.txt"); len(df), list(df.columns), df.iloc[r],
//   df[c].sum(), df[c].isna().sum(), df[c].str.len().sum()
// and compared with pd.read_json("test.json"), the same table.
TEST(FwfReader, RealTestFileMatchesPandas) {
  auto reader = OpenReader(kTestTxt, InputType::kFwf);
  const std::vector<std::string> names = {"",      "StartTime", "Dur",   "TotBytes", "SrcBytes", "Proto",
                                          "Sport", "Dport",     "State", "DstAddr",  "SrcAddr"};
  EXPECT_EQ(reader->schema().names, names);
  ReadResult got = ReadAll(*reader);
  ASSERT_EQ(got.num_rows, 5000u);
  Rows rows = RowsOf(got);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"0", "1.313431e+09", "0.000499", "132", "72", "udp", "36967.0",
                                               "13363.0", "CON", "147.32.84.229", "89.117.241.40"}));
  EXPECT_EQ(rows[1970], (std::vector<std::string>{"1970", "1.313671e+09", "0.000000", "1066", "1066", "icmp", "", "",
                                                  "None", "147.32.96.69", "147.32.84.165"}));
  EXPECT_EQ(rows[4999], (std::vector<std::string>{"4999", "1.313064e+09", "1.404425", "1017", "595", "tcp", "1840.0",
                                                  "6881.0", "FSPA_FSRA", "147.32.84.171", "180.193.40.27"}));
  EXPECT_EQ(got.lines.front(), 2u);
  EXPECT_EQ(got.lines.back(), 5001u);
  auto& c = got.columns;
  EXPECT_NEAR(testing::Sum(c[1]), 6566788757000.0, 1e-3);
  EXPECT_NEAR(testing::Sum(c[2]), 1476781.273978, 1e-6);
  EXPECT_EQ(testing::Sum(c[3]), 130641134.0);
  EXPECT_EQ(testing::Sum(c[4]), 11049984.0);
  EXPECT_EQ(testing::Sum(c[6]), 188116538.0);
  EXPECT_EQ(testing::Sum(c[7]), 35023427.0);
  EXPECT_EQ(testing::CountMissing(c[6]), 155u);
  EXPECT_EQ(testing::CountMissing(c[7]), 158u);
  for (size_t col = 1; col < c.size(); ++col) {
    if (col != 6 && col != 7) EXPECT_EQ(testing::CountMissing(c[col]), 0u) << names[col];
  }
  for (auto [index, chars] : std::vector<std::pair<int, size_t>>{{5, 15155}, {9, 60311}, {10, 63464}}) {
    size_t total = 0;
    for (const auto& s : c[index].text) total += s.size();
    EXPECT_EQ(total, chars) << names[index];
  }
  // State: pandas.read_fwf cuts 62 values wider than any in the first 100
  // lines (row 226 "FSRPA_FSRPA" -> "RPA_FSRPA"); we read them whole, so every
  // State equals the one in test.json (where row 1970's None is null).
  auto json_reader = OpenReader(kTestJson, std::nullopt);
  ReadResult json = ReadAll(*json_reader, {7});
  size_t wider_than_pandas = 0;
  size_t state_chars = 0;
  for (size_t r = 0; r < 5000; ++r) {
    const std::string& state = c[8].text[r];
    state_chars += state.size();
    if (r == 1970) continue;
    EXPECT_EQ(state, json.columns[0].text[r]) << "row " << r;
  }
  EXPECT_EQ(rows[226][8], "FSRPA_FSRPA");
  EXPECT_EQ(rows[287][8], "FSPA_FSRPA");
  // test.json's States have 19648 characters, plus "None" here; pandas'
  // read_fwf has 19586: it cut the 62 values longer than 9 characters.
  for (size_t r = 0; r < 5000; ++r) wider_than_pandas += c[8].text[r].size() > 9 ? 1 : 0;
  EXPECT_EQ(state_chars, 19648u + 4u);
  EXPECT_EQ(wider_than_pandas, 62u);
}

TEST(FwfReader, SmallBatchesGiveTheSameTable) {
  auto whole = OpenReader(kTestTxt, InputType::kFwf);
  ReadResult expected = ReadAll(*whole);
  ReaderOptions options;
  options.max_batch_rows = 777;
  auto batched = OpenReader(kTestTxt, InputType::kFwf, options);
  ReadResult got = ReadAll(*batched, {10, 0, 8}, 777);
  EXPECT_EQ(got.num_batches, 7u);
  EXPECT_EQ(got.columns[0].text, expected.columns[10].text);
  EXPECT_EQ(got.columns[1].text, expected.columns[0].text);
  EXPECT_EQ(got.columns[2].text, expected.columns[8].text);
  EXPECT_EQ(got.lines, expected.lines);
  EXPECT_EQ(batched->bytes_consumed(), batched->bytes_total());
}

TEST(FwfReader, DetectedFromTheContent) {
  // test.txt has the ambiguous .txt extension: its layout says fixed width.
  auto reader = OpenReader(kTestTxt, std::nullopt);
  EXPECT_EQ(reader->schema().names.size(), 11u);
  EXPECT_EQ(reader->schema().names[10], "SrcAddr");
}

TEST(FwfReader, BlankLinesCrLfBomAndMissingMarkers) {
  ReadResult got = ReadString("\xEF\xBB\xBF\r\n  a     b  c\r\n  1    NA  x\r\n\r\n   \r\n 22  null  \r\nN/A     3  z");
  EXPECT_EQ(RowsOf(got), (Rows{{"1", "", "x"}, {"22", "", ""}, {"", "3", "z"}}));
  EXPECT_EQ(got.lines, (std::vector<uint64_t>{3, 6, 7}));
}

TEST(FwfReader, UnnamedColumns) {
  auto reader = OpenString("    a    \n0   1   x\n1   2   y\n");
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"", "a", "Unnamed: 2"}));
  EXPECT_EQ(RowsOf(ReadAll(*reader)), (Rows{{"0", "1", "x"}, {"1", "2", "y"}}));
}

TEST(FwfReader, HeaderCanBeData) {
  ReaderOptions options;
  options.is_header = [](const std::vector<std::string>& fields) { return fields.at(0) != "10"; };
  auto reader = OpenString("10  20\n30  40\n", options);
  EXPECT_FALSE(reader->schema().has_header);
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"column 1", "column 2"}));
  ReadResult got = ReadAll(*reader);
  EXPECT_EQ(RowsOf(got), (Rows{{"10", "20"}, {"30", "40"}}));
  EXPECT_EQ(got.lines, (std::vector<uint64_t>{1, 2}));
}

TEST(FwfReader, HeaderOnly) {
  auto reader = OpenString("  a  b\n");
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ReadAll(*reader).num_rows, 0u);
}

TEST(FwfReader, ValuesCrossingBoundaries) {
  // The first 100 lines make columns [0,2) and [4,6).
  std::string text = "aa  bb\n";
  for (int i = 0; i < 99; ++i) text += "11  22\n";
  text += "1111 2\n";    // runs on into the gap, not up to the next column: kept whole
  text += "111122\n";    // fills the gap up to the next column: ambiguous, cut as pandas does
  text += "11  2222\n";  // the last column runs on
  text += "    33 x\n";  // text beyond the columns, after a blank: not part of them
  ReadResult got = ReadString(text);
  Rows rows = RowsOf(got);
  ASSERT_EQ(rows.size(), 103u);
  EXPECT_EQ(rows[99], (std::vector<std::string>{"1111", "2"}));
  EXPECT_EQ(rows[100], (std::vector<std::string>{"11", "22"}));
  EXPECT_EQ(rows[101], (std::vector<std::string>{"11", "2222"}));
  EXPECT_EQ(rows[102], (std::vector<std::string>{"", "33"}));
}

TEST(FwfReader, TabsAreBlanks) { EXPECT_EQ(RowsOf(ReadString("a\tb\n1\t2\n")), (Rows{{"1", "2"}})); }

TEST(FwfReader, Errors) {
  EXPECT_EQ(ErrorOf(""), "mem.txt: the file is empty (no header and no data rows)");
  EXPECT_EQ(ErrorOf(" \n\t\n"), "mem.txt: the file is empty (no header and no data rows)");
  std::string many_lines = "a  b\n";
  for (int i = 0; i < 200; ++i) many_lines += "1  2\n";
  many_lines += "1  " + std::string(17 << 20, 'x') + "\n";
  EXPECT_EQ(ErrorOf(many_lines), "mem.txt:202: a line longer than 16 MiB");
  EXPECT_EQ(ErrorOf("a  b\n1  " + std::string(17 << 20, 'x') + "\n"), "mem.txt:2: a line longer than 16 MiB");
  std::string wide;
  for (int i = 0; i < 100001; ++i) wide += "a ";
  EXPECT_EQ(ErrorOf(wide), "mem.txt: more than 100000 columns in the first lines; is this a fixed-width table?");
}

void ExpectReadsOrInputError(const std::string& data) {
  try {
    ReaderOptions options;
    options.max_batch_rows = 100;
    auto reader = OpenFwfReader(ByteStream::FromString("damaged.txt", data), options);
    ReadAll(*reader);
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("damaged.txt:", 0), 0u) << e.what();
  }
}

TEST(FwfReader, DamagedFilesFailCleanly) {
  std::mt19937 rng(7);
  std::string real = testing::ReadFileBytes(kTestTxt);
  std::string head = real.substr(0, 30000);
  for (size_t cut = 0; cut < 3000; cut += 7) ExpectReadsOrInputError(head.substr(0, cut));
  for (int i = 0; i < 200; ++i) ExpectReadsOrInputError(head.substr(0, rng() % head.size()));
  for (int i = 0; i < 200; ++i) {
    std::string damaged = head;
    for (int k = 0; k < 5; ++k) damaged[rng() % damaged.size()] = static_cast<char>(rng());
    ExpectReadsOrInputError(damaged);
  }
  std::string unicode = testing::ReadFileBytes(kFixtures + "unicode.txt");
  for (size_t cut = 0; cut <= unicode.size(); ++cut) ExpectReadsOrInputError(unicode.substr(0, cut));
  for (int i = 0; i < 500; ++i) {
    std::string damaged = unicode;
    damaged[rng() % damaged.size()] = static_cast<char>(rng());
    ExpectReadsOrInputError(damaged);
  }
}

}  // namespace
}  // namespace botrecon::io
