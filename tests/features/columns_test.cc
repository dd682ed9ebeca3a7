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
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "x.csv: missing required columns: dport (any of: dport, destinationport, dstport), "
                 "state (any of: state, st); names are compared lower-cased with spaces removed");
  }
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
