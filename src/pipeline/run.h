// The one runner: read -> features -> score -> detect -> aggregate, on
// several threads, for scan, train and evaluate alike. A command switches on
// the stages it needs; every worker pulls batches from one FlowSource.
#pragma once
#include <cstdint>
#include <functional>
#include <span>

#include "aggregate/host_table.h"
#include "detect/behaviour.h"
#include "eval/metrics.h"
#include "models/model.h"
#include "pipeline/flow_source.h"

namespace botrecon::pipeline {

struct Stages {
  const models::Model* model = nullptr;         // score (nullptr: every score is 0)
  detect::BehaviourTable* behaviour = nullptr;  // detect (needs SourceOptions::extras)
  bool hosts = true;                            // aggregate per source host
  bool host_details = false;  // label counts (SourceOptions::labels) and first/last seen per host
  // Flow-level counts for evaluate (needs SourceOptions::labels): the
  // confusion matrix at `threshold` and the score counts.
  bool flow_metrics = false;
  double threshold = 0;
  // Called for every batch with its scores, one call at a time (training
  // collects its rows here). Batches come in input order when threads == 1.
  std::function<void(const SourceBatch&, std::span<const double>)> collect;
};

struct RunProgress {
  uint64_t bytes_consumed = 0;
  uint64_t bytes_total = 0;  // 0 if unknown (stdin)
  uint64_t rows = 0;         // rows read so far
};

struct RunResult {
  aggregate::ShardedHostTable hosts;
  eval::ConfusionMatrix confusion;
  eval::ScoreCounts scores;
  SourceCounts counts;
};

// Runs the stages over every batch of `source` on `threads` threads (at
// least 1). `on_progress` is called after each batch, never concurrently.
// Exceptions on any thread are rethrown here.
RunResult Run(FlowSource& source, const Stages& stages, int threads,
              const std::function<void(const RunProgress&)>& on_progress = {});

// The fields of `flows` the behaviour detectors read; absent ones stay empty.
detect::FlowColumns BehaviourView(const features::FlowBatch& flows);

}  // namespace botrecon::pipeline
