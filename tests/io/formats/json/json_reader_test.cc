#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

const std::string kFixtures = std::string(BOTRECON_FIXTURES) + "/json/";
const std::string kTestJson = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.json";

std::unique_ptr<Reader> OpenString(const std::string& name, const std::string& text, size_t max_rows = 65536) {
  ReaderOptions options;
  options.max_batch_rows = max_rows;
  return OpenJsonReader(FileBuffer::FromString(name, text), options);
}

ReadResult ReadString(const std::string& text, size_t max_rows = 65536) {
  auto reader = OpenString("mem.json", text, max_rows);
  return ReadAll(*reader, {}, max_rows);
}

std::string ErrorOf(const std::string& name, const std::string& text) {
  try {
    auto reader = OpenString(name, text);
    ReadAll(*reader);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::vector<std::string> kSmallNames = {"StartTime", "Dur",   "Proto",    "SrcAddr",  "Sport",
                                              "Dport",     "State", "TotBytes", "SrcBytes", "Flag"};

// The small frame of tools/gen_json_fixtures.py as read back. Numbers are
// those of the JSON text, correctly rounded (pandas' read_json with
// precise_float=True; its default parser is off by one unit in the last place
// for some, e.g. Dur 0.001975 -> 0.0019749999999999998).
void ExpectSmallFrame(const ReadResult& got, size_t first_column = 0) {
  ASSERT_EQ(got.num_rows, 5u);
  ASSERT_EQ(got.columns.size(), first_column + 10);
  auto col = [&](size_t i) -> const testing::FlatColumn& { return got.columns[first_column + i]; };
  const double start_times[] = {1313431402.1763699055, 1313410480.1962409019, NAN, 1313166938.3686470985,
                                1313462765.4253709316};
  const double durations[] = {0.000499, 0.001975, 0.055283, NAN, 3.5};
  const double sports[] = {36967, NAN, 1571, 27024, 53};
  const double tot_bytes[] = {132, 284, 364, 240, 9007199254740992.0};  // 2^53 + 1 rounds to 2^53
  const double src_bytes[] = {72, 79, 0, 178, 1};
  const double flags[] = {1, 0, 1, 0, 1};
  for (size_t r = 0; r < 5; ++r) {
    SCOPED_TRACE("row " + std::to_string(r));
    if (std::isnan(start_times[r])) {
      EXPECT_TRUE(col(0).missing[r]);
    } else {
      EXPECT_EQ(col(0).numbers[r], start_times[r]);
    }
    if (std::isnan(durations[r])) {
      EXPECT_TRUE(col(1).missing[r]);
    } else {
      EXPECT_EQ(col(1).numbers[r], durations[r]);
    }
    if (std::isnan(sports[r])) {
      EXPECT_TRUE(col(4).missing[r]);
    } else {
      EXPECT_EQ(col(4).numbers[r], sports[r]);
    }
    EXPECT_EQ(col(7).numbers[r], tot_bytes[r]);
    EXPECT_EQ(col(8).numbers[r], src_bytes[r]);
    EXPECT_EQ(col(9).numbers[r], flags[r]);
  }
  EXPECT_EQ(col(2).text, (std::vector<std::string>{"udp", "tcp", "", "icmp", "udp"}));
  EXPECT_EQ(col(3).text,
            (std::vector<std::string>{"147.32.84.165", "10.0.0.1", "fe80::1", "147.32.84.191", "192.168.1.2"}));
  EXPECT_EQ(col(5).text, (std::vector<std::string>{"13363", "53", "0x0050", "", "8081"}));
  EXPECT_EQ(col(6).text, (std::vector<std::string>{"CON", "INT", "", "FSPA_FSRA", "S_"}));
  // Numeric columns arrive as numbers, text columns as text.
  for (size_t i : {0, 1, 4, 7, 8, 9}) EXPECT_EQ(col(i).batch_types[0], core::ColumnType::kDouble) << i;
  for (size_t i : {2, 3, 5, 6}) EXPECT_EQ(col(i).batch_types[0], core::ColumnType::kString) << i;
}

TEST(JsonReader, EveryPandasOrientOfTheSmallFrame) {
  for (const char* orient : {"columns", "records", "index", "split", "table"}) {
    SCOPED_TRACE(orient);
    auto reader = OpenReader(kFixtures + "small_" + orient + ".json", std::nullopt);
    std::vector<std::string> names = kSmallNames;
    size_t first = 0;
    if (std::string(orient) == "table") {
      names.insert(names.begin(), "");  // pandas' unnamed index, the primary key "index"
      first = 1;
    }
    EXPECT_EQ(reader->schema().names, names);
    EXPECT_TRUE(reader->schema().has_header);
    ReadResult got = ReadAll(*reader);
    ExpectSmallFrame(got, first);
    if (first == 1) EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  }
}

TEST(JsonReader, ValuesOrientHasNoHeader) {
  auto reader = OpenReader(kFixtures + "small_values.json", std::nullopt);
  EXPECT_FALSE(reader->schema().has_header);
  ASSERT_EQ(reader->schema().names.size(), 10u);
  EXPECT_EQ(reader->schema().names[0], "column 1");
  EXPECT_EQ(reader->schema().names[9], "column 10");
  ExpectSmallFrame(ReadAll(*reader));
}

TEST(JsonReader, JsonLinesByExtensionAndByContent) {
  for (const char* file : {"small_lines.jsonl", "small_lines_noext.json"}) {
    SCOPED_TRACE(file);
    auto reader = OpenReader(kFixtures + file, std::nullopt);
    EXPECT_EQ(reader->schema().names, kSmallNames);
    ReadResult got = ReadAll(*reader);
    ExpectSmallFrame(got);
    EXPECT_EQ(got.lines, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  }
}

TEST(JsonReader, JsonLinesFromAStream) {
  std::string text = testing::ReadFileBytes(kFixtures + "small_lines.jsonl");
  auto reader = OpenJsonLinesReader(ByteStream::FromString("s.jsonl", text), ReaderOptions{});
  EXPECT_EQ(reader->schema().names, kSmallNames);
  ExpectSmallFrame(ReadAll(*reader));
}

TEST(JsonReader, SuricataEveReadsFlowRecordsOnly) {
  const std::string text =
      R"({"timestamp":"2021-06-06T15:59:46.4+0200","event_type":"alert","src_ip":"1.1.1.1","src_port":1,"dest_ip":"2.2.2.2","dest_port":445,"proto":"TCP","flow":{"bytes_toserver":60}})"
      "\n"
      R"({"timestamp":"2021-06-06T15:57:37.2+0200","event_type":"flow","src_ip":"192.168.1.132","src_port":1900,"dest_ip":"192.168.1.129","dest_port":44232,"proto":"UDP","flow":{"pkts_toserver":12,"pkts_toclient":0,"bytes_toserver":4056,"bytes_toclient":0,"start":"2021-06-06T16:38:55.855844+0200","age":1,"state":"new"},"tcp":{"tcp_flags":"1b"}})"
      "\n"
      R"({"timestamp":"2021-06-06T15:58:00.0+0200","event_type":"dns","src_ip":"3.3.3.3","dns":{"rrname":"x"}})"
      "\n"
      R"({"timestamp":"2021-06-06T15:59:00.0+0200","event_type":"flow","src_ip":"10.0.0.5","src_port":5,"dest_ip":"10.0.0.6","dest_port":6,"proto":"TCP","flow":{"bytes_toserver":1,"bytes_toclient":2,"age":0,"state":"closed"}})"
      "\n";
  auto reader = OpenString("eve.json", text);
  const auto& names = reader->schema().names;
  auto column = [&](const char* name) {
    auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return static_cast<int>(it - names.begin());
  };
  std::vector<int> projection = {column("src_ip"), column("flow.bytes_toclient"), column("flow.state"),
                                 column("tcp.tcp_flags")};
  EXPECT_EQ(std::count(names.begin(), names.end(), "dns.rrname"), 0);  // keys of other events are not columns
  ReadResult got = ReadAll(*reader, projection);
  ASSERT_EQ(got.num_rows, 2u);
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"192.168.1.132", "10.0.0.5"}));
  EXPECT_EQ(got.columns[1].numbers, (std::vector<double>{0, 2}));
  EXPECT_EQ(got.columns[2].text, (std::vector<std::string>{"new", "closed"}));
  EXPECT_EQ(got.columns[3].text, (std::vector<std::string>{"1b", ""}));
  EXPECT_EQ(got.lines, (std::vector<uint64_t>{2, 4}));
}

