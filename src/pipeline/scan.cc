#include "pipeline/scan.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "core/error.h"
#include "features/columns.h"
#include "features/extract.h"

namespace botrecon::pipeline {
namespace {

struct SharedState {
  std::mutex reader_mutex;
  std::mutex progress_mutex;
  std::mutex error_mutex;
  std::exception_ptr error;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> rows_read{0}, rows_evaluated{0}, bad_rows{0}, invalid_addresses{0}, management{0};
  std::string first_bad_row;
};

// The fields of `flows` the behaviour detectors read; absent ones stay empty.
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

void Worker(io::Reader& reader, const features::FeatureExtractor& extractor, const ScanOptions& options,
            aggregate::ShardedAggregator& hosts, SharedState& state) {
  core::ColumnBatch batch;
  features::FlowBatch flows;
  std::vector<double> scores;
  try {
    while (!state.stop.load(std::memory_order_relaxed)) {
      std::unique_ptr<io::Chunk> chunk;
      ScanProgress progress;
      {
        std::lock_guard<std::mutex> lock(state.reader_mutex);
        chunk = reader.NextChunk();
        progress.bytes_consumed = reader.bytes_consumed();
        progress.bytes_total = reader.bytes_total();
      }
      if (!chunk) break;
      chunk->Decode(batch);
      uint64_t bad = batch.skipped_rows;
      std::string first_bad = batch.first_skip_reason;
      extractor.Extract(batch, flows, bad, first_bad);
      const size_t n = flows.num_rows;
      uint64_t invalid = 0;
      if (options.address_filter != nullptr) {
        for (size_t r = 0; r < n; ++r) {
          if (!flows.keep[r]) continue;
          auto address = core::ParseIpAddress(flows.srcaddr[r]);
          if (!address) {
            if (!options.ignore_invalid_addresses) {
              throw core::InputError(extractor.Locate(batch, r, features::Feature::kSrcAddr).ToString() +
                                     ": invalid source address '" + std::string(flows.srcaddr[r]) +
                                     "' while filtering by address (use -i to skip such rows)");
            }
            flows.keep[r] = 0;
            ++invalid;
            continue;
          }
          if (!options.address_filter->Matches(*address)) flows.keep[r] = 0;
        }
      }
      uint64_t evaluated = 0;
      for (size_t r = 0; r < n; ++r) evaluated += flows.keep[r];
      scores.assign(n, 0.0);
      if (evaluated > 0) {
        options.model->Score(flows, scores);
        hosts.AddBatch(flows.srcaddr, scores, flows.keep);
        if (options.behaviour != nullptr) options.behaviour->Observe(BehaviourView(flows));
      }
      // Rows skipped by the extractor are not "read" rows.
      uint64_t extract_bad = bad - batch.skipped_rows;
      state.rows_read.fetch_add(n - extract_bad, std::memory_order_relaxed);
      state.rows_evaluated.fetch_add(evaluated, std::memory_order_relaxed);
      state.invalid_addresses.fetch_add(invalid, std::memory_order_relaxed);
      state.management.fetch_add(flows.management_records, std::memory_order_relaxed);
      if (bad > 0) {
        state.bad_rows.fetch_add(bad, std::memory_order_relaxed);
        std::lock_guard<std::mutex> lock(state.error_mutex);
        if (state.first_bad_row.empty()) state.first_bad_row = first_bad;
      }
      if (options.on_progress) {
        std::lock_guard<std::mutex> lock(state.progress_mutex);
        progress.rows = state.rows_read.load();
        options.on_progress(progress);
      }
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(state.error_mutex);
    if (!state.error) state.error = std::current_exception();
    state.stop = true;
  }
}

}  // namespace

namespace {

// Reads one input into `hosts`, on options.threads threads.
void ScanInput(const std::string& input, const ScanOptions& options, aggregate::ShardedAggregator& hosts,
               SharedState& state) {
  io::ReaderOptions reader_options = options.reader;
  if (!reader_options.is_header) reader_options.is_header = features::LooksLikeHeader;
  auto reader = io::OpenReader(input, options.type, reader_options);
  features::ColumnResolution resolution = features::ResolveColumns(reader->schema(), reader->source_name());
  if (options.on_columns) {
    std::string text;
    const auto& aliases = features::ColumnAliases();
    for (int f = 0; f < features::kNumInputColumns; ++f) {
      text += (f ? ", " : "") + aliases[f].front() + "='" + resolution.names[f] + "'";
      if (f == static_cast<int>(features::Feature::kTotBytes) && resolution.totbytes_second >= 0) {
        text += " + '" + resolution.totbytes_second_name + "'";
      }
    }
    options.on_columns(text);
  }
  const bool extras = options.behaviour != nullptr;
  reader->SetProjection(resolution.Projection(extras));
  features::FeatureExtractor extractor(resolution, reader->source_name(), options.reader.skip_bad_rows, extras);
  const int threads = std::max(1, options.threads);
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t) {
    workers.emplace_back(Worker, std::ref(*reader), std::cref(extractor), std::cref(options), std::ref(hosts),
                         std::ref(state));
  }
  Worker(*reader, extractor, options, hosts, state);
  for (auto& w : workers) w.join();
  if (state.error) std::rethrow_exception(state.error);
}

}  // namespace

ScanResult RunScan(const ScanOptions& options) {
  if (options.model == nullptr) throw core::InternalError("RunScan without a model");
  aggregate::ShardedAggregator hosts(std::max(1, options.threads));
  SharedState state;
  for (const auto& input : options.inputs) ScanInput(input, options, hosts, state);

  ScanResult result;
  std::unordered_set<std::string> flagged;
  if (options.behaviour != nullptr) {
    result.behaviour = options.behaviour->Finish();
    result.behaviour_notes = options.behaviour->Notes();
    for (const auto& host : result.behaviour) flagged.insert(host.host);
  }
  result.hosts = hosts.Collect(options.min_score, options.min_count, &flagged);
  result.hosts_evaluated = hosts.size();
  result.rows_read = state.rows_read;
  result.rows_evaluated = state.rows_evaluated;
  result.bad_rows_skipped = state.bad_rows;
  result.first_bad_row = state.first_bad_row;
  result.invalid_addresses_skipped = state.invalid_addresses;
  result.management_records_skipped = state.management;
  return result;
}

}  // namespace botrecon::pipeline
