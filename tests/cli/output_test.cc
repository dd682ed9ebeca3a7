#include "cli/output.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace botrecon::cli {
namespace {

TEST(PythonFloatRepr, MatchesPython) {
  EXPECT_EQ(PythonFloatRepr(1.0), "1.0");
  EXPECT_EQ(PythonFloatRepr(0.5), "0.5");
  EXPECT_EQ(PythonFloatRepr(0.9123456789), "0.9123456789");
  EXPECT_EQ(PythonFloatRepr(1e-05), "1e-05");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(123456789012345.0), "123456789012345.0");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(-2.5), "-2.5");
  EXPECT_EQ(PythonFloatRepr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
}

// Expected strings printed by pandas 1.5.3 for the same frames.
TEST(FormatTable, MatchesPandas) {
  EXPECT_EQ(FormatTable({{"147.32.84.165", 0.9123456789, 120}, {"10.0.0.1", 0.5, 3}, {"1.2.3.4", 1.0, 10000}}),
            "            Host  Mean Score  Flow Count\n"
            "0  147.32.84.165    0.912346         120\n"
            "1       10.0.0.1    0.500000           3\n"
            "2        1.2.3.4    1.000000       10000\n");
  EXPECT_EQ(FormatTable({{"147.32.84.165", 1.0, 12}, {"a", 0.5, 1}}),
            "            Host  Mean Score  Flow Count\n"
            "0  147.32.84.165         1.0          12\n"
            "1              a         0.5           1\n");
}

TEST(FormatCsv, MatchesPandasToCsv) {
  EXPECT_EQ(FormatCsv({{"147.32.84.165", 0.9123456789, 120}, {"10.0.0.1", 0.5, 3}, {"1.2.3.4", 1.0, 10000}}),
            ",Host,Mean Score,Flow Count\n0,147.32.84.165,0.9123456789,120\n1,10.0.0.1,0.5,3\n2,1.2.3.4,1.0,10000\n");
  EXPECT_EQ(FormatCsv({}), ",Host,Mean Score,Flow Count\n");
}

}  // namespace
}  // namespace botrecon::cli
