// Deriving per-flow features from a column batch of the eight resolved columns.
#pragma once
#include <cstdint>
#include <string>

#include "core/column_batch.h"
#include "features/columns.h"
#include "features/flow_batch.h"

namespace botrecon::features {

// Parses a port written as 80, 80.0 or hex 0x0050. Returns false if it is not
// an integer in 0..65535; hex values may take 32 bits, as Argus writes IPsec
// SPIs into the port columns of esp flows. Empty text gives kMissing.
bool ParsePort(std::string_view text, double& out);
// Parses a non-negative number ("", "nan" give kMissing). Returns false if invalid.
bool ParseNonNegative(std::string_view text, double& out);

// Converts projected batches (columns in Feature order) into FlowBatches.
class FeatureExtractor {
 public:
  FeatureExtractor(ColumnResolution resolution, std::string source_name, bool skip_bad_rows)
      : resolution_(std::move(resolution)), source_name_(std::move(source_name)), skip_bad_rows_(skip_bad_rows) {}

  // Fills `out` from `batch`. A value that cannot be parsed throws
  // core::InputError naming file, line/row, column and value — or, with
  // skip_bad_rows, marks the row keep = 0 and counts it in `skipped`
  // (recording the first message in `first_reason`).
  void Extract(const core::ColumnBatch& batch, FlowBatch& out, uint64_t& skipped, std::string& first_reason) const;

  // Location of a cell for error messages.
  core::SourceLocation Locate(const core::ColumnBatch& batch, size_t row, Feature feature) const;

 private:
  void Fail(const core::ColumnBatch& batch, size_t row, Feature feature, std::string_view value,
            const char* expected, FlowBatch& out, uint64_t& skipped, std::string& first_reason) const;

  ColumnResolution resolution_;
  std::string source_name_;
  bool skip_bad_rows_;
};

}  // namespace botrecon::features
