#include "pipeline/run.h"

#include <mutex>
#include <vector>

#include "core/parallel.h"

namespace botrecon::pipeline {
namespace {

// What one worker counts on its own, merged at the end.
struct WorkerCounts {
  eval::ConfusionMatrix confusion;
  eval::ScoreCounts scores;
};

void CountFlows(const SourceBatch& batch, std::span<const double> scores, double threshold, WorkerCounts& out) {
  const auto botnet = static_cast<uint8_t>(aggregate::LabelClass::kBotnet);
  for (size_t r = 0; r < batch.flows.num_rows; ++r) {
    if (!batch.flows.keep[r]) continue;
    const bool positive = batch.labels[r] == botnet;
    out.scores.Add(scores[r], positive);
    eval::Count(out.confusion, scores[r], positive, threshold);
  }
}

void Add(eval::ConfusionMatrix& to, const eval::ConfusionMatrix& from) {
  to.tp += from.tp;
  to.fp += from.fp;
  to.tn += from.tn;
  to.fn += from.fn;
}

}  // namespace

detect::FlowColumns BehaviourView(const features::FlowBatch& flows) {
  detect::FlowColumns view;
  view.n = flows.num_rows;
  view.keep = flows.keep;
  view.src = flows.srcaddr;
  if (flows.has_dstaddr) view.dst = flows.dstaddr;
  view.proto = flows.proto;
  view.state = flows.state;
  if (flows.has_start) view.start = flows.start;
  view.sport = flows.sport;
  view.dport = flows.dport;
  view.dur = flows.dur;
  if (flows.has_pkts) view.pkts = flows.pkts;
  view.totbytes = flows.totbytes;
  view.srcbytes = flows.srcbytes;
  return view;
}

RunResult Run(FlowSource& source, const Stages& stages, int threads,
              const std::function<void(const RunProgress&)>& on_progress) {
  threads = std::max(1, threads);
  RunResult result{aggregate::ShardedHostTable(threads, stages.host_details), {}, {}, {}};
  std::mutex mutex;  // collect, progress and the merge of worker counts
  uint64_t rows = 0;
  core::RunWorkers(threads, [&](int, const core::StopFlag& stop) {
    SourceBatch batch;
    std::vector<double> scores;
    WorkerCounts counts;
    while (!stop.stopped() && source.Next(batch)) {
      const features::FlowBatch& flows = batch.flows;
      scores.assign(flows.num_rows, 0.0);
      if (batch.kept > 0) {
        if (stages.model != nullptr && batch.model_usable) stages.model->Score(flows, scores);
        if (stages.hosts) {
          aggregate::HostRows host_rows{flows.srcaddr, scores, flows.keep, {}, {}};
          if (stages.host_details) {
            host_rows.labels = batch.labels;
            if (flows.has_start) host_rows.start = flows.start;
          }
          result.hosts.AddBatch(host_rows);
        }
        if (stages.behaviour != nullptr) stages.behaviour->Observe(BehaviourView(flows));
        if (stages.flow_metrics) CountFlows(batch, scores, stages.threshold, counts);
      }
      if (!stages.collect && !on_progress) continue;
      std::lock_guard<std::mutex> lock(mutex);
      if (stages.collect) stages.collect(batch, scores);
      rows += batch.rows_read;
      if (on_progress) on_progress({batch.bytes_consumed, batch.bytes_total, rows});
    }
    std::lock_guard<std::mutex> lock(mutex);
    Add(result.confusion, counts.confusion);
    result.scores.Merge(counts.scores);
  });
  result.counts = source.counts();
  return result;
}

}  // namespace botrecon::pipeline
