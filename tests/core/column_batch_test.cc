#include "core/column_batch.h"

#include <gtest/gtest.h>

namespace botrecon::core {

TEST(SourceLocation, TextFormatNamesFileLineAndColumn) {
  SourceLocation loc{"test.csv", 12, 11, "Dport", 7};
  EXPECT_EQ(loc.ToString(), "test.csv:12: column 'Dport' (field 7)");
}

TEST(SourceLocation, BinaryFormatNamesRow) {
  SourceLocation loc{"test.parquet", 0, 5, "Dport", 0};
  EXPECT_EQ(loc.ToString(), "test.parquet: row 5, column 'Dport'");
}

TEST(ColumnBatch, InternKeepsViewsStable) {
  ColumnBatch batch;
  std::vector<std::string_view> views;
  for (int i = 0; i < 10000; ++i) views.push_back(batch.Intern("value-" + std::to_string(i)));
  for (int i = 0; i < 10000; ++i) EXPECT_EQ(views[i], "value-" + std::to_string(i));
}

}  // namespace botrecon::core