TEST(JsonReader, SuricataEveWithoutFlowRecordsSaysSo) {
  const std::string text =
      R"({"timestamp":"2021-06-06T15:59:46+0200","event_type":"alert","src_ip":"1.1.1.1"})"
      "\n"
      R"({"timestamp":"2021-06-06T15:59:47+0200","event_type":"dns","src_ip":"1.1.1.1"})"
      "\n";
  auto reader = OpenString("eve.json", text);
  // The flow columns are there, so the column resolution passes; reading says what is wrong.
  const auto& names = reader->schema().names;
  EXPECT_NE(std::find(names.begin(), names.end(), "flow.bytes_toserver"), names.end());
  try {
    ReadAll(*reader);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "eve.json: a Suricata eve.json without flow records; botrecon reads its flow records (event_type "
                 "\"flow\"): enable the flow type of the eve-log output in suricata.yaml");
  }
}

TEST(JsonReader, ProjectionPicksColumnsInOrder) {
  auto reader = OpenReader(kFixtures + "small_columns.json", std::nullopt);
  ReadResult got = ReadAll(*reader, {6, 0});
  ASSERT_EQ(got.columns.size(), 2u);
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"CON", "INT", "", "FSPA_FSRA", "S_"}));
  EXPECT_EQ(got.columns[1].numbers[3], 1313166938.3686470985);
}

