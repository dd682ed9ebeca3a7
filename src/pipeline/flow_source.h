// FlowSource: one or many inputs read as one stream of typed FlowBatches.
// The source owns the readers, column resolution and the row filters (time
// window, flows to exclude, address filter) and labels rows when asked; it
// counts what it skipped and why. Several workers may call Next at once.
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/column_batch.h"
#include "features/columns.h"
#include "features/flow_batch.h"
#include "filter/address_filter.h"
#include "io/reader.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::pipeline {

// One input of a source: its path ("-" = stdin) and its own label, window
// and exclusion options (labels are read only with SourceOptions::labels).
struct SourceInput {
  std::string path;
  LabelOptions options;
};

struct SourceOptions {
  std::vector<SourceInput> inputs;  // read one after the other
  std::optional<io::InputType> type;
  io::ReaderOptions reader;
  // Which header holds which field, for inputs whose names botrecon does not
  // know (FIELD=HEADER); the label column too, unless LabelOptions names one.
  features::ColumnMapping columns;
  bool labels = false;  // label every row (SourceBatch::labels)
  bool extras = false;  // read destination, start time and packets (the behaviour stage)
  bool dst = false;     // fill SourceBatch::dst (needs a DstAddr column)
  // An input lacking a column only the model needs is read anyway (the
  // behaviour stage can still work): its batches have model_usable = false
  // and SourceCounts::model_skipped says which columns it lacks.
  bool model_columns_optional = false;
  // Only rows whose source matches are kept (nullptr: all); rows whose source
  // is not an IP address then fail, or are skipped with ignore_invalid_addresses.
  const filter::AddressFilter* address_filter = nullptr;
  bool ignore_invalid_addresses = false;
  // Called (under the source's lock) when an input's columns are resolved.
  std::function<void(const std::string&)> on_columns;
};

struct InputState;  // an open input (flow_source.cc)
struct InputTally;  // an input's name and rows read so far (flow_source.cc)

// A batch handed out by the source; a worker keeps one and reuses it.
struct SourceBatch {
  features::FlowBatch flows;     // keep[r] == 0: not a flow to use (bad, filtered, excluded)
  std::vector<uint8_t> labels;   // aggregate::LabelClass per row, with SourceOptions::labels
  std::vector<std::string_view> dst;  // destination as written, with SourceOptions::dst
  uint64_t kept = 0;             // rows with keep == 1
  bool model_usable = true;      // false: the input lacks model columns (SourceOptions::model_columns_optional)
  uint64_t rows_read = 0;        // data rows of this batch (SourceCounts::rows_read)
  uint64_t bytes_consumed = 0;   // of the current input, for progress
  uint64_t bytes_total = 0;      // 0 if unknown (stdin)

  std::unique_ptr<io::Chunk> chunk;  // what flows' strings point into
  core::ColumnBatch columns;
};

// What the source read and skipped, over all inputs.
struct SourceCounts {
  uint64_t rows_read = 0;       // data rows read (not counting skipped bad rows)
  uint64_t rows_kept = 0;       // rows that passed every filter
  uint64_t bad_rows_skipped = 0;
  std::string first_bad_row;
  uint64_t invalid_addresses_skipped = 0;
  uint64_t management_records_skipped = 0;  // Argus "man" records (in rows_read)
  uint64_t excluded = 0;                    // rows matching LabelOptions::exclude
  std::vector<std::string> model_skipped;   // "FILE lacks COLUMNS" per input the model could not score
  // Every opened input (its name in messages) with its data rows, in input
  // order; filled by FlowSource::counts() (a header-only input shows 0).
  std::vector<std::pair<std::string, uint64_t>> input_rows;
};

class FlowSource {
 public:
  explicit FlowSource(SourceOptions options);
  ~FlowSource();
  FlowSource(const FlowSource&) = delete;
  FlowSource& operator=(const FlowSource&) = delete;

  // Fills `batch` with the next batch of the inputs; false after the last.
  // Thread-safe: reading is serialised, decoding and filtering run on the
  // caller's thread. Throws core::InputError / core::IoError with locations.
  bool Next(SourceBatch& batch);

  SourceCounts counts() const;
  // Where each opened input's labels came from, in input order.
  std::vector<LabelSource> label_sources() const;

 private:
  std::shared_ptr<InputState> Open(const SourceInput& input);
  SourceCounts Decode(InputState& input, SourceBatch& batch) const;
  void Filter(InputState& input, SourceBatch& batch, SourceCounts& counts) const;
  bool PassesAddressFilter(const InputState& input, const SourceBatch& batch, size_t row, SourceCounts& counts) const;

  SourceOptions options_;
  mutable std::mutex mutex_;  // the current input, the next one, counts_ and label_sources_
  std::shared_ptr<InputState> current_;
  size_t next_input_ = 0;
  SourceCounts counts_;
  std::vector<LabelSource> label_sources_;
  std::deque<InputTally> tallies_;  // one per opened input (stable addresses)
};

// The LabelClass of a label text: botnet as ParseLabel, "background" labels
// (CTU-13's Background flows), anything else normal.
uint8_t LabelClassOf(std::string_view text);

}  // namespace botrecon::pipeline
