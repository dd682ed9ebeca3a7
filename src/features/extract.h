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
// Whether a bad port value is a service name ("http", "domain", "netbios-ns"):
// `ra` without -n writes ports so.
bool IsServiceName(std::string_view text);
// Parses a non-negative number ("", "nan" give kMissing). Returns false if invalid.
bool ParseNonNegative(std::string_view text, double& out);

// Parses a flow start time: epoch seconds ("1313431402.17637") or a date and
// time "2011/08/16 10:01:46.972101", "2011-08-16 10:01:46", "2011-08-16T10:01:46.5Z"
// (read as UTC). Returns NaN for empty or unparseable text.
double ParseTimestamp(std::string_view text);

// Converts projected batches (columns in Feature order) into FlowBatches.
class FeatureExtractor {
 public:
  // `extras`: batches were projected with Projection(true) and the optional
  // columns (destination, start time, packets) are read too.
  FeatureExtractor(ColumnResolution resolution, std::string source_name, bool skip_bad_rows, bool extras = false)
      : resolution_(std::move(resolution)),
        source_name_(std::move(source_name)),
        skip_bad_rows_(skip_bad_rows),
        extras_(extras) {}

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

  void ExtractExtras(const core::ColumnBatch& batch, FlowBatch& out) const;

  ColumnResolution resolution_;
  std::string source_name_;
  bool skip_bad_rows_;
  bool extras_;
};

}  // namespace botrecon::features
