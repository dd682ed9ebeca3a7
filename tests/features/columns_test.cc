#include "features/columns.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace botrecon::features {
namespace {

TEST(Columns, ResolvesAliasesIgnoringCaseAndSpaces) {
  io::Schema schema;
  schema.names = {"", "Start Time", "Source Address", "PROTOCOL", "Dst Port", "Src Port", "St", "Duration",
                  "Total Bytes", "Source Bytes"};
  ColumnResolution r = ResolveColumns(schema, "x.csv");
  EXPECT_EQ(r.column_index, (std::array<int, 8>{2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(r.names[0], "Source Address");
}

TEST(Columns, NamesEveryMissingColumnAtOnce) {
  io::Schema schema;
  schema.names = {"SrcAddr", "Proto", "Sport", "Dur", "TotBytes", "SrcBytes"};
  try {
    ResolveColumns(schema, "x.csv");
    FAIL();
  } catch (const ColumnsError& e) {
    EXPECT_STREQ(e.what(), "x.csv: missing columns Dport, State; found: SrcAddr, Proto, Sport, Dur, TotBytes, SrcBytes");
    EXPECT_EQ(e.remedy(), ColumnsError::Remedy::kMapColumns);
  }
}

std::string ErrorOf(const io::Schema& schema, const ColumnMapping& mapping = {}, bool model_optional = false) {
  try {
    ResolveColumns(schema, "f.csv", model_optional, mapping);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Columns, MissingColumnsNameTheClosestHeaders) {
  io::Schema schema;
  schema.names = {"ts", "source_ip", "dst_ip", "sport", "dst_port", "proto", "label", "duration", "bytes", "bytes_out"};
  EXPECT_EQ(ErrorOf(schema),
            "f.csv: missing columns SrcAddr, Dport, State, TotBytes, SrcBytes; found: ts, source_ip, dst_ip, sport, "
            "dst_port, proto, label, duration, bytes, bytes_out; closest: SrcAddr ~ source_ip, Dport ~ dst_port, "
            "TotBytes ~ bytes, SrcBytes ~ bytes_out");
}

TEST(Columns, FoundColumnsAreTruncated) {
  io::Schema schema;
  for (int i = 0; i < 100; ++i) schema.names.push_back("column_number_" + std::to_string(i));
  const std::string error = ErrorOf(schema);
  EXPECT_NE(error.find("found: column_number_0, column_number_1, "), std::string::npos) << error;
  EXPECT_NE(error.find(", ... (100 columns)"), std::string::npos) << error;
  EXPECT_EQ(error.find("column_number_99"), std::string::npos) << error;
}

TEST(Columns, OneColumnHoldingSeparatorsSaysSo) {
  io::Schema schema;
  schema.names = {"SrcAddr;Proto;Dport;Sport;State;Dur;TotBytes;SrcBytes"};
  EXPECT_EQ(ErrorOf(schema),
            "f.csv: missing columns SrcAddr, Proto, Dport, Sport, State, Dur, TotBytes, SrcBytes; found: "
            "SrcAddr;Proto;Dport;Sport;State;Dur;TotBytes;SrcBytes (one column: the separator seems to be ';')");
}

TEST(Columns, MappingNamesTheHeaderOfAField) {
  io::Schema schema;
  schema.names = {"src_ipaddr", "Proto", "dst port", "Sport", "State", "Dur", "TotBytes", "SrcBytes", "when",
                  "klass"};
  ColumnMapping mapping;
  std::string problem;
  ASSERT_TRUE(mapping.Add("srcaddr=src_ipaddr", problem)) << problem;
  ASSERT_TRUE(mapping.Add("Dport=DST PORT", problem)) << problem;   // compared like every name
  ASSERT_TRUE(mapping.Add("StartTime=when", problem)) << problem;
  ASSERT_TRUE(mapping.Add("Label=klass", problem)) << problem;
  ColumnResolution r = ResolveColumns(schema, "f.csv", false, mapping);
  EXPECT_EQ(r.column_index[0], 0);
  EXPECT_EQ(r.column_index[2], 2);
  EXPECT_EQ(r.extra_index[static_cast<int>(Extra::kStartTime)], 8);
  EXPECT_EQ(MappedColumn(schema, "f.csv", mapping, Field::kLabel), 9);
  EXPECT_EQ(MappedColumn(schema, "f.csv", mapping, Field::kTotPkts), -1);
  // A mapping overrides an alias.
  ColumnMapping bytes;
  ASSERT_TRUE(bytes.Add("TotBytes=SrcBytes", problem));
  ASSERT_TRUE(bytes.Add("srcaddr=src_ipaddr", problem));
  ASSERT_TRUE(bytes.Add("dport=dst port", problem));
  EXPECT_EQ(ResolveColumns(schema, "f.csv", false, bytes).column_index[6], 7);
}

TEST(Columns, MappedHeaderMissingIsAnError) {
  io::Schema schema;
  schema.names = {"a", "b"};
  ColumnMapping mapping;
  std::string problem;
  ASSERT_TRUE(mapping.Add("Label=nosuch", problem));
  try {
    ResolveColumns(schema, "f.csv", false, mapping);
    FAIL();
  } catch (const ColumnsError& e) {
    EXPECT_STREQ(e.what(), "f.csv: no column 'nosuch' (for Label); found: a, b");
    EXPECT_EQ(e.remedy(), ColumnsError::Remedy::kFixMapping);
    EXPECT_EQ(e.mapping(), "Label=nosuch");
  }
}

TEST(Columns, MappingEntriesAreChecked) {
  ColumnMapping mapping;
  std::string problem;
  EXPECT_FALSE(mapping.Add("Foo=bar", problem));
  EXPECT_EQ(problem, "unknown field 'Foo'; the fields are " + FieldList());
  EXPECT_FALSE(mapping.Add("SrcAddr", problem));
  EXPECT_EQ(problem, "expected FIELD=HEADER (e.g. SrcAddr=src_ip)");
  EXPECT_FALSE(mapping.Add("SrcAddr=", problem));
  EXPECT_TRUE(mapping.Add("SrcAddr=a", problem));
  EXPECT_FALSE(mapping.Add("srcaddr=b", problem));
  EXPECT_EQ(problem, "SrcAddr is mapped twice");
  EXPECT_EQ(ParseField("totbytes"), Field::kTotBytes);
  EXPECT_EQ(ParseField("Start Time"), Field::kStartTime);
  EXPECT_FALSE(ParseField("Dir"));
}

TEST(Columns, OtherZeekLogsSayWhichLogIsNeeded) {
  io::Schema schema;
  schema.names = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id", "query"};
  schema.zeek_path = "dns";
  EXPECT_EQ(ErrorOf(schema, {}, true), "f.csv: a Zeek dns log; botrecon needs Zeek's conn.log (the connections)");
  schema.zeek_path.clear();  // JSON: told by its fields
  EXPECT_EQ(ErrorOf(schema, {}, true), "f.csv: a Zeek dns log; botrecon needs Zeek's conn.log (the connections)");
  schema.names.push_back("conn_state");
  EXPECT_EQ(ErrorOf(schema, {}, true), "");
}

TEST(Columns, ArgusOutputWithoutTheFieldsSaysHowToExport) {
  io::Schema schema;
  schema.names = {"StartTime", "Flgs", "Proto", "SrcAddr", "Sport", "Dir", "DstAddr", "Dport", "TotPkts", "TotBytes",
                  "State"};
  try {
    ResolveColumns(schema, "ra.csv");
    FAIL();
  } catch (const ColumnsError& e) {
    EXPECT_STREQ(e.what(),
                 "ra.csv: missing columns Dur, SrcBytes; found: StartTime, Flgs, Proto, SrcAddr, Sport, Dir, DstAddr, "
                 "Dport, TotPkts, TotBytes, State; Argus output: export the flows with ra -r CAPTURE.argus -n -u -Z b "
                 "-c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes sbytes");
    EXPECT_EQ(e.remedy(), ColumnsError::Remedy::kNone);
  }
}

TEST(Columns, SuricataFlowColumns) {
  io::Schema schema;
  schema.names = {"timestamp", "event_type", "src_ip", "src_port", "dest_ip", "dest_port", "proto",
                  "flow.pkts_toserver", "flow.pkts_toclient", "flow.bytes_toserver", "flow.bytes_toclient",
                  "flow.start", "flow.age", "flow.state"};
  ColumnResolution r = ResolveColumns(schema, "eve.json");
  EXPECT_EQ(r.column_index, (std::array<int, 8>{2, 6, 5, 3, 13, 12, 9, 9}));
  EXPECT_EQ(r.totbytes_second, 10);
  EXPECT_EQ(r.extra_index, (std::array<int, 4>{4, 11, 7, 8}));
}

TEST(EditDistance, Levenshtein) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("dport", "dport"), 0u);
  EXPECT_EQ(EditDistance("srcaddr", "srcadr"), 1u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
}

TEST(ClosestHeaders, BestMatchPerFieldEachHeaderOnce) {
  std::vector<std::string> names = {"src_ip", "dst_ip", "srcport", "dest_port", "protocol_name", "xyz"};
  std::vector<bool> taken(names.size(), false);
  EXPECT_EQ(ClosestHeaders({Field::kSrcAddr, Field::kDport, Field::kDstAddr, Field::kDur}, names, taken),
            (std::vector<std::string>{"src_ip", "dest_port", "dst_ip", ""}));
  taken[0] = true;  // already resolved: never suggested
  EXPECT_EQ(ClosestHeaders({Field::kSrcAddr}, names, taken)[0], "");
  // Nothing alike: no suggestion.
  EXPECT_EQ(ClosestHeaders({Field::kState}, {"alpha", "beta"}, {false, false})[0], "");
}

TEST(Columns, HeaderlessNeedsEightColumns) {
  io::Schema schema;
  schema.has_header = false;
  schema.names.assign(9, "c");
  EXPECT_THROW(ResolveColumns(schema, "x.csv"), core::InputError);
  schema.names.assign(8, "c");
  EXPECT_EQ(ResolveColumns(schema, "x.csv").column_index[7], 7);
}

TEST(Columns, HeaderDetection) {
  EXPECT_TRUE(LooksLikeHeader({"SrcAddr", "whatever"}));
  EXPECT_TRUE(LooksLikeHeader({"a", "b", "c"}));
  EXPECT_FALSE(LooksLikeHeader({"147.32.84.165", "tcp", "80", "1025", "S_", "0.1", "100", "60"}));
}

}  // namespace
}  // namespace botrecon::features
