// Helpers shared by the text-format reader tests (json, fwf, decompression):
// read a whole input into flat columns and check the batch invariants.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include "core/column_batch.h"
#include "io/reader.h"

namespace botrecon::io::testing {

// One column of a whole input. Every cell is given both as text (numbers
// written with %.17g, missing as "") and as a number (text parsed with
// strtod, missing or unparsable as NaN).
struct FlatColumn {
  std::vector<std::string> text;
  std::vector<double> numbers;
  std::vector<bool> missing;
  std::vector<core::ColumnType> batch_types;
};

struct ReadResult {
  std::vector<FlatColumn> columns;
  std::vector<uint64_t> lines;  // source line of each row (text formats)
  size_t num_rows = 0;
  size_t num_batches = 0;
};

inline std::string NumberToText(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Reads all batches of `reader` (projection: all columns unless given),
// checking that batches are well formed.
inline ReadResult ReadAll(Reader& reader, std::vector<int> projection = {}, size_t max_rows = 0) {
  if (projection.empty()) {
    projection.resize(reader.schema().names.size());
    std::iota(projection.begin(), projection.end(), 0);
  }
  reader.SetProjection(projection);
  ReadResult result;
  result.columns.resize(projection.size());
  while (auto chunk = reader.NextChunk()) {
    core::ColumnBatch batch;
    batch.Reset(projection.size());
    chunk->Decode(batch);
    EXPECT_EQ(batch.first_row, result.num_rows) << "batch " << result.num_batches;
    EXPECT_EQ(batch.columns.size(), projection.size());
    if (max_rows != 0) EXPECT_LE(batch.num_rows, max_rows);
    if (!batch.lines.empty()) EXPECT_EQ(batch.lines.size(), batch.num_rows);
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      const core::Column& column = batch.columns[c];
      FlatColumn& flat = result.columns[c];
      EXPECT_EQ(column.size(), batch.num_rows) << "column " << c;
      flat.batch_types.push_back(column.type);
      for (size_t r = 0; r < batch.num_rows && r < column.size(); ++r) {
        if (column.type == core::ColumnType::kDouble) {
          double v = column.numbers[r];
          flat.numbers.push_back(v);
          flat.text.push_back(NumberToText(v));
          flat.missing.push_back(std::isnan(v));
        } else {
          std::string s(column.strings[r]);
          char* end = nullptr;
          double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
          if (!s.empty() && end != s.c_str() + s.size()) v = NAN;
          flat.numbers.push_back(v);
          flat.text.push_back(s);
          flat.missing.push_back(s.empty());
        }
      }
    }
    result.lines.insert(result.lines.end(), batch.lines.begin(), batch.lines.end());
    result.num_rows += batch.num_rows;
    ++result.num_batches;
  }
  return result;
}

// Sum of the non-missing numbers of a column.
inline double Sum(const FlatColumn& column) {
  double sum = 0;
  for (double v : column.numbers) {
    if (!std::isnan(v)) sum += v;
  }
  return sum;
}

inline size_t CountMissing(const FlatColumn& column) {
  return static_cast<size_t>(std::count(column.missing.begin(), column.missing.end(), true));
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFileBytes(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// A fresh directory for one test's files.
inline std::string MakeTempDir() {
  std::string pattern = ::testing::TempDir() + "botrecon_XXXXXX";
  char* dir = mkdtemp(pattern.data());
  if (dir == nullptr) ADD_FAILURE() << "mkdtemp failed";
  return pattern;
}

}  // namespace botrecon::io::testing
