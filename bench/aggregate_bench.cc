// Stage "aggregate": per-host accumulation of flow scores.
//
// BM_ParseIpAddress    core::ParseIpAddress over the SrcAddr column (the
//                      aggregator parses every row's address).
// BM_AggregateAddBatch ShardedHostTable::AddBatch over the workload's SrcAddr
//                      column in 65,536-row batches, a fresh aggregator per
//                      iteration (so table growth is included); with
//                      threads:2 two threads feed one aggregator, as -j 2 does.
//                      200k rows hold ~70k hosts, 1M ~350k, 5M ~1.74M.
// BM_CollectSelect     ShardedHostTable::Collect + SelectInfected (format
//                      every host, keep mean >= 0.5, sort) after aggregation.
#include <span>
#include <thread>

#include "aggregate/host_table.h"
#include "bench_common.h"
#include "core/ip_address.h"

namespace botrecon::bench {
namespace {

constexpr size_t kBatchRows = 65536;

// The SrcAddr column of the workload with `rows` rows, as compact text, plus
// a score per row (splitmix64, uniform in [0, 1)), generated once per row count.
struct HostColumn {
  std::string arena;
  std::vector<std::string_view> hosts;
  std::vector<double> scores;
  std::vector<uint8_t> keep;
};

const HostColumn* Hosts(benchmark::State& state, int64_t rows) {
  static std::map<int64_t, std::unique_ptr<HostColumn>> cache;
  auto it = cache.find(rows);
  if (it != cache.end()) return it->second.get();
  std::string error;
  const FlowTemplate* tmpl = Template(&error);
  if (tmpl == nullptr) {
    state.SkipWithError(error.c_str());
    return nullptr;
  }
  // Collect the address field of each generated line without keeping the CSV.
  struct AddressSink {
    size_t field;  // index of SrcAddr among the fields of a data line
    HostColumn* out;
    int skip = 2;  // the header and its "\n"
    std::vector<std::pair<size_t, size_t>> spans;
    void Append(std::string_view line) {
      if (skip > 0) {
        --skip;
        return;
      }
      size_t begin = 0;
      for (size_t f = 0; f < field; ++f) begin = line.find(',', begin) + 1;
      size_t end = line.find_first_of(",\n", begin);
      spans.emplace_back(out->arena.size(), end - begin);
      out->arena.append(line.substr(begin, end - begin));
    }
  };
  auto column = std::make_unique<HostColumn>();
  const std::string& before = tmpl->rows.front().before;  // the fields between the index and SrcAddr
  AddressSink sink{1 + static_cast<size_t>(std::count(before.begin(), before.end(), ',')), column.get(), 2, {}};
  WriteFlows(*tmpl, static_cast<uint64_t>(rows), kDefaultSeed, sink);
  for (auto [offset, size] : sink.spans) column->hosts.emplace_back(column->arena.data() + offset, size);
  SplitMix64 rng{7};
  column->scores.resize(column->hosts.size());
  for (double& score : column->scores) score = static_cast<double>(rng.Next() >> 11) * 0x1.0p-53;
  column->keep.assign(column->hosts.size(), 1);
  return cache.emplace(rows, std::move(column)).first->second.get();
}

void FeedBatches(aggregate::ShardedHostTable& aggregator, const HostColumn& column, size_t first_batch,
                 size_t batch_step) {
  const size_t n = column.hosts.size();
  for (size_t begin = first_batch * kBatchRows; begin < n; begin += batch_step * kBatchRows) {
    const size_t count = std::min(kBatchRows, n - begin);
    aggregator.AddBatch(std::span(column.hosts).subspan(begin, count),
                        std::span(column.scores).subspan(begin, count), std::span(column.keep).subspan(begin, count));
  }
}

void BM_ParseIpAddress(benchmark::State& state) {
  const HostColumn* column = Hosts(state, state.range(0));
  if (column == nullptr) return;
  for (auto _ : state) {
    uint64_t valid = 0;
    for (std::string_view host : column->hosts) valid += core::ParseIpAddress(host).has_value();
    benchmark::DoNotOptimize(valid);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseIpAddress)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

void BM_AggregateAddBatch(benchmark::State& state) {
  const HostColumn* column = Hosts(state, state.range(0));
  if (column == nullptr) return;
  const int threads = static_cast<int>(state.range(1));
  size_t hosts = 0;
  for (auto _ : state) {
    auto aggregator = std::make_unique<aggregate::ShardedHostTable>();
    if (threads == 1) {
      FeedBatches(*aggregator, *column, 0, 1);
    } else {
      std::vector<std::thread> workers;
      for (int t = 0; t < threads; ++t) {
        workers.emplace_back(FeedBatches, std::ref(*aggregator), std::cref(*column), static_cast<size_t>(t),
                             static_cast<size_t>(threads));
      }
      for (auto& worker : workers) worker.join();
    }
    hosts = aggregator->size();
    state.PauseTiming();  // freeing ~100 MB of tables is not part of the stage
    aggregator.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["hosts"] = static_cast<double>(hosts);
}
BENCHMARK(BM_AggregateAddBatch)
    ->ArgNames({"rows", "threads"})
    ->Args({kDefaultRows, 1})
    ->Args({1000000, 1})
    ->Args({5000000, 1})
    ->Args({5000000, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_CollectSelect(benchmark::State& state) {
  const HostColumn* column = Hosts(state, state.range(0));
  if (column == nullptr) return;
  aggregate::ShardedHostTable aggregator;
  FeedBatches(aggregator, *column, 0, 1);
  size_t infected = 0;
  for (auto _ : state) {
    auto selected = aggregate::SelectInfected(aggregator.Collect(), 0.5, 0);
    infected = selected.size();
    benchmark::DoNotOptimize(selected.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(aggregator.size()));
  state.counters["hosts"] = static_cast<double>(aggregator.size());
  state.counters["selected"] = static_cast<double>(infected);
}
BENCHMARK(BM_CollectSelect)->ArgName("rows")->Arg(1000000)->Arg(5000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botrecon::bench
