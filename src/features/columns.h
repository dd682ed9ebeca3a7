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

// Accepted names of the optional columns, in Extra order.
const std::array<std::vector<std::string>, kNumExtraColumns>& ExtraColumnAliases();

// Accepted names per feature (first is canonical), in Feature order: the
// spec's aliases, then the names of other flow tools (Zeek conn.log, nfdump
// CSV), tried after them.
const std::array<std::vector<std::string>, kNumInputColumns>& ColumnAliases();

// Total bytes made of two columns, for tools that count each direction:
// Zeek (orig_ip_bytes + resp_ip_bytes) and nfdump (ibyt + obyt).
struct TotalBytesPair {
  const char* first;
  const char* second;
};
const std::vector<TotalBytesPair>& TotalBytesPairs();

// Where each of the eight features is in the reader's schema.
struct ColumnResolution {
  std::array<int, kNumInputColumns> column_index{};  // into Schema::names
  std::array<std::string, kNumInputColumns> names;   // as written in the file
  // When total bytes is the sum of two columns: the second one (the first is
  // column_index[kTotBytes]); -1 otherwise.
  int totbytes_second = -1;
  std::string totbytes_second_name;
  // Optional columns the behaviour detectors use (destination, start time,
  // packets): index into Schema::names, or -1 when the capture lacks them.
  std::array<int, kNumExtraColumns> extra_index{-1, -1, -1, -1};
  std::array<std::string, kNumExtraColumns> extra_names;
  // Model columns the file lacks (only when resolved with
  // model_columns_optional): their column_index is -1; empty when all are present.
  std::string missing_model_columns;
  // The columns a reader must project, the present ones in Feature order, then the second
  // total-bytes column if any, then (with `extras`) the optional columns found.
  std::vector<int> Projection(bool extras = false) const;
  // Where a column sits in a projected batch; -1 if absent.
  int Slot(Feature feature) const;
  int TotBytesSecondSlot() const;
  int ExtraSlot(Extra extra) const;  // with Projection(true)
};

// Resolves the columns of `schema`. Throws core::InputError naming every
// missing column at once, or, for a file without a header, explaining that it
// needs exactly eight columns.
// With `model_columns_optional` (behaviour detection on), a file that has the
// columns the detectors need (source, protocol, destination port, destination
// address) but lacks others only the model needs resolves, with those listed
// in missing_model_columns.
ColumnResolution ResolveColumns(const io::Schema& schema, const std::string& source_name,
                                bool model_columns_optional = false);

// Header detection for text files: a first line is a header if any field is a
// known column name, or if none of its fields is an IP address (every data row
// has one: its source address).
bool LooksLikeHeader(const std::vector<std::string>& fields);

}  // namespace botrecon::features
