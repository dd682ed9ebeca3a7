#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"
#include "io/formats.h"
#include "io/input.h"

namespace botrecon::io {
namespace {

using namespace std::string_literals;

const std::string kFixtures = std::string(BOTRECON_FIXTURES) + "/pickle";
const std::string kTestPkl = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.pkl";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every cell of every batch, copied out of the batches.
struct Table {
  std::vector<std::string> names;
  std::vector<core::ColumnType> types;
  std::vector<std::vector<double>> numbers;
  std::vector<std::vector<std::string>> strings;
  size_t rows = 0;
  size_t batches = 0;
};

Table ReadAll(Reader& reader, std::vector<int> projection = {}) {
  Table t;
  if (projection.empty()) {
    for (size_t i = 0; i < reader.schema().names.size(); ++i) projection.push_back(static_cast<int>(i));
  }
  reader.SetProjection(projection);
  for (int idx : projection) t.names.push_back(reader.schema().names[static_cast<size_t>(idx)]);
  t.numbers.resize(projection.size());
  t.strings.resize(projection.size());
  t.types.resize(projection.size());
  while (auto chunk = reader.NextChunk()) {
    core::ColumnBatch batch;
    batch.Reset(projection.size());
    chunk->Decode(batch);
    EXPECT_EQ(batch.first_row, t.rows);
    EXPECT_EQ(batch.columns.size(), projection.size());
    for (size_t c = 0; c < projection.size(); ++c) {
      const core::Column& col = batch.columns[c];
      EXPECT_EQ(col.size(), batch.num_rows);
      t.types[c] = col.type;
      for (size_t r = 0; r < batch.num_rows; ++r) {
        if (col.type == core::ColumnType::kDouble) {
          t.numbers[c].push_back(col.numbers[r]);
        } else {
          t.strings[c].emplace_back(col.strings[r]);
        }
      }
    }
    t.rows += batch.num_rows;
    ++t.batches;
  }
  return t;
}

Table ReadFileTable(const std::string& path, size_t batch_rows = 65536) {
  ReaderOptions options;
  options.max_batch_rows = batch_rows;
  auto reader = OpenPickleReader(FileBuffer::Load(path), options);
  return ReadAll(*reader);
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

bool SameDouble(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

// Compares a fixture with its .expected.tsv (written by tools/gen_pickle_fixtures.py from pandas).
void ExpectMatchesPandas(const std::string& stem, size_t batch_rows) {
  SCOPED_TRACE(stem + " with batches of " + std::to_string(batch_rows));
  Table t = ReadFileTable(kFixtures + "/" + stem + ".pkl", batch_rows);
  std::vector<std::string> lines = Split(ReadFile(kFixtures + "/" + stem + ".expected.tsv"), '\n');
  ASSERT_GE(lines.size(), 3u);
  lines.pop_back();  // after the final newline
  std::vector<std::string> names = lines[0].empty() ? std::vector<std::string>{} : Split(lines[0], '\t');
  ASSERT_EQ(t.names, names);
  std::vector<std::string> types = lines[1].empty() ? std::vector<std::string>{} : Split(lines[1], '\t');
  ASSERT_EQ(t.rows, lines.size() - 2);
  for (size_t c = 0; c < names.size(); ++c) {
    SCOPED_TRACE("column " + names[c]);
    if (t.rows > 0) ASSERT_EQ(t.types[c] == core::ColumnType::kDouble ? "double" : "string", types[c]);
    for (size_t r = 0; r < t.rows; ++r) {
      std::string cell = Split(lines[r + 2], '\t')[c];
      if (types[c] == "double") {
        double expected = std::strtod(cell.c_str(), nullptr);
        EXPECT_TRUE(SameDouble(t.numbers[c][r], expected)) << "row " << r << ": " << t.numbers[c][r] << " vs " << cell;
      } else {
        EXPECT_EQ(t.strings[c][r], cell) << "row " << r;
      }
    }
  }
}

std::vector<std::string> FixtureStems() {
  std::vector<std::string> stems;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    std::string file = entry.path().filename().string();
    if (entry.path().extension() == ".pkl") stems.push_back(file.substr(0, file.size() - 4));
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

// ---------------------------------------------------------------------------
// The real file: values computed once with Debian's pandas 1.5.3:
//   df = pd.read_pickle("original-tests/test.pkl"); len(df); list(df.columns); df.iloc[r].tolist();
//   sums as a plain left-to-right float loop: s = 0.0; for v in df[c].tolist(): s += float(v)
// test.pkl was written by pandas 1.2.x (protocol 5; its BlockManager uses the
// NEWOBJ + BUILD "0.14.1" state, and its DataFrame state has "_flags", new in 1.2).

TEST(PickleReader, RealTestPklMatchesPandas) {
  Table t = ReadFileTable(kTestPkl, 1000);
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batches, 5u);
  EXPECT_EQ(t.names, (std::vector<std::string>{"StartTime", "Dur", "TotBytes", "SrcBytes", "Proto", "Sport", "Dport",
                                               "State", "DstAddr", "SrcAddr"}));
  for (size_t c = 0; c < 4; ++c) EXPECT_EQ(t.types[c], core::ColumnType::kDouble) << c;
  for (size_t c = 4; c < 10; ++c) EXPECT_EQ(t.types[c], core::ColumnType::kString) << c;
  auto row = [&](size_t r) {
    std::vector<std::string> out;
    for (size_t c = 4; c < 10; ++c) out.push_back(t.strings[c][r]);
    return out;
  };
  EXPECT_EQ(t.numbers[0][0], 1313431402.17637);
  EXPECT_EQ(t.numbers[1][0], 0.000499);
  EXPECT_EQ(t.numbers[2][0], 132);
  EXPECT_EQ(t.numbers[3][0], 72);
  EXPECT_EQ(row(0), (std::vector<std::string>{"udp", "36967.0", "13363.0", "CON", "147.32.84.229", "89.117.241.40"}));
  EXPECT_EQ(t.numbers[1][2], 0.055283000000000006);
  EXPECT_EQ(row(2), (std::vector<std::string>{"tcp", "1571.0", "8081.0", "_FSA", "147.32.87.54", "147.32.87.249"}));
  EXPECT_EQ(t.numbers[0][2500], 1313388227.961522);
  EXPECT_EQ(row(2500), (std::vector<std::string>{"udp", "59761.0", "53.0", "CON", "147.32.80.9", "147.32.85.34"}));
  // Row 1970 has State None (a missing value) and the strings 'nan' as ports.
  EXPECT_EQ(t.numbers[0][1970], 1313670907.940984);
  EXPECT_EQ(row(1970), (std::vector<std::string>{"icmp", "nan", "nan", "", "147.32.96.69", "147.32.84.165"}));
  EXPECT_EQ(t.numbers[0][4999], 1313064164.0478039);
  EXPECT_EQ(t.numbers[1][4999], 1.404425);
  EXPECT_EQ(t.numbers[2][4999], 1017);
  EXPECT_EQ(t.numbers[3][4999], 595);
  EXPECT_EQ(row(4999),
            (std::vector<std::string>{"tcp", "1840.0", "6881.0", "FSPA_FSRA", "147.32.84.171", "180.193.40.27"}));
  EXPECT_EQ(t.numbers[1][4998], 1834.5010989999998);

  double sums[4] = {0, 0, 0, 0};
  for (size_t c = 0; c < 4; ++c) {
    for (double v : t.numbers[c]) sums[c] += v;
  }
  EXPECT_EQ(sums[0], 6566788758443.765);
  EXPECT_EQ(sums[1], 1476781.2739779986);
  EXPECT_EQ(sums[2], 130641134.0);
  EXPECT_EQ(sums[3], 11049984.0);
  size_t src_chars = 0, proto_chars = 0;
  for (const auto& s : t.strings[9]) src_chars += s.size();
  for (const auto& s : t.strings[4]) proto_chars += s.size();
  EXPECT_EQ(src_chars, 63464u);  // sum(len(x) for x in df.SrcAddr)
  EXPECT_EQ(proto_chars, 15155u);
}

TEST(PickleReader, ProjectionSelectsAndOrdersColumns) {
  ReaderOptions options;
  options.max_batch_rows = 777;
  auto reader = OpenPickleReader(FileBuffer::Load(kTestPkl), options);
  EXPECT_EQ(reader->source_name(), kTestPkl);
  Table t = ReadAll(*reader, {9, 2, 4});
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batches, 7u);  // ceil(5000 / 777)
  EXPECT_EQ(t.names, (std::vector<std::string>{"SrcAddr", "TotBytes", "Proto"}));
  EXPECT_EQ(t.strings[0][4999], "180.193.40.27");
  EXPECT_EQ(t.numbers[1][4999], 1017);
  EXPECT_EQ(t.strings[2][4999], "tcp");
}

TEST(PickleReader, OpenReaderDetectsPickle) {
  auto reader = OpenReader(kTestPkl, std::nullopt);
  EXPECT_EQ(reader->schema().names.size(), 10u);
  auto typed = OpenReader(kTestPkl, InputType::kPickle);
  EXPECT_EQ(typed->schema().names[0], "StartTime");
}

TEST(PickleReader, EveryFixtureMatchesPandas) {
  std::vector<std::string> stems = FixtureStems();
  ASSERT_GE(stems.size(), 20u);
  for (const auto& stem : stems) {
    ExpectMatchesPandas(stem, 65536);
    ExpectMatchesPandas(stem, 5);
  }
}

TEST(PickleReader, CoversEveryProtocolAndLayout) {
  for (const char* stem :
       {"mixed_p0", "mixed_p1", "mixed_p2", "mixed_p3", "mixed_p4", "mixed_p5", "layout_pandas12_p5",
        "layout_pandas12_p2", "layout_pandas13_p4", "layout_pandas2_numpy2_p5", "layout_pandas2_numpy2_p3",
        "order_c_input_p2", "order_f_input_p4", "order_object_2d_p5", "extension_p5", "extension_p2", "empty_p4"}) {
    EXPECT_TRUE(std::filesystem::exists(kFixtures + "/" + stem + ".pkl")) << stem;
  }
}

TEST(PickleReader, MixedFixtureSpotChecks) {
  Table t = ReadFileTable(kFixtures + "/mixed_p5.pkl");
  ASSERT_EQ(t.rows, 12u);
  ASSERT_EQ(t.names[9], "u64");
  EXPECT_EQ(t.numbers[9][1], 18446744073709551615.0);
  EXPECT_EQ(t.names[11], "be_f8");
  EXPECT_EQ(t.numbers[11][1], -2.5);  // big-endian float64
  EXPECT_EQ(t.names[12], "be_i4");
  EXPECT_EQ(t.numbers[12][11], 2147483647.0);  // big-endian int32
  EXPECT_EQ(t.names[13], "name");
  EXPECT_EQ(t.strings[13][3], "\xe6\x9d\xb1\xe4\xba\xac");  // 東京
  EXPECT_EQ(t.strings[13][1], "");                          // None
  EXPECT_EQ(t.strings[14][0], "80");                        // int in an object column of strings
  EXPECT_EQ(t.strings[14][3], "443.0");                     // float likewise
  EXPECT_EQ(t.types[15], core::ColumnType::kDouble);        // object column of numbers only
  EXPECT_TRUE(std::isnan(t.numbers[15][2]));
}

TEST(PickleReader, OrderFixturesReadColumnsNotRows) {
  // order_c_input: DataFrame(np.arange(15.).reshape(5, 3) * 1.5) -> block stored in Fortran order.
  Table c = ReadFileTable(kFixtures + "/order_c_input_p5.pkl");
  ASSERT_EQ(c.rows, 5u);
  EXPECT_EQ(c.numbers[0], (std::vector<double>{0, 4.5, 9, 13.5, 18}));
  EXPECT_EQ(c.numbers[2], (std::vector<double>{3, 7.5, 12, 16.5, 21}));
  // order_f_input: DataFrame(asfortranarray(arange(15).reshape(5, 3) - 7)) -> C-order block.
  Table f = ReadFileTable(kFixtures + "/order_f_input_p2.pkl");
  EXPECT_EQ(f.numbers[1], (std::vector<double>{-6, -3, 0, 3, 6}));
  Table o = ReadFileTable(kFixtures + "/order_object_2d_p4.pkl");
  EXPECT_EQ(o.names, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(o.strings[2], (std::vector<std::string>{"", "e", "g", "j"}));
}

TEST(PickleReader, EmptyFrame) {
  auto reader = OpenPickleReader(FileBuffer::Load(kFixtures + "/empty_p4.pkl"), {});
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  Table t = ReadAll(*reader);
  EXPECT_EQ(t.rows, 0u);
  EXPECT_EQ(t.batches, 0u);
}

// ---------------------------------------------------------------------------
// Damage

void ExpectInputError(const std::string& name, const std::string& bytes, const std::string& message_part) {
  try {
    auto reader = OpenPickleReader(FileBuffer::FromString(name, bytes), {});
    ReadAll(*reader);
    ADD_FAILURE() << "no error; expected one containing: " << message_part;
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
  }
}

// Opens and reads everything; success or InputError are both fine, anything else fails the test.
void ReadOrInputError(const std::string& name, const std::string& bytes) {
  try {
    auto reader = OpenPickleReader(FileBuffer::FromString(name, bytes), {});
    ReadAll(*reader);
  } catch (const core::InputError&) {
  }
}

TEST(PickleReader, DamageTruncatedRealFile) {
  std::string data = ReadFile(kTestPkl);
  ASSERT_EQ(data.size(), 348119u);
  for (size_t cut = 0; cut < data.size(); cut += (cut < 2000 ? 1 : 211)) {
    ReadOrInputError("test.pkl", data.substr(0, cut));
  }
  ExpectInputError("test.pkl", data.substr(0, 1000), "test.pkl: truncated pickle");
  ExpectInputError("test.pkl", "", "test.pkl: empty pickle");
}

TEST(PickleReader, DamageFlippedBytesRealFile) {
  std::string data = ReadFile(kTestPkl);
  std::mt19937 rng(12345);
  // The structure lives at the start (first 600 bytes) and the end (object arrays); flip there often.
  for (int trial = 0; trial < 600; ++trial) {
    std::string damaged = data;
    size_t pos = trial % 3 == 0 ? rng() % 600 : trial % 3 == 1 ? data.size() - 1 - rng() % 2000 : rng() % data.size();
    damaged[pos] = static_cast<char>(damaged[pos] ^ (1 << (rng() % 8)));
    ReadOrInputError("test.pkl", damaged);
  }
}

TEST(PickleReader, DamageEveryOffsetOfSmallFixtures) {
  for (const char* stem : {"mixed_p0", "mixed_p5", "extension_p5"}) {
    std::string data = ReadFile(kFixtures + "/" + std::string(stem) + ".pkl");
    for (size_t cut = 0; cut < data.size(); ++cut) ReadOrInputError(stem, data.substr(0, cut));
    for (size_t pos = 0; pos<data.size(); pos += data.size()> 5000 ? 3 : 1) {
      for (int value : {0xff, 0x28 /* MARK */}) {
        std::string damaged = data;
        damaged[pos] = static_cast<char>(value);
        ReadOrInputError(stem, damaged);
      }
    }
  }
}

// Small hand-written pickles -------------------------------------------------

// A protocol-2 DataFrame of `columns` float64 columns named a, b, ... with
// `rows` rows in one block; `data_bytes` overrides the raw data length.
std::string HandMadeFrame(int columns, int rows, int data_bytes = -1, const std::string& dtype_code = "f8") {
  std::string p = "\x80\x02";
  auto str = [&](const std::string& s) {
    p += 'X';
    uint32_t n = static_cast<uint32_t>(s.size());
    p.append(reinterpret_cast<const char*>(&n), 4);
    p += s;
  };
  auto global = [&](const std::string& module, const std::string& name) { p += "c" + module + "\n" + name + "\n"; };
  auto small_int = [&](int v) {
    p += 'J';
    int32_t x = v;
    p.append(reinterpret_cast<const char*>(&x), 4);
  };
  auto dtype = [&](const std::string& code) {
    global("numpy", "dtype");
    p += "(";
    str(code);
    p += "\x89\x88tR(";
    small_int(3);
    str("<");
    p += "NNN";
    small_int(-1);
    small_int(-1);
    small_int(0);
    p += "tb";
  };
  auto array_start = [&]() {
    global("numpy.core.multiarray", "_reconstruct");
    global("numpy", "ndarray");
    p += "K\x00\x85"
         "C\x01"
         "b\x87R"s;  // _reconstruct(ndarray, (0,), b'b')
  };
  global("pandas.core.frame", "DataFrame");
  p += ")\x81}(";
  str("_mgr");
  global("pandas.core.internals.managers", "BlockManager");
  p += "(";  // blocks tuple
  global("pandas._libs.internals", "_unpickle_block");
  p += "(";
  array_start();
  p += "(K\x01";
  small_int(columns);
  small_int(rows);
  p += "\x86";
  dtype(dtype_code);
  p += "\x89";  // not fortran
  int n = data_bytes >= 0 ? data_bytes : columns * rows * 8;
  p += 'B';
  uint32_t len = static_cast<uint32_t>(n);
  p.append(reinterpret_cast<const char*>(&len), 4);
  for (int i = 0; i < n / 8; ++i) {
    double v = i;
    p.append(reinterpret_cast<const char*>(&v), 8);
  }
  p.append(static_cast<size_t>(n % 8), '\0');
  p += "tb";  // array state
  global("builtins", "slice");
  p += "K\x00"s;
  small_int(columns);
  p += "K\x01\x87R";  // slice(0, columns, 1)
  p += "K\x02tR";     // _unpickle_block(values, placement, 2)
  p += "t";           // blocks tuple
  p += "]";           // axes list
  p += "(";
  global("pandas.core.indexes.base", "_new_Index");
  global("pandas.core.indexes.base", "Index");
  p += "}(";
  str("data");
  array_start();
  p += "(K\x01";
  small_int(columns);
  p += "\x85";
  global("numpy", "dtype");
  p += "(";
  str("O8");
  p += "\x89\x88tR\x89](";
  for (int c = 0; c < columns; ++c) str(std::string(1, static_cast<char>('a' + c)));
  p += "etb";
  p += "u\x86R";  // _new_Index(Index, {...})
  global("pandas.core.indexes.base", "_new_Index");
  global("pandas.core.indexes.range", "RangeIndex");
  p += "}(";
  str("start");
  small_int(0);
  str("stop");
  small_int(rows);
  p += "u\x86R";
  p += "e";      // APPENDS axes
  p += "\x86R";  // BlockManager(blocks, axes)
  p += "ub.";    // SETITEMS, BUILD, STOP
  return p;
}

TEST(PickleReader, HandMadeFrameReads) {
  auto reader = OpenPickleReader(FileBuffer::FromString("hand.pkl", HandMadeFrame(2, 3)), {});
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  Table t = ReadAll(*reader);
  ASSERT_EQ(t.rows, 3u);
  EXPECT_EQ(t.numbers[0], (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(t.numbers[1], (std::vector<double>{3, 4, 5}));
}

TEST(PickleReader, DamageArrayLengthLies) {
  ExpectInputError("hand.pkl", HandMadeFrame(2, 3, 40),
                   "hand.pkl: block 1 values: numpy array data has 40 bytes, shape and dtype 'f8' need 48 (offset");
}

TEST(PickleReader, DamageStringLengthLies) {
  std::string p = HandMadeFrame(2, 3);
  size_t at = p.find("_mgr") - 4;  // the length field of BINUNICODE '_mgr'
  p[at + 3] = '\x7f';
  ExpectInputError("hand.pkl", p, "truncated pickle: BINUNICODE needs 2130706436 bytes");
}

TEST(PickleReader, DamageBadMagicAndNotAFrame) {
  ExpectInputError("x.pkl", "StartTime,Dur\n1,2\n", "x.pkl: STRING opcode argument is not a quoted string (offset 0)");
  ExpectInputError("x.pkl", std::string("\x80\x06N.", 4), "x.pkl: unsupported pickle protocol 6 (offset 0)");
  ExpectInputError("x.pkl", std::string("\x80\x04]\x94.", 5),
                   "x.pkl: pickle holds list, not a pandas DataFrame (offset 2)");
  ExpectInputError("x.pkl", std::string("\x80\x02") + "cpandas.core.series\nSeries\n)\x81.",
                   "x.pkl: pickle holds pandas.core.series.Series, not a pandas DataFrame");
}

TEST(PickleReader, DamageRecursionDepth) {
  std::string deep = "\x80\x02" + std::string(5000, '(') + ".";
  ExpectInputError("deep.pkl", deep, "deep.pkl: pickle nesting exceeds 1000 levels (offset 1002)");
  std::string lists = "\x80\x02";
  for (int i = 0; i < 200000; ++i) lists += "]";  // many values are fine; nothing recurses
  lists += ".";
  ExpectInputError("wide.pkl", lists, "pickle holds list");
}

TEST(PickleReader, ForbiddenGlobalInsideAFrame) {
  // A DataFrame whose column label is os.system(...) instead of a string.
  std::string p = HandMadeFrame(1, 2);
  size_t at = p.find(
      "X\x01\x00\x00\x00"
      "a"s);
  ASSERT_NE(at, std::string::npos);
  std::string evil =
      "cos\nsystem\n(X\x04\x00\x00\x00"
      "echotR"s;
  p.replace(at, 6, evil);
  ExpectInputError("evil.pkl", p,
                   "evil.pkl: pickle refers to os.system, which is not allowed (offset " + std::to_string(at) + ")");
}

TEST(PickleReader, UnsupportedColumnOnlyFailsWhenProjected) {
  // timedelta64 columns are not supported: the file still opens, and only asking for them fails.
  auto reader = OpenPickleReader(FileBuffer::FromString("hand.pkl", HandMadeFrame(2, 3, -1, "m8")), {});
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  EXPECT_NO_THROW(reader->SetProjection({}));
  try {
    reader->SetProjection({1});
    ADD_FAILURE() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(), "hand.pkl: column 'b': numpy dtype 'm8' is not supported");
  }
  EXPECT_THROW(reader->SetProjection({5}), core::InternalError);
}

}  // namespace
}  // namespace botrecon::io