// Expected values computed once with Debian's pandas 1.5.3:
//   df = pd.read_json("test.json", precise_float=True)
//   len(df), list(df.columns), df.iloc[r], df[c].sum(), df[c].isna().sum()
// precise_float=True gives the correctly rounded doubles simdjson gives; the
// default (precise_float=False) differs by one unit in the last place in 1021
// Dur cells.
TEST(JsonReader, RealTestFileMatchesPandas) {
  auto reader = OpenReader(kTestJson, std::nullopt);
  const std::vector<std::string> names = {"StartTime", "Dur",   "TotBytes", "SrcBytes", "Proto",
                                          "Sport",     "Dport", "State",    "DstAddr",  "SrcAddr"};
  EXPECT_EQ(reader->schema().names, names);
  ReadResult got = ReadAll(*reader);
  ASSERT_EQ(got.num_rows, 5000u);
  auto& c = got.columns;
  // Row 0, 1970 (the null State), 2500, 4999.
  EXPECT_EQ(c[0].numbers[0], 1313431402.1763699055);
  EXPECT_EQ(c[1].numbers[0], 0.000499);
  EXPECT_EQ(c[2].numbers[0], 132);
  EXPECT_EQ(c[3].numbers[0], 72);
  EXPECT_EQ(c[4].text[0], "udp");
  EXPECT_EQ(c[5].numbers[0], 36967);
  EXPECT_EQ(c[6].numbers[0], 13363);
  EXPECT_EQ(c[7].text[0], "CON");
  EXPECT_EQ(c[8].text[0], "147.32.84.229");
  EXPECT_EQ(c[9].text[0], "89.117.241.40");

  EXPECT_EQ(c[0].numbers[1970], 1313670907.9409840107);
  EXPECT_EQ(c[1].numbers[1970], 0.0);
  EXPECT_EQ(c[2].numbers[1970], 1066);
  EXPECT_EQ(c[4].text[1970], "icmp");
  EXPECT_TRUE(std::isnan(c[5].numbers[1970]));
  EXPECT_TRUE(std::isnan(c[6].numbers[1970]));
  EXPECT_TRUE(c[7].missing[1970]);
  EXPECT_EQ(c[8].text[1970], "147.32.96.69");
  EXPECT_EQ(c[9].text[1970], "147.32.84.165");

  EXPECT_EQ(c[0].numbers[2500], 1313388227.9615221024);
  EXPECT_EQ(c[1].numbers[2500], 0.00027);
  EXPECT_EQ(c[5].numbers[2500], 59761);
  EXPECT_EQ(c[9].text[2500], "147.32.85.34");

  EXPECT_EQ(c[0].numbers[4999], 1313064164.0478038788);
  EXPECT_EQ(c[1].numbers[4999], 1.404425);
  EXPECT_EQ(c[2].numbers[4999], 1017);
  EXPECT_EQ(c[3].numbers[4999], 595);
  EXPECT_EQ(c[4].text[4999], "tcp");
  EXPECT_EQ(c[5].numbers[4999], 1840);
  EXPECT_EQ(c[6].numbers[4999], 6881);
  EXPECT_EQ(c[7].text[4999], "FSPA_FSRA");
  EXPECT_EQ(c[8].text[4999], "147.32.84.171");
  EXPECT_EQ(c[9].text[4999], "180.193.40.27");

  // Sums (pandas sums pairwise, we sum in order: equal up to rounding).
  EXPECT_NEAR(testing::Sum(c[0]), 6566788758443.767, 1e-2);
  EXPECT_NEAR(testing::Sum(c[1]), 1476781.273978, 1e-6);
  EXPECT_EQ(testing::Sum(c[2]), 130641134.0);
  EXPECT_EQ(testing::Sum(c[3]), 11049984.0);
  EXPECT_EQ(testing::Sum(c[5]), 188116538.0);
  EXPECT_EQ(testing::Sum(c[6]), 35023427.0);
  // test.json stores the ports as text ("36967.0", "nan"); pandas converts
  // such columns to numbers, we hand the text on (the next stage parses it).
  EXPECT_EQ(c[5].text[0], "36967.0");
  EXPECT_EQ(c[5].text[1970], "nan");
  EXPECT_EQ(c[5].batch_types[0], core::ColumnType::kString);
  EXPECT_EQ(std::count_if(c[5].numbers.begin(), c[5].numbers.end(), [](double v) { return std::isnan(v); }), 155);
  EXPECT_EQ(std::count_if(c[6].numbers.begin(), c[6].numbers.end(), [](double v) { return std::isnan(v); }), 158);
  EXPECT_EQ(testing::CountMissing(c[7]), 1u);
  EXPECT_EQ(testing::CountMissing(c[0]), 0u);
  // Total characters of the text columns (df[c].dropna().str.len().sum()).
  for (auto [index, chars] : std::vector<std::pair<int, size_t>>{{4, 15155}, {7, 19648}, {8, 60311}, {9, 63464}}) {
    size_t total = 0;
    for (const auto& s : c[index].text) total += s.size();
    EXPECT_EQ(total, chars) << names[index];
  }
}

