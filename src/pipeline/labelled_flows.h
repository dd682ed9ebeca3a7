// Reading labelled flows (for training and evaluation): the eight feature
// columns plus a label, through the same readers and feature extraction as a scan.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "features/columns.h"
#include "features/flow_batch.h"
#include "filter/address_filter.h"
#include "io/reader.h"

namespace botrecon::pipeline {

// A time window in minutes after an input's first row; -1 = no bound.
struct TimeWindow {
  double from_minutes = -1;
  double to_minutes = -1;
  bool active() const { return from_minutes >= 0 || to_minutes >= 0; }
};

struct LabelOptions {
  // Column holding the label (compared like feature names). Empty with
  // `fixed_label` unset: "label".
  std::string label_column = "label";
  // One label for every row of the file (single-class captures): 0 or 1.
  std::optional<int> fixed_label;
  // Label by source host instead (a capture whose infected hosts are known,
  // as CTU-13 publishes them): 1 for flows from these addresses/networks, 0
  // for every other flow (sources that are not IP addresses included). Used
  // when `fixed_label` is unset; the label column is then not read.
  const filter::AddressFilter* infected = nullptr;
  // Keep rows whose start time lies in [from_minutes, to_minutes) after the
  // first row's start time (needs a StartTime column). Negative: no bound.
  double from_minutes = -1;
  double to_minutes = -1;
  bool skip_bad_rows = false;
  // A file without the label column is not an error: Append returns
  // LabelSource::kNone and labels its rows by source host in
  // `missing_label_infected` when given (evaluating against a list of
  // infected hosts), else 0.
  bool allow_missing_label = false;
  const filter::AddressFilter* missing_label_infected = nullptr;
  // What the error for a missing label column suggests.
  std::string missing_label_hint = "name one with --label-column or give --label 0|1 for the whole file";
  // Flows to leave out (e.g. evaluation flows that also occur in a training
  // file), as keys made by FlowKey.
  const std::unordered_set<std::string>* exclude = nullptr;
};

// Identity of a flow for exclusion: source and destination address,
// protocol, ports, duration (to the microsecond) and byte counts.
std::string FlowKey(std::string_view srcaddr, std::string_view dstaddr, const features::FlowBatch& flows, size_t row);

// Keys of every flow in `path` (which needs a destination address column).
std::unordered_set<std::string> LoadFlowKeys(const std::string& path, std::optional<io::InputType> type);

// 1 if a label marks a botnet flow: CTU-13's "From-Botnet" labels, labels
// starting with "malicious" or "malware" (Stratosphere/IoT-23/slips), "botnet",
// "1", "true" (case-insensitive); 0 for anything else.
int ParseLabel(std::string_view text);

// Parses a start time: epoch seconds, or "YYYY/MM/DD HH:MM:SS[.ffffff]" (also
// with '-' and 'T'), as seconds. nullopt if neither.
std::optional<double> ParseStartTime(std::string_view text);

// Where the labels of an appended file came from.
enum class LabelSource {
  kColumn,  // the label column
  kFixed,   // LabelOptions::fixed_label
  kInfected,  // LabelOptions::infected (by source address)
  kNone,    // no label column (LabelOptions::allow_missing_label): by missing_label_infected, or 0
};

struct SourceBatch;

// All rows of one or more inputs, as one FlowBatch with labels (for training).
class LabelledFlows {
 public:
  // Appends the rows of `path` and says where their labels came from. Throws
  // core::InputError (missing label or StartTime column, bad values) and
  // core::IoError.
  // `reader` and `columns`: reader settings and FIELD=HEADER mappings (SourceOptions).
  LabelSource Append(const std::string& path, std::optional<io::InputType> type, const LabelOptions& options,
                     const io::ReaderOptions& reader = {}, const features::ColumnMapping& columns = {});
  // Appends the kept rows of a labelled batch (the runner's collect stage).
  void Add(const SourceBatch& batch);

  const features::FlowBatch& flows() const { return flows_; }
  const std::vector<uint8_t>& labels() const { return labels_; }
  size_t size() const { return labels_.size(); }
  size_t positives() const;
  // Rows left out because they matched LabelOptions::exclude.
  size_t excluded() const { return excluded_; }

 private:
  std::string_view Intern(std::string_view s);

  features::FlowBatch flows_;
  std::vector<uint8_t> labels_;
  std::unordered_set<std::string> strings_;
  size_t excluded_ = 0;
};

}  // namespace botrecon::pipeline
