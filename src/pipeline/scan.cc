#include "pipeline/scan.h"

#include <unordered_set>

#include "core/error.h"
#include "pipeline/flow_source.h"
#include "pipeline/run.h"

namespace botrecon::pipeline {
namespace {

SourceOptions ScanSource(const ScanOptions& options) {
  SourceOptions source;
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    SourceInput input{options.inputs[i], {}};
    TimeWindow window = options.window;
    if (i < options.input_windows.size() && options.input_windows[i]) window = *options.input_windows[i];
    input.options.from_minutes = window.from_minutes;
    input.options.to_minutes = window.to_minutes;
    source.inputs.push_back(std::move(input));
  }
  source.type = options.type;
  source.reader = options.reader;
  source.columns = options.columns;
  source.extras = options.behaviour != nullptr;
  source.model_columns_optional = options.behaviour != nullptr;  // the detectors can still run
  source.address_filter = options.address_filter;
  source.ignore_invalid_addresses = options.ignore_invalid_addresses;
  source.on_columns = options.on_columns;
  return source;
}

}  // namespace

ScanResult RunScan(const ScanOptions& options) {
  if (options.model == nullptr) throw core::InternalError("RunScan without a model");
  FlowSource source(ScanSource(options));
  Stages stages;
  stages.model = options.model;
  stages.behaviour = options.behaviour;
  std::function<void(const RunProgress&)> progress;
  if (options.on_progress) {
    progress = [&](const RunProgress& p) { options.on_progress({p.bytes_consumed, p.bytes_total, p.rows}); };
  }
  RunResult run = Run(source, stages, options.threads, progress);

  ScanResult result;
  std::unordered_set<std::string> flagged;
  if (options.behaviour != nullptr) {
    result.behaviour = options.behaviour->Finish();
    result.behaviour_notes = options.behaviour->Notes();
    for (const auto& host : result.behaviour) flagged.insert(host.host);
  }
  result.hosts = run.hosts.Collect(options.min_score, options.min_count, &flagged);
  result.hosts_evaluated = run.hosts.size();
  result.rows_read = run.counts.rows_read;
  result.rows_evaluated = run.counts.rows_kept;
  result.bad_rows_skipped = run.counts.bad_rows_skipped;
  result.first_bad_row = run.counts.first_bad_row;
  result.invalid_addresses_skipped = run.counts.invalid_addresses_skipped;
  result.management_records_skipped = run.counts.management_records_skipped;
  result.model_skipped = run.counts.model_skipped;
  result.input_rows = run.counts.input_rows;
  result.top_host = run.hosts.Top(options.min_count);
  return result;
}

}  // namespace botrecon::pipeline