TEST(JsonReader, SmallBatchesGiveTheSameTable) {
  auto whole = OpenReader(kTestJson, std::nullopt);
  ReadResult expected = ReadAll(*whole);
  ReaderOptions options;
  options.max_batch_rows = 333;
  auto batched = OpenReader(kTestJson, std::nullopt, options);
  ReadResult got = ReadAll(*batched, {}, 333);
  EXPECT_EQ(got.num_batches, 16u);
  ASSERT_EQ(got.num_rows, expected.num_rows);
  for (size_t col = 0; col < got.columns.size(); ++col) EXPECT_EQ(got.columns[col].text, expected.columns[col].text);
  EXPECT_EQ(batched->bytes_consumed(), batched->bytes_total());
}

TEST(JsonReader, EveryLayoutInBatchesOfTwo) {
  for (const char* file : {"small_columns.json", "small_records.json", "small_index.json", "small_split.json",
                           "small_values.json", "small_lines.jsonl"}) {
    SCOPED_TRACE(file);
    ReaderOptions options;
    options.max_batch_rows = 2;
    auto reader = OpenReader(kFixtures + file, std::nullopt, options);
    ReadResult got = ReadAll(*reader, {}, 2);
    EXPECT_EQ(got.num_batches, 3u);
    ExpectSmallFrame(got);
  }
}

