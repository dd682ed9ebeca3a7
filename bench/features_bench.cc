// Stage "features": FeatureExtractor::Extract on column batches decoded
// beforehand (text -> ports, numbers, bits/s, trimmed/lower-cased text).
#include "bench_common.h"

namespace botrecon::bench {
namespace {

void BM_FeatureExtract(benchmark::State& state) {
  const DecodedFlows* decoded = Decoded(state, state.range(0));
  if (decoded == nullptr) return;
  features::FeatureExtractor extractor(decoded->resolution, "bench.csv", false);
  features::FlowBatch flows;
  uint64_t skipped = 0;
  std::string first_reason;
  for (auto _ : state) {
    for (const core::ColumnBatch& batch : decoded->batches) {
      extractor.Extract(batch, flows, skipped, first_reason);
      benchmark::DoNotOptimize(flows.bps.data());
    }
  }
  if (skipped != 0) state.SkipWithError(("unexpected bad rows: " + first_reason).c_str());
  state.SetItemsProcessed(state.iterations() * decoded->rows);
  state.counters["rows"] = static_cast<double>(decoded->rows);
}
BENCHMARK(BM_FeatureExtract)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

// The two numeric parsers on their own, over the Dport and Dur columns
// (ports are written "80.0" by pandas, so every port takes the slow path).
void BM_ParsePort(benchmark::State& state) {
  const DecodedFlows* decoded = Decoded(state, state.range(0));
  if (decoded == nullptr) return;
  const int dport = static_cast<int>(features::Feature::kDport);
  for (auto _ : state) {
    double sum = 0;
    for (const core::ColumnBatch& batch : decoded->batches) {
      for (std::string_view text : batch.columns[dport].strings) {
        double value;
        features::ParsePort(text, value);
        sum += value;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * decoded->rows);
}
BENCHMARK(BM_ParsePort)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

void BM_ParseNonNegative(benchmark::State& state) {
  const DecodedFlows* decoded = Decoded(state, state.range(0));
  if (decoded == nullptr) return;
  const int dur = static_cast<int>(features::Feature::kDur);
  for (auto _ : state) {
    double sum = 0;
    for (const core::ColumnBatch& batch : decoded->batches) {
      for (std::string_view text : batch.columns[dur].strings) {
        double value;
        features::ParseNonNegative(text, value);
        sum += value;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * decoded->rows);
}
BENCHMARK(BM_ParseNonNegative)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botrecon::bench
