// Tests of the .xlsx reader: the real test.xlsx against pandas, a pandas-written
// fixture, small workbooks built here with libzip, and damaged archives.
#include <gtest/gtest.h>
#include <zip.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "io/formats.h"
#include "io/input.h"
#include "io/reader.h"

namespace botrecon::io {
namespace {

// One cell as read: text (empty = missing string), or a number (NaN = missing).
struct Value {
  bool is_string = false;
  std::string text;
  double number = 0;
};

struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<Value>> columns;  // projected columns
  std::vector<uint64_t> batch_first_rows;
  std::vector<size_t> batch_sizes;
  size_t rows = 0;
};

// Reads every batch of `reader` for `projection` (all columns if empty).
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
    table.batch_first_rows.push_back(batch.first_row);
    table.batch_sizes.push_back(batch.num_rows);
    EXPECT_EQ(batch.first_row, table.rows);
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

Table ReadBytes(const std::string& bytes, const ReaderOptions& options = {}, std::vector<int> projection = {}) {
  auto reader = OpenExcelReader(FileBuffer::FromString("book.xlsx", bytes), options);
  return ReadAll(*reader, std::move(projection));
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool IsNumber(const Value& v, double expected) { return !v.is_string && v.number == expected; }
bool IsMissingNumber(const Value& v) { return !v.is_string && std::isnan(v.number); }
bool IsText(const Value& v, const std::string& expected) { return v.is_string && v.text == expected; }

// Parses a text cell such as "36967.0"; NaN when missing.
double TextNumber(const Value& v) {
  if (!v.is_string) return v.number;
  if (v.text.empty()) return std::nan("");
  double out = 0;
  auto result = std::from_chars(v.text.data(), v.text.data() + v.text.size(), out);
  EXPECT_EQ(result.ptr, v.text.data() + v.text.size()) << v.text;
  return out;
}

// ---------------------------------------------------------------------------
// Building workbooks in memory.

using Parts = std::vector<std::pair<std::string, std::string>>;

std::string BuildZip(const Parts& parts, bool store = false) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(out);
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  EXPECT_NE(archive, nullptr);
  for (const auto& [name, data] : parts) {
    zip_source_t* source = zip_source_buffer(archive, data.data(), data.size(), 0);
    zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    EXPECT_GE(index, 0);
    if (store) zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  EXPECT_EQ(zip_close(archive), 0);
  std::string bytes;
  EXPECT_EQ(zip_source_open(out), 0);
  zip_source_seek(out, 0, SEEK_END);
  bytes.resize(static_cast<size_t>(zip_source_tell(out)));
  zip_source_seek(out, 0, SEEK_SET);
  EXPECT_EQ(zip_source_read(out, bytes.data(), bytes.size()), static_cast<zip_int64_t>(bytes.size()));
  zip_source_close(out);
  zip_source_free(out);
  zip_error_fini(&error);
  return bytes;
}

const char* kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>)";
const char* kRootRels =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string Workbook(const std::vector<std::string>& sheet_names) {
  std::string xml =
      std::string(
          R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r=")") +
      kRelNs + R"("><sheets>)";
  for (size_t i = 0; i < sheet_names.size(); ++i) {
    xml += "<sheet name=\"" + sheet_names[i] + "\" sheetId=\"" + std::to_string(i + 1) + "\" r:id=\"rId" +
           std::to_string(i + 1) + "\"/>";
  }
  return xml + "</sheets></workbook>";
}

std::string WorkbookRels(const std::vector<std::string>& sheet_targets, bool shared_strings) {
  std::string xml =
      R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  for (size_t i = 0; i < sheet_targets.size(); ++i) {
    xml += "<Relationship Id=\"rId" + std::to_string(i + 1) + "\" Type=\"" + kRelNs + "/worksheet\" Target=\"" +
           sheet_targets[i] + "\"/>";
  }
  if (shared_strings) {
    xml +=
        std::string("<Relationship Id=\"rIdS\" Type=\"") + kRelNs + "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
  }
  return xml + "</Relationships>";
}

std::string Sheet(const std::string& rows, const std::string& dimension = "") {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") +
         R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)" +
         (dimension.empty() ? "" : "<dimension ref=\"" + dimension + "\"/>") + "<sheetData>" + rows +
         "</sheetData></worksheet>";
}

std::string SharedStrings(const std::string& items) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)" +
         items + "</sst>";
}