TEST(JsonReader, ColumnsWithDifferentKeysAreMatchedByKey) {
  ReadResult got = ReadString(R"({"a":{"x":1,"y":2},"b":{"y":3,"z":4}})");
  ASSERT_EQ(got.num_rows, 3u);  // rows x, y, z in order of appearance
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"1", "2", ""}));
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"", "3", "4"}));
}

TEST(JsonReader, ColumnsKeepTheIndexOrderOfTheFile) {
  ReadResult got = ReadString(R"({"a":{"1":10,"0":20},"b":{"1":"p","0":"q"}})");
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"10", "20"}));
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"p", "q"}));
}

TEST(JsonReader, ColumnsAsArrays) {
  auto reader = OpenString("m.json", R"({"a":[1,2,3],"b":["x",null]})");
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  ReadResult got = ReadAll(*reader);
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"x", "", ""}));
}

TEST(JsonReader, IndexLayoutWithTextLabels) {
  // More rows than columns and neither side integer: rows are the outer keys.
  auto reader = OpenString("m.json", R"({"h1":{"a":1,"b":2},"h2":{"a":3},"h3":{"b":6,"c":"z"}})");
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b", "c"}));
  ReadResult got = ReadAll(*reader);
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"1", "3", ""}));
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"2", "", "6"}));
  EXPECT_EQ(got.columns[2].text, (std::vector<std::string>{"", "", "z"}));
}

TEST(JsonReader, RecordsWithMissingKeysGetMissingValues) {
  auto reader = OpenString("m.json", R"([{"a":1},{"b":"x","a":2},{}])");
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  ReadResult got = ReadAll(*reader);
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"1", "2", ""}));
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"", "x", ""}));
}

TEST(JsonReader, ASingleObjectOfScalarsIsOneRecord) {
  ReadResult got = ReadString(R"({"a":1,"b":"x"})");
  ASSERT_EQ(got.num_rows, 1u);
  EXPECT_EQ(got.columns[1].text[0], "x");
}

TEST(JsonReader, ValueConversions) {
  ReadResult got = ReadString(
      R"([{"n":1,"m":"a","b":true,"big":18446744073709551615,"neg":-9223372036854775808,"o":{"k":[1,2]},"r":1.5},)"
      R"({"n":null,"m":2.0,"b":false,"big":9007199254740993,"neg":-1,"o":[true,null],"r":1e-400}])");
  ASSERT_EQ(got.num_rows, 2u);
  EXPECT_EQ(got.columns[0].batch_types[0], core::ColumnType::kDouble);
  EXPECT_TRUE(got.columns[0].missing[1]);
  // Mixed text and numbers: a text column, numbers written as text.
  EXPECT_EQ(got.columns[1].batch_types[0], core::ColumnType::kString);
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"a", "2.0"}));
  EXPECT_EQ(got.columns[2].numbers, (std::vector<double>{1, 0}));
  EXPECT_EQ(got.columns[3].numbers[0], 18446744073709551615.0);
  EXPECT_EQ(got.columns[3].numbers[1], 9007199254740992.0);
  EXPECT_EQ(got.columns[4].numbers[0], -9223372036854775808.0);
  // Nested values are kept as JSON text.
  EXPECT_EQ(got.columns[5].text, (std::vector<std::string>{R"({"k":[1,2]})", "[true,null]"}));
  EXPECT_EQ(got.columns[6].numbers, (std::vector<double>{1.5, 0.0}));
}

TEST(JsonReader, StringsSurviveTheReader) {
  std::unique_ptr<Chunk> chunk;
  {
    auto reader = OpenString("m.json", R"([{"s":"caf\u00e9 \"q\""}])");
    reader->SetProjection({0});
    chunk = reader->NextChunk();
  }
  core::ColumnBatch batch;
  batch.Reset(1);
  chunk->Decode(batch);
  chunk.reset();
  ASSERT_EQ(batch.num_rows, 1u);
  EXPECT_EQ(batch.columns[0].strings[0], "caf\xc3\xa9 \"q\"");
}

TEST(JsonReader, EmptyTables) {
  for (const char* text : {"[]", "{}", " [ ] \n"}) {
    auto reader = OpenString("m.json", text);
    EXPECT_TRUE(reader->schema().names.empty()) << text;
    EXPECT_EQ(ReadAll(*reader).num_rows, 0u) << text;
  }
}

