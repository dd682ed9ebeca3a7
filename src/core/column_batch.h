// Column batches: what every reader produces and every later stage consumes.
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace botrecon::core {

enum class ColumnType { kString, kDouble };

// One column of a batch. Strings are views into memory the batch keeps alive
// (`ColumnBatch::keep_alive` / `ColumnBatch::arena`); an empty view is a
// missing value. Numbers are doubles (integers up to 2^53 exact); NaN is a
// missing value.
struct Column {
  ColumnType type = ColumnType::kString;
  std::vector<std::string_view> strings;  // type == kString
  std::vector<double> numbers;            // type == kDouble

  size_t size() const { return type == ColumnType::kString ? strings.size() : numbers.size(); }
  void Clear() {
    strings.clear();
    numbers.clear();
  }
};

// A bounded number of rows of the projected columns, plus where they came from.
struct ColumnBatch {
  size_t num_rows = 0;
  // 0-based index of the first row among all data rows of the source.
  uint64_t first_row = 0;
  // 1-based source line of each row, for text formats (empty for binary
  // formats, where locations are given as data row numbers).
  std::vector<uint64_t> lines;
  // Columns in projection order.
  std::vector<Column> columns;
  // Owners of the bytes that string views point into.
  std::shared_ptr<const void> keep_alive;
  std::vector<std::string> arena_blocks;
  // Rows the reader dropped as unparsable (only with ReaderOptions::skip_bad_rows),
  // and the message for the first of them.
  uint64_t skipped_rows = 0;
  std::string first_skip_reason;

  // Copies `s` into batch-owned storage and returns a stable view of it.
  std::string_view Intern(std::string_view s) {
    if (s.empty()) return {};
    if (arena_blocks.empty() || arena_blocks.back().capacity() - arena_blocks.back().size() < s.size()) {
      arena_blocks.emplace_back();
      arena_blocks.back().reserve(s.size() > kArenaBlock ? s.size() : kArenaBlock);
    }
    std::string& block = arena_blocks.back();
    size_t offset = block.size();
    block.append(s);
    return std::string_view(block.data() + offset, s.size());
  }

  void Reset(size_t num_columns) {
    num_rows = 0;
    first_row = 0;
    lines.clear();
    columns.resize(num_columns);
    for (auto& c : columns) c.Clear();
    keep_alive.reset();
    arena_blocks.clear();
    skipped_rows = 0;
    first_skip_reason.clear();
  }

 private:
  static constexpr size_t kArenaBlock = 1 << 16;
};

// Where one cell of the input is, for error messages.
struct SourceLocation {
  std::string file;     // path as the user gave it
  uint64_t line = 0;    // 1-based line (text formats); 0 if not applicable
  uint64_t row = 0;     // 1-based data row
  std::string column;   // column name as in the file
  int column_number = 0;  // 1-based position in the file; 0 if unknown

  // "test.csv:12: column 'Dport' (field 7)" or "test.parquet: row 12, column 'Dport'".
  std::string ToString() const;
};

}  // namespace botrecon::core