// A one-sheet workbook (plus optional shared strings).
Parts OneSheet(const std::string& sheet_xml, const std::string& sst_xml = "") {
  Parts parts = {{"[Content_Types].xml", kContentTypes},
                 {"_rels/.rels", kRootRels},
                 {"xl/workbook.xml", Workbook({"Data"})},
                 {"xl/_rels/workbook.xml.rels", WorkbookRels({"worksheets/sheet1.xml"}, !sst_xml.empty())},
                 {"xl/worksheets/sheet1.xml", sheet_xml}};
  if (!sst_xml.empty()) parts.emplace_back("xl/sharedStrings.xml", sst_xml);
  return parts;
}

std::string ErrorOf(const std::string& bytes, const ReaderOptions& options = {}) {
  try {
    ReadBytes(bytes, options);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// ---------------------------------------------------------------------------
// The real file.

// Expected values: computed once with Debian's pandas 1.5.3 (/usr/bin/python3):
//   d = pandas.read_excel("test.xlsx"); len(d), d.columns, d.iloc[r], d[c].sum(), d[c].isna().sum()
// pandas parses the Sport/Dport text cells ("36967.0") as floats; we hand them
// out as text, so they are parsed here before summing.
TEST(ExcelReader, ExcelRealFileMatchesPandas) {
  const std::string path = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.xlsx";
  ReaderOptions options;
  options.max_batch_rows = 1000;
  auto reader = OpenReader(path, std::nullopt, options);  // detected from the zip magic
  const std::vector<std::string> expected_names = {"",      "StartTime", "Dur",   "TotBytes", "SrcBytes", "Proto",
                                                   "Sport", "Dport",     "State", "DstAddr",  "SrcAddr"};
  ASSERT_EQ(reader->schema().names, expected_names);
  EXPECT_EQ(reader->bytes_total(), 2672224u);  // the sheet part, uncompressed
  Table t = ReadAll(*reader);
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batch_sizes, (std::vector<size_t>{1000, 1000, 1000, 1000, 1000}));
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
  // Row 2: 2, 1313192829.734809, 0.05528300000000001, 364, 0, tcp, 1571.0, 8081.0, _FSA, 147.32.87.54, 147.32.87.249
  EXPECT_TRUE(IsNumber(t.columns[1][2], 1313192829.734809));
  EXPECT_TRUE(IsNumber(t.columns[2][2], 0.05528300000000001));
  EXPECT_TRUE(IsNumber(t.columns[4][2], 0));
  EXPECT_TRUE(IsText(t.columns[8][2], "_FSA"));
  // Row 2500: 2500, 1313388227.961522, 0.00027, 323, 85, udp, 59761.0, 53.0, CON, 147.32.80.9, 147.32.85.34
  EXPECT_TRUE(IsNumber(t.columns[0][2500], 2500));
  EXPECT_TRUE(IsNumber(t.columns[1][2500], 1313388227.961522));
  EXPECT_TRUE(IsText(t.columns[7][2500], "53.0"));
  EXPECT_TRUE(IsText(t.columns[10][2500], "147.32.85.34"));
  // Row 4999: 4999, 1313064164.047804, 1.404425, 1017, 595, tcp, 1840.0, 6881.0, FSPA_FSRA, 147.32.84.171,
  // 180.193.40.27
  EXPECT_TRUE(IsNumber(t.columns[0][4999], 4999));
  EXPECT_TRUE(IsNumber(t.columns[1][4999], 1313064164.047804));
  EXPECT_TRUE(IsNumber(t.columns[2][4999], 1.404425));
  EXPECT_TRUE(IsNumber(t.columns[3][4999], 1017));
  EXPECT_TRUE(IsText(t.columns[6][4999], "1840.0"));
  EXPECT_TRUE(IsText(t.columns[8][4999], "FSPA_FSRA"));
  EXPECT_TRUE(IsText(t.columns[10][4999], "180.193.40.27"));
  // State is missing in row 1970 only. Sport is the text "nan" in 155 rows (the
  // first is row 40) and Dport in 158, which pandas reads as NaN.
  EXPECT_TRUE(IsText(t.columns[8][1970], ""));
  EXPECT_TRUE(IsText(t.columns[6][40], "nan"));

  // Sums (pandas): index 12497500, StartTime 6566788758443.767, Dur 1476781.273978,
  // TotBytes 130641134, SrcBytes 11049984, Sport 188116538 (155 NaN), Dport 35023427 (158 NaN).
  const double expected_sums[] = {12497500.0, 6566788758443.767, 1476781.273978, 130641134.0, 11049984.0};
  for (int c = 0; c < 5; ++c) {
    double sum = 0;
    for (const auto& v : t.columns[c]) {
      ASSERT_FALSE(v.is_string) << "column " << c;
      sum += v.number;
    }
    EXPECT_NEAR(sum, expected_sums[c], std::abs(expected_sums[c]) * 1e-12) << "column " << c;
  }
  auto text_sum = [&](int c, size_t& missing) {
    double sum = 0;
    missing = 0;
    for (const auto& v : t.columns[c]) {
      double x = TextNumber(v);
      if (std::isnan(x)) {
        ++missing;
      } else {
        sum += x;
      }
    }
    return sum;
  };
  size_t missing = 0;
  EXPECT_EQ(text_sum(6, missing), 188116538.0);
  EXPECT_EQ(missing, 155u);
  EXPECT_EQ(text_sum(7, missing), 35023427.0);
  EXPECT_EQ(missing, 158u);
  size_t state_missing = 0, proto_text = 0;
  for (const auto& v : t.columns[8]) state_missing += v.text.empty();
  for (const auto& v : t.columns[5]) proto_text += v.is_string && !v.text.empty();
  EXPECT_EQ(state_missing, 1u);
  EXPECT_EQ(proto_text, 5000u);
}

TEST(ExcelReader, ExcelRealFileProjection) {
  const std::string path = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.xlsx";
  auto reader = OpenExcelReader(FileBuffer::Load(path), {});
  Table t = ReadAll(*reader, {10, 3, 10});  // SrcAddr, TotBytes, SrcAddr again
  ASSERT_EQ(t.rows, 5000u);
  EXPECT_EQ(t.batch_sizes.size(), 1u);
  EXPECT_TRUE(IsText(t.columns[0][0], "89.117.241.40"));
  EXPECT_TRUE(IsNumber(t.columns[1][0], 132));
  EXPECT_TRUE(IsNumber(t.columns[1][4999], 1017));
  EXPECT_TRUE(IsText(t.columns[2][4999], "180.193.40.27"));
}

// ---------------------------------------------------------------------------
// A pandas-written workbook (tools/gen_office_fixtures.py; read back with pandas
// 1.5.3 + openpyxl 3.0.9, values in the comments).

TEST(ExcelReader, ExcelPandasFixtureFirstSheet) {
  auto reader = OpenExcelReader(FileBuffer::Load(std::string(BOTRECON_FIXTURES) + "/excel/two_sheets.xlsx"), {});
  // pandas: ['Unnamed: 0', 'StartTime', 'Dur', 'Proto', 'Sport', 'Dport', 'State', 'SrcAddr', 'Flag']
  EXPECT_EQ(reader->schema().names,
            (std::vector<std::string>{"", "StartTime", "Dur", "Proto", "Sport", "Dport", "State", "SrcAddr", "Flag"}));
  Table t = ReadAll(*reader);
  ASSERT_EQ(t.rows, 4u);
  // 'StartTime': [1313431402.17637, 1313410243.5, 1313193000.25, 1313167011.0]
  EXPECT_TRUE(IsNumber(t.columns[1][0], 1313431402.17637));
  EXPECT_TRUE(IsNumber(t.columns[1][3], 1313167011.0));
  // 'Dur': [0.000499, nan, 3.25, 0.0]
  EXPECT_TRUE(IsNumber(t.columns[2][0], 0.000499));
  EXPECT_TRUE(IsMissingNumber(t.columns[2][1]));
  // 'Proto': ['udp', 'tcp', 'icmp', nan]
  EXPECT_TRUE(IsText(t.columns[3][2], "icmp"));
  EXPECT_TRUE(IsText(t.columns[3][3], ""));
  // 'Sport': ['36967.0', '0x0303', nan, '80']
  EXPECT_TRUE(IsText(t.columns[4][1], "0x0303"));
  EXPECT_TRUE(IsText(t.columns[4][2], ""));
  // 'Dport': [13363, 80, 0, 443]
  EXPECT_TRUE(IsNumber(t.columns[5][3], 443));
  // 'Flag': [True, False, True, False]
  EXPECT_TRUE(IsNumber(t.columns[8][0], 1));
  EXPECT_TRUE(IsNumber(t.columns[8][1], 0));
}

TEST(ExcelReader, ExcelPandasFixtureSheetByName) {
  ReaderOptions options;
  options.sheet = "other";
  auto reader = OpenExcelReader(FileBuffer::Load(std::string(BOTRECON_FIXTURES) + "/excel/two_sheets.xlsx"), options);
  EXPECT_EQ(reader->schema().names, (std::vector<std::string>{"a", "b"}));
  Table t = ReadAll(*reader);
  ASSERT_EQ(t.rows, 3u);  // 'a': [1, 2, 3], 'b': ['x', 'y', 'z']
  EXPECT_TRUE(IsNumber(t.columns[0][2], 3));
  EXPECT_TRUE(IsText(t.columns[1][0], "x"));
}

TEST(ExcelReader, ExcelUnknownSheetListsAvailable) {
  ReaderOptions options;
  options.sheet = "nope";
  try {
    OpenExcelReader(FileBuffer::Load(std::string(BOTRECON_FIXTURES) + "/excel/two_sheets.xlsx"), options);
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("two_sheets.xlsx: no sheet named 'nope'; available sheets: 'flows', 'other'"),
              std::string::npos)
        << e.what();
  }
}