TEST(JsonReader, ByteOrderMarkIsSkipped) {
  ReadResult got = ReadString("\xEF\xBB\xBF[{\"a\":1}]");
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"1"}));
}

TEST(JsonReader, JsonLinesWithBlankLinesAndCrLf) {
  auto reader = OpenString("m.jsonl", "{\"a\":1}\r\n\r\n{\"b\":\"x\"}\r\n  \n{\"a\":3,\"b\":null}");
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  ReadResult got = ReadAll(*reader);
  EXPECT_EQ(got.columns[0].text, (std::vector<std::string>{"1", "", "3"}));
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"", "x", ""}));
  EXPECT_EQ(got.lines, (std::vector<uint64_t>{1, 3, 5}));
}

TEST(JsonReader, JsonLinesOfArrays) {
  auto reader = OpenString("m.json", "[1,\"a\"]\n[2,\"b\",true]\n");
  EXPECT_FALSE(reader->schema().has_header);
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"column 1", "column 2", "column 3"}));
  ReadResult got = ReadAll(*reader);
  EXPECT_EQ(got.columns[1].text, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(got.columns[2].text, (std::vector<std::string>{"", "1"}));
}

TEST(JsonReader, JsonLinesLearnColumnsFromTheFirstLines) {
  // Beyond the window of the first lines, new keys are ignored.
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "{\"a\":" + std::to_string(i) + "}\n";
  text += "{\"a\":-1,\"late\":5}\n";
  auto reader = OpenString("m.jsonl", text, 4096);
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a"}));
  ReadResult got = ReadAll(*reader, {}, 4096);
  ASSERT_EQ(got.num_rows, 10001u);
  EXPECT_EQ(got.columns[0].numbers[9999], 9999);
  EXPECT_EQ(got.columns[0].numbers[10000], -1);
  EXPECT_EQ(got.lines.back(), 10001u);
}

TEST(JsonReader, DetectsJsonLines) {
  EXPECT_TRUE(LooksLikeJsonLines("x.jsonl", ""));
  EXPECT_TRUE(LooksLikeJsonLines("x.NDJSON.gz", "{"));
  EXPECT_TRUE(LooksLikeJsonLines("-", "{\"a\":1}\n{\"a\":2}\n"));
  EXPECT_TRUE(LooksLikeJsonLines("-", "[1,2]\r\n[3,4]"));
  EXPECT_FALSE(LooksLikeJsonLines("-", "{\"a\":1}\n"));
  EXPECT_FALSE(LooksLikeJsonLines("x.json", "{\n \"a\": 1\n}\n"));
  EXPECT_FALSE(LooksLikeJsonLines("x.json", "[{\"a\":1},\n{\"a\":2}]\n"));
  EXPECT_FALSE(LooksLikeJsonLines("x.json", "a,b\n1,2\n"));
}

