#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/formats.h"

namespace botrecon::io {
namespace {

std::string SharedData(const std::string& rel) { return std::string(BOTRECON_SHARED_DATA) + "/" + rel; }

TEST(ParquetRealFile, Smoke) {
  auto reader = OpenParquetReader(FileBuffer::Load(SharedData("original-tests/test.parquet")), {});
  std::vector<int> all;
  for (size_t i = 0; i < reader->schema().names.size(); ++i) {
    all.push_back(static_cast<int>(i));
    printf("%s\n", reader->schema().names[i].c_str());
  }
  reader->SetProjection(all);
  size_t rows = 0;
  while (auto chunk = reader->NextChunk()) {
    core::ColumnBatch b;
    chunk->Decode(b);
    for (size_t c = 0; c < b.columns.size(); ++c) {
      if (b.columns[c].type == core::ColumnType::kDouble) printf("%.17g ", b.columns[c].numbers[0]);
      else printf("%s ", std::string(b.columns[c].strings[0]).c_str());
    }
    printf("\n");
    rows += b.num_rows;
  }
  printf("rows %zu\n", rows);
}

}  // namespace
}  // namespace botrecon::io