// ---------------------------------------------------------------------------
// Cell kinds, from workbooks built here. What pandas 1.5.3 reads for the same
// XML was checked by hand (see the comments).

TEST(ExcelReader, ExcelCellKinds) {
  std::string sst = SharedStrings(
      "<si><t>Proto</t></si>"                                          // 0
      "<si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r></si>"       // 1: rich text "rich"
      "<si><t xml:space=\"preserve\"> </t></si>"                       // 2: one space
      "<si><t>a&amp;b &lt;c&gt;</t></si>"                              // 3: entities
      "<si><t>x</t><rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh></si>"  // 4: phonetic run ignored
      "<si><t></t></si>");                                             // 5: empty
  std::string rows =
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Num</t></is></c>)"
      R"(<c r="C1" t="inlineStr"><is><t>Flag</t></is></c><c r="D1" t="str"><v>Formula</v></c><c r="E1"><v>2021</v></c></row>)"
      R"(<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>1.5</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="str"><f>A1</f><v>res</v></c><c r="E2" t="e"><v>#N/A</v></c></row>)"
      R"(<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="n"><v>-2E-3</v></c><c r="C3" t="b"><v>0</v></c><c r="D3" t="d"><v>2011-08-10T09:46:53</v></c><c r="E3"><v>7</v></c></row>)"
      R"(<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="e"><v>#DIV/0!</v></c><c r="C4"/><c r="E4" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c></row>)"
      R"(<row r="5"><c r="A5" t="s"><v>4</v></c><c r="B5"><v/></c><c r="D5" t="s"><v>5</v></c></row>)";
  Table t = ReadBytes(BuildZip(OneSheet(Sheet(rows), sst)));
  EXPECT_EQ(t.names, (std::vector<std::string>{"Proto", "Num", "Flag", "Formula", "2021"}));
  ASSERT_EQ(t.rows, 4u);
  EXPECT_TRUE(IsText(t.columns[0][0], "rich"));
  EXPECT_TRUE(IsText(t.columns[0][1], " "));
  EXPECT_TRUE(IsText(t.columns[0][2], "a&b <c>"));
  EXPECT_TRUE(IsText(t.columns[0][3], "x"));
  EXPECT_TRUE(IsNumber(t.columns[1][0], 1.5));
  EXPECT_TRUE(IsNumber(t.columns[1][1], -0.002));
  EXPECT_TRUE(IsMissingNumber(t.columns[1][2]));  // error -> missing
  EXPECT_TRUE(IsMissingNumber(t.columns[1][3]));  // empty <v/>
  EXPECT_TRUE(IsNumber(t.columns[2][0], 1));
  EXPECT_TRUE(IsNumber(t.columns[2][1], 0));
  EXPECT_TRUE(IsMissingNumber(t.columns[2][2]));
  EXPECT_TRUE(IsText(t.columns[3][0], "res"));
  EXPECT_TRUE(IsText(t.columns[3][1], "2011-08-10T09:46:53"));
  EXPECT_TRUE(IsText(t.columns[3][2], ""));
  EXPECT_TRUE(IsText(t.columns[3][3], ""));  // empty shared string
  // A column mixing numbers and text is text; numbers in shortest form.
  EXPECT_TRUE(IsText(t.columns[4][0], ""));
  EXPECT_TRUE(IsText(t.columns[4][1], "7"));
  EXPECT_TRUE(IsText(t.columns[4][2], "inline"));
}