TEST(JsonReader, SyntaxErrorsSayWhere) {
  EXPECT_EQ(ErrorOf("bad.json", "{\"a\": {\"0\": 1,}}"),
            "bad.json:1:15: invalid JSON (byte offset 14): The JSON document has an improper "
            "structure: missing or superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(ErrorOf("bad.json", "[{\"a\":1},\n {\"a\":tru}]"),
            "bad.json:2:7: invalid JSON (byte offset 16): Problem while parsing an atom starting with "
            "the letter 't'");
  EXPECT_EQ(ErrorOf("bad.json", "[{\"a\":1}"),
            "bad.json:1:9: invalid JSON (byte offset 8): The JSON document has an improper "
            "structure: missing or superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(ErrorOf("bad.json", "[1, 123456789012345678901234567890]"),
            "bad.json:1:5: invalid JSON (byte offset 4): Problem while parsing a number");
  EXPECT_EQ(ErrorOf("bad.json", "  \n "), "bad.json: the file is empty (no JSON document)");
  EXPECT_EQ(ErrorOf("bad.jsonl", "{\"a\":1}\n{\"a\":}\n"),
            "bad.jsonl:2:6: invalid JSON (byte offset 13): The JSON document has an improper "
            "structure: missing or superfluous commas, braces, missing keys, etc.");
  EXPECT_EQ(ErrorOf("bad.jsonl", ""), "bad.jsonl: the file is empty (no JSON lines)");
}

TEST(JsonReader, ShapeErrorsGiveTheJsonPointer) {
  EXPECT_EQ(ErrorOf("s.json", "42"), "s.json: expected a JSON object or array holding a table, got a number");
  EXPECT_EQ(ErrorOf("s.json", "[{\"a\":1}, 7]"),
            "s.json: /1 (record 2): expected an object like the records before, got a number");
  EXPECT_EQ(ErrorOf("s.json", "[[1], {\"a\":1}]"),
            "s.json: /1: expected an array of values like the rows before, got an object");
  EXPECT_EQ(ErrorOf("s.json", "[\"x\"]"),
            "s.json: /0: expected an object (a record) or an array (a row of values), got a string");
  EXPECT_EQ(ErrorOf("s.json", "{\"a\":{\"0\":1},\"b/c\":2}"),
            "s.json: /b~1c: expected an object like the other members (a column or row), got a number");
  EXPECT_EQ(ErrorOf("s.json", "{\"columns\":[\"a\"],\"data\":[[1],3]}"),
            "s.json: /data/1 (row 2): expected an array of values, got a number");
  EXPECT_EQ(ErrorOf("s.json", "{\"schema\":{\"fields\":3},\"data\":[]}"),
            "s.json: /schema/fields: expected an array of fields (the 'table' layout)");
  EXPECT_EQ(ErrorOf("s.jsonl", "{\"a\":1}\n[1]\n"),
            "s.jsonl:2: got an array, but the lines before are objects (byte offset 8)");
  EXPECT_EQ(ErrorOf("s.jsonl", "{\"a\":1}\n\"x\"\n"),
            "s.jsonl:2: expected a JSON object (a record) or an array of values on each line, got a string (byte "
            "offset 8)");
}

TEST(JsonReader, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "[" + std::string(5000, '[') + std::string(5000, ']') + "]";
  EXPECT_NE(ErrorOf("deep.json", deep).find("deep.json:1:"), std::string::npos);
  EXPECT_NE(ErrorOf("deep.jsonl", deep + "\n" + deep).find("deep.jsonl"), std::string::npos);
}

// Damaged input: truncated at many offsets or with flipped bytes, every file
// either reads or fails with an InputError.
void ExpectReadsOrInputError(const std::string& name, const std::string& data) {
  try {
    auto reader = OpenJsonReader(FileBuffer::FromString(name, data), ReaderOptions{});
    std::vector<int> all(reader->schema().names.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
    reader->SetProjection(all);
    while (auto chunk = reader->NextChunk()) {
      core::ColumnBatch batch;
      batch.Reset(all.size());
      chunk->Decode(batch);
    }
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(name + ":", 0), 0u) << e.what();
  }
}

TEST(JsonReader, DamagedFilesFailCleanly) {
  std::mt19937 rng(42);
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const char* file : {"small_columns.json", "small_records.json", "small_index.json", "small_split.json",
                           "small_values.json", "small_table.json", "small_lines.jsonl"}) {
    inputs.emplace_back(file, testing::ReadFileBytes(kFixtures + file));
  }
  std::string real = testing::ReadFileBytes(kTestJson);
  ASSERT_GT(real.size(), 100000u);
  for (const auto& [name, data] : inputs) {
    for (size_t cut = 0; cut <= data.size(); ++cut) ExpectReadsOrInputError(name, data.substr(0, cut));
    for (int i = 0; i < 300; ++i) {
      std::string damaged = data;
      damaged[rng() % damaged.size()] = static_cast<char>(rng());
      ExpectReadsOrInputError(name, damaged);
    }
  }
  for (int i = 0; i < 60; ++i) {
    ExpectReadsOrInputError("test.json", real.substr(0, rng() % real.size()));
    std::string damaged = real;
    for (int k = 0; k < 3; ++k) damaged[rng() % damaged.size()] = static_cast<char>(rng());
    ExpectReadsOrInputError("test.json", damaged);
  }
}

}  // namespace
}  // namespace botrecon::io
