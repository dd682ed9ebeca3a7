// Finding the eight required columns by name (aliases), once, before any row is read.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "features/flow_batch.h"
#include "io/reader.h"

namespace botrecon::features {

// Lower-cases and removes spaces: how column names are compared.
std::string NormalizeName(std::string_view name);

// Accepted names per feature (first is canonical), in Feature order.
const std::array<std::vector<std::string>, kNumInputColumns>& ColumnAliases();

// Where each of the eight features is in the reader's schema.
struct ColumnResolution {
  std::array<int, kNumInputColumns> column_index{};  // into Schema::names
  std::array<std::string, kNumInputColumns> names;   // as written in the file
  std::vector<int> Projection() const { return {column_index.begin(), column_index.end()}; }
};

// Resolves the columns of `schema`. Throws core::InputError naming every
// missing column at once, or, for a file without a header, explaining that it
// needs exactly eight columns.
ColumnResolution ResolveColumns(const io::Schema& schema, const std::string& source_name);

// Header detection for text files: a first line is a header if any field is a
// known column name, or if none of its fields is an IP address (every data row
// has one: its source address).
bool LooksLikeHeader(const std::vector<std::string>& fields);

}  // namespace botrecon::features