// pandas: header is sheet row 1 even if absent; gaps and empty rows inside are
// all-NaN rows; trailing empty rows are dropped; cells without r follow the
// previous cell.
TEST(ExcelReader, ExcelSparseRowsAndCells) {
  std::string rows =
      R"(<row r="1"><c r="B1" t="inlineStr"><is><t>b</t></is></c><c r="D1" t="inlineStr"><is><t>d</t></is></c></row>)"
      R"(<row r="3"><c r="A3"><v>3</v></c><c><v>33</v></c></row>)"                     // B3 from position
      R"(<row r="4"><c r="C4" t="inlineStr"><is><t></t></is></c></row>)"               // empty row inside
      R"(<row r="6"><c r="D6"><v>6</v></c><c r="Z6"><v>99</v></c></row>)"              // Z6 beyond the columns
      R"(<row r="7"><c r="A7" t="inlineStr"><is><t></t></is></c></row><row r="8"/>)";  // trailing empties
  ReaderOptions options;
  options.max_batch_rows = 2;
  Table t = ReadBytes(BuildZip(OneSheet(Sheet(rows))), options);
  EXPECT_EQ(t.names, (std::vector<std::string>{"", "b", "", "d"}));
  ASSERT_EQ(t.rows, 5u);  // sheet rows 2..6
  EXPECT_EQ(t.batch_sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_TRUE(IsMissingNumber(t.columns[0][0]));  // row 2 absent
  EXPECT_TRUE(IsNumber(t.columns[0][1], 3));
  EXPECT_TRUE(IsNumber(t.columns[1][1], 33));
  EXPECT_TRUE(IsMissingNumber(t.columns[0][2]));  // row 4 empty
  EXPECT_TRUE(IsMissingNumber(t.columns[3][3]));  // row 5 absent
  EXPECT_TRUE(IsNumber(t.columns[3][4], 6));
}

TEST(ExcelReader, ExcelHeaderRowMissing) {
  // Data starts at row 3: pandas names every column "Unnamed: N" and row 2 is NaN.
  std::string rows = R"(<row r="3"><c r="A3"><v>1</v></c><c r="B3" t="inlineStr"><is><t>x</t></is></c></row>)";
  Table t = ReadBytes(BuildZip(OneSheet(Sheet(rows, "A1:B3"))));
  EXPECT_EQ(t.names, (std::vector<std::string>{"", ""}));
  ASSERT_EQ(t.rows, 2u);
  EXPECT_TRUE(IsMissingNumber(t.columns[0][0]));
  EXPECT_TRUE(IsNumber(t.columns[0][1], 1));
  EXPECT_TRUE(IsText(t.columns[1][1], "x"));
}

TEST(ExcelReader, ExcelEmptySheet) {
  Table t = ReadBytes(BuildZip(OneSheet(
      R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>)")));
  EXPECT_TRUE(t.names.empty());
  EXPECT_EQ(t.rows, 0u);
  Table header_only =
      ReadBytes(BuildZip(OneSheet(Sheet(R"(<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row>)"))));
  EXPECT_EQ(header_only.names, (std::vector<std::string>{"a"}));
  EXPECT_EQ(header_only.rows, 0u);
}

// Prefixed element names, comments, CDATA, processing instructions, '>' in
// attribute values, an absolute relationship target, a stored (uncompressed) part.
TEST(ExcelReader, ExcelXmlVariants) {
  std::string sheet =
      "\xEF\xBB\xBF<?xml version=\"1.0\"?><x:worksheet "
      "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<!-- <sheetData> in a comment --><x:sheetData>\n"
      "<x:row r=\"1\" x:note=\"a>b\"><x:c r=\"A1\" "
      "t=\"inlineStr\"><x:is><x:t><![CDATA[<name>]]></x:t></x:is></x:c></x:row>\n"
      "<!-- between rows --><?pi ignored?>\n"
      "<x:row r=\"2\"><x:c r=\"A2\"><x:v>42</x:v></x:c></x:row>\n"
      "</x:sheetData></x:worksheet>";
  Parts parts = OneSheet(sheet);
  parts[3].second = WorkbookRels({"/xl/worksheets/sheet1.xml"}, false);
  Table t = ReadBytes(BuildZip(parts, /*store=*/true));
  EXPECT_EQ(t.names, (std::vector<std::string>{"<name>"}));
  ASSERT_EQ(t.rows, 1u);
  EXPECT_TRUE(IsNumber(t.columns[0][0], 42));
}

TEST(ExcelReader, ExcelSecondSheetAndWorkbookOrder) {
  Parts parts = {{"[Content_Types].xml", kContentTypes},
                 {"_rels/.rels", kRootRels},
                 {"xl/workbook.xml", Workbook({"Zeta", "Alpha"})},
                 {"xl/_rels/workbook.xml.rels", WorkbookRels({"worksheets/b.xml", "worksheets/a.xml"}, false)},
                 {"xl/worksheets/a.xml", Sheet(R"(<row r="1"><c t="inlineStr"><is><t>alpha</t></is></c></row>)")},
                 {"xl/worksheets/b.xml", Sheet(R"(<row r="1"><c t="inlineStr"><is><t>zeta</t></is></c></row>)")}};
  std::string bytes = BuildZip(parts);
  EXPECT_EQ(ReadBytes(bytes).names, (std::vector<std::string>{"zeta"}));  // first in the workbook
  ReaderOptions options;
  options.sheet = "Alpha";
  EXPECT_EQ(ReadBytes(bytes, options).names, (std::vector<std::string>{"alpha"}));
}

TEST(ExcelReader, ExcelManyRowsAcrossFragments) {
  // More rows than one parsed fragment holds, with long strings.
  std::string rows =
      R"(<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c><c r="B1" t="inlineStr"><is><t>s</t></is></c></row>)";
  const int n = 20000;
  std::string pad(300, 'p');
  for (int i = 0; i < n; ++i) {
    std::string r = std::to_string(i + 2);
    rows += "<row r=\"" + r + "\"><c r=\"A" + r + "\"><v>" + std::to_string(i) + "</v></c><c r=\"B" + r +
            "\" t=\"inlineStr\"><is><t>" + pad + std::to_string(i) + "</t></is></c></row>";
  }
  ReaderOptions options;
  options.max_batch_rows = 3000;
  Table t = ReadBytes(BuildZip(OneSheet(Sheet(rows))), options);
  ASSERT_EQ(t.rows, static_cast<size_t>(n));
  for (int i = 0; i < n; i += 997) {
    EXPECT_TRUE(IsNumber(t.columns[0][i], i));
    EXPECT_TRUE(IsText(t.columns[1][i], pad + std::to_string(i)));
  }
}

// ---------------------------------------------------------------------------
// Damaged and hostile archives.

// Overwrites the 4-byte little-endian field at `offset` of every header of `part`.
void PatchHeaders(std::string& zip, const std::string& part, int local_offset, int central_offset, uint32_t value,
                  int width = 4) {
  auto patch = [&](size_t at) {
    for (int i = 0; i < width; ++i) zip[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  };
  int patched = 0;
  for (size_t at = 0; (at = zip.find("PK", at)) != std::string::npos; ++at) {
    if (zip.compare(at, 4, "PK\x03\x04") == 0 && zip.compare(at + 30, part.size(), part) == 0) {
      patch(at + local_offset);
      ++patched;
    } else if (zip.compare(at, 4, "PK\x01\x02") == 0 && zip.compare(at + 46, part.size(), part) == 0) {
      patch(at + central_offset);
      ++patched;
    }
  }
  ASSERT_EQ(patched, 2);
}

std::string SimpleBook() {
  return BuildZip(OneSheet(Sheet(R"(<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row>)"
                                 R"(<row r="2"><c><v>1</v></c></row><row r="3"><c><v>2</v></c></row>)")));
}

TEST(ExcelReader, ExcelTruncatedZip) {
  std::string bytes = SimpleBook();
  std::string message = ErrorOf(bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(message.find("book.xlsx: not a valid .xlsx file (zip container:"), std::string::npos) << message;
  EXPECT_EQ(ErrorOf(""), "book.xlsx: not an .xlsx file (no zip signature at the start)");
  EXPECT_EQ(ErrorOf("hello,world\n1,2\n"), "book.xlsx: not an .xlsx file (no zip signature at the start)");
  EXPECT_NE(ErrorOf("PK").find("not a valid .xlsx file"), std::string::npos) << ErrorOf("PK");
}

TEST(ExcelReader, ExcelCorruptXml) {
  std::string message = ErrorOf(BuildZip(
      OneSheet(Sheet(R"(<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c><v>1</v></c></rowx>)"))));
  EXPECT_NE(message.find("book.xlsx: sheet 'Data': "), std::string::npos) << message;
  message = ErrorOf(BuildZip(
      OneSheet(Sheet(R"(<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c><v>1</v></c>)"))));
  EXPECT_NE(message.find("unexpected </worksheet> inside <sheetData>"), std::string::npos) << message;
  Parts parts = OneSheet(Sheet(""));
  parts[2].second = "<workbook><sheets><sheet name=\"a\"";
  message = ErrorOf(BuildZip(parts));
  EXPECT_NE(message.find("book.xlsx: xl/workbook.xml: malformed XML"), std::string::npos) << message;
  // The sheet part ends inside <sheetData>.
  message = ErrorOf(BuildZip(OneSheet(R"(<worksheet><sheetData><row r="1"><c><v>1</v></c></row>)")));
  EXPECT_NE(message.find("unexpected end of the part inside <sheetData>"), std::string::npos) << message;
  message = ErrorOf(BuildZip(OneSheet("<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet><sheetData/></worksheet>")));
  EXPECT_NE(message.find("document type declarations are not allowed"), std::string::npos) << message;
  message = ErrorOf(BuildZip(OneSheet("<worksheet><sheetPr/></worksheet>")));
  EXPECT_NE(message.find("no <sheetData> element"), std::string::npos) << message;
}

TEST(ExcelReader, ExcelBadCells) {
  auto error = [](const std::string& cell, const std::string& sst = "") {
    return ErrorOf(BuildZip(OneSheet(
        Sheet(R"(<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2">)" + cell + "</row>"), sst)));
  };
  EXPECT_NE(error(R"(<c r="A2"><v>1.2.3</v></c>)").find("book.xlsx: sheet 'Data', cell A2: bad number '1.2.3'"),
            std::string::npos);
  EXPECT_NE(error(R"(<c r="A2" t="s"><v>7</v></c>)", SharedStrings("<si><t>x</t></si>"))
                .find("cell A2: shared string index 7 out of range (the table has 1 strings)"),
            std::string::npos);
  EXPECT_NE(error(R"(<c r="A2" t="s"><v>0</v></c>)").find("out of range (the table has 0 strings)"), std::string::npos);
  EXPECT_NE(error(R"(<c r="A2" t="b"><v>2</v></c>)").find("cell A2: bad boolean '2'"), std::string::npos);
  EXPECT_NE(error(R"(<c r="A2" t="zz"><v>2</v></c>)").find("unknown cell type 'zz'"), std::string::npos);
  EXPECT_NE(error(R"(<c r="2A"><v>2</v></c>)").find("bad cell reference '2A'"), std::string::npos);
  EXPECT_NE(error(R"(<c r="ZZZZ2"><v>2</v></c>)").find("bad cell reference"), std::string::npos);
  // Rows out of order, and beyond Excel's limit.
  std::string message =
      ErrorOf(BuildZip(OneSheet(Sheet(R"(<row r="3"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row>)"))));
  EXPECT_NE(message.find("row 2 comes after row 3"), std::string::npos) << message;
  message =
      ErrorOf(BuildZip(OneSheet(Sheet(R"(<row r="1"><c><v>1</v></c></row><row r="9999999"><c><v>1</v></c></row>)"))));
  EXPECT_NE(message.find("row number 9999999 exceeds Excel's limit"), std::string::npos) << message;
  message = ErrorOf(BuildZip(OneSheet(Sheet(R"(<row r="x"/>)"))));
  EXPECT_NE(message.find("bad row number 'x'"), std::string::npos) << message;
}

TEST(ExcelReader, ExcelSheetReferenceToMissingPart) {
  Parts parts = OneSheet(Sheet(""));
  parts[3].second = WorkbookRels({"worksheets/sheet9.xml"}, false);
  EXPECT_NE(ErrorOf(BuildZip(parts))
                .find("book.xlsx: sheet 'Data': part 'xl/worksheets/sheet9.xml' is missing from the archive"),
            std::string::npos)
      << ErrorOf(BuildZip(parts));
  parts[3].second = WorkbookRels({}, false);
  EXPECT_NE(ErrorOf(BuildZip(parts))
                .find("sheet 'Data' refers to relationship 'rId1', which xl/_rels/workbook.xml.rels does not define"),
            std::string::npos);
  parts[3].second = WorkbookRels({"../../../etc/passwd"}, false);
  EXPECT_NE(ErrorOf(BuildZip(parts)).find("refers to relationship 'rId1'"), std::string::npos);
  parts[3].second = WorkbookRels({"worksheets/sheet1.xml"}, true);  // shared strings declared, absent
  EXPECT_NE(ErrorOf(BuildZip(parts)).find("shared strings part 'xl/sharedStrings.xml' is missing"), std::string::npos);
  Parts no_workbook = {{"_rels/.rels", kRootRels}};
  EXPECT_NE(ErrorOf(BuildZip(no_workbook)).find("part 'xl/workbook.xml' is missing from the archive"),
            std::string::npos);
}

TEST(ExcelReader, ExcelLyingUncompressedSize) {
  for (bool store : {false, true}) {
    std::string good = BuildZip(OneSheet(Sheet(R"(<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row>)"
                                               R"(<row r="2"><c><v>1</v></c></row>)")),
                                store);
    const std::string part = "xl/worksheets/sheet1.xml";
    // Declared smaller than the real size.
    std::string smaller = good;
    PatchHeaders(smaller, part, 22, 24, 40);
    std::string message = ErrorOf(smaller);
    EXPECT_NE(message.find("book.xlsx: xl/worksheets/sheet1.xml: "), std::string::npos) << message;
    // Declared larger than the real size.
    std::string larger = good;
    PatchHeaders(larger, part, 22, 24, 100000);
    message = ErrorOf(larger);
    EXPECT_NE(message.find("book.xlsx: xl/worksheets/sheet1.xml: "), std::string::npos) << message;
    // Declared beyond the limit: refused before inflating.
    std::string bomb = good;
    PatchHeaders(bomb, part, 22, 24, 0xF0000000u);
    message = ErrorOf(bomb);
    EXPECT_NE(message.find("declared uncompressed size 4026531840 bytes exceeds the limit of 1073741824 bytes"),
              std::string::npos)
        << message;
  }
}

TEST(ExcelReader, ExcelZipBombCapsEachPart) {
  // 80 MB of spaces deflate to about 80 kB; the workbook part is limited to
  // 64 MB, so it is refused before inflating.
  std::string zeros(80u << 20, ' ');
  Parts parts = OneSheet(Sheet(""));
  parts[2].second = "<workbook>" + zeros + "</workbook>";
  std::string bytes = BuildZip(parts);
  zeros.clear();
  zeros.shrink_to_fit();
  EXPECT_LT(bytes.size(), 1u << 20);
  std::string message = ErrorOf(bytes);
  EXPECT_NE(
      message.find("xl/workbook.xml: declared uncompressed size 83886101 bytes exceeds the limit of 67108864 bytes"),
      std::string::npos)
      << message;
}

TEST(ExcelReader, ExcelUnsupportedCompressionAndEncryption) {
  std::string bytes = SimpleBook();
  std::string bzip2 = bytes;
  PatchHeaders(bzip2, "xl/worksheets/sheet1.xml", 8, 10, 12, 2);
  std::string message = ErrorOf(bzip2);
  EXPECT_NE(message.find("xl/worksheets/sheet1.xml: unsupported zip compression method 12"), std::string::npos)
      << message;
  std::string encrypted = bytes;
  PatchHeaders(encrypted, "xl/worksheets/sheet1.xml", 6, 8, 0x1, 2);  // general purpose flag bit 0
  message = ErrorOf(encrypted);
  EXPECT_NE(message.find("xl/worksheets/sheet1.xml: the zip entry is encrypted"), std::string::npos) << message;
  std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  ole += std::string(600, '\0');
  message = ErrorOf(ole);
  EXPECT_NE(message.find("OLE2 compound document"), std::string::npos) << message;
}

TEST(ExcelReader, ExcelTruncationAndBitFlipsNeverCrash) {
  std::string good = Slurp(std::string(BOTRECON_FIXTURES) + "/excel/two_sheets.xlsx");
  ASSERT_FALSE(good.empty());
  auto attempt = [](const std::string& bytes) {
    try {
      ReadBytes(bytes);
      return true;
    } catch (const core::InputError&) {
      return false;
    }
  };
  ASSERT_TRUE(attempt(good));
  size_t failures = 0;
  for (size_t cut = 0; cut < good.size(); cut += 7) failures += !attempt(good.substr(0, cut));
  EXPECT_EQ(failures, (good.size() + 6) / 7);  // every truncation is an error
  for (size_t at = 0; at < good.size(); at += 3) {
    for (unsigned char flip : {0x01, 0x80, 0xFF}) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ flip);
      attempt(bad);
    }
  }
  // The real file, more coarsely.
  std::string real = Slurp(std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.xlsx");
  for (size_t cut = 0; cut < real.size(); cut += real.size() / 50) EXPECT_FALSE(attempt(real.substr(0, cut)));
  for (size_t at = 0; at < real.size(); at += real.size() / 40) {
    std::string bad = real;
    bad[at] = static_cast<char>(bad[at] ^ 0x5A);
    attempt(bad);
  }
}

}  // namespace
}  // namespace botrecon::io
