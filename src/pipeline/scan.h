// The scan pipeline: read -> resolve columns -> derive features -> filter ->
// score -> aggregate per host, streaming over chunks on several threads.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aggregate/host_table.h"
#include "detect/behaviour.h"
#include "features/columns.h"
#include "filter/address_filter.h"
#include "io/reader.h"
#include "models/model.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::pipeline {

struct ScanProgress {
  uint64_t bytes_consumed = 0;
  uint64_t bytes_total = 0;  // 0 if unknown (stdin)
  uint64_t rows = 0;
};

struct ScanOptions {
  std::vector<std::string> inputs;  // paths ("-" = stdin), read one after the other into one host table
  // Keep only rows starting in [from, to) minutes after each input's first
  // row (--from/--to; needs a StartTime column); no bound by default.
  TimeWindow window;
  // Per input (empty, or one per input): a window replacing `window` for
  // that input (FILE@FROM:TO, parsed by cli::ParseInputSpec).
  std::vector<std::optional<TimeWindow>> input_windows;
  std::optional<io::InputType> type;
  io::ReaderOptions reader;
  features::ColumnMapping columns;  // FIELD=HEADER mappings (SourceOptions::columns)
  const models::Model* model = nullptr;
  // Only hosts matching this filter are evaluated (nullptr: all hosts).
  const filter::AddressFilter* address_filter = nullptr;
  // With a filter: skip rows whose source address is not an IP address
  // instead of failing.
  bool ignore_invalid_addresses = false;
  // Behaviour detection beside the model (nullptr: model only). The scan
  // observes every kept flow into it and returns its findings.
  detect::BehaviourTable* behaviour = nullptr;
  int threads = 1;
  // Only hosts with at least this many flows and this mean score are returned
  // (the scan's report); the defaults return every evaluated host.
  double min_score = -HUGE_VAL;
  uint64_t min_count = 0;
  // Called (on any thread, never concurrently) after each chunk.
  std::function<void(const ScanProgress&)> on_progress;
  // Called once the columns are resolved, with a description of them.
  std::function<void(const std::string&)> on_columns;
};

struct ScanResult {
  // Evaluated hosts passing min_score/min_count, and every host with
  // behaviour evidence, unsorted.
  std::vector<aggregate::HostResult> hosts;
  std::vector<detect::HostBehaviour> behaviour;  // hosts with evidence, sorted by host
  std::vector<std::string> behaviour_notes;      // detectors that could not run, and why
  uint64_t hosts_evaluated = 0;             // all evaluated hosts
  uint64_t rows_read = 0;       // data rows read (not counting skipped bad rows)
  uint64_t rows_evaluated = 0;  // rows that passed the address filter
  uint64_t bad_rows_skipped = 0;
  std::string first_bad_row;
  uint64_t invalid_addresses_skipped = 0;
  uint64_t management_records_skipped = 0;  // Argus "man" records (not flows; in rows_read)
  // Inputs the model could not score ("FILE: missing columns"): their flows
  // count with score 0; only the behaviour detectors judged them.
  std::vector<std::string> model_skipped;
  // Each input (its name in messages) with its data rows, in input order.
  std::vector<std::pair<std::string, uint64_t>> input_rows;
  // The evaluated host with the highest mean score (at least min_count
  // flows; reported or not), for the summary: how close the top one came.
  std::optional<aggregate::HostResult> top_host;
};

// Runs the scan. Throws core::Error subclasses (input, I/O) with locations.
ScanResult RunScan(const ScanOptions& options);

}  // namespace botrecon::pipeline
