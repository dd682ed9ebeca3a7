// The whole scan pipeline in process: pipeline::RunScan (read -> features ->
// score -> aggregate, on `threads` threads) over the workload written to a
// temporary file (page-cached after the first iteration), then
// SelectInfected. No process start, model loading or output writing: see
// bench/run_e2e.sh for the command line end to end.
//
// model:0 scores every row with a constant (the pipeline without prediction);
// model:1 uses the forest of bench_model.h.
#include <unistd.h>

#include <cstdio>

#include "aggregate/host_table.h"
#include "bench_common.h"
#include "bench_model.h"
#include "pipeline/scan.h"

namespace botrecon::bench {
namespace {

class ConstantModel : public models::Model {
 public:
  std::string type_name() const override { return "constant"; }
  models::ScoreKind score_kind() const override { return models::ScoreKind::kProbability; }
  double threshold() const override { return 0.5; }
  void Score(const features::FlowBatch& batch, std::span<double> scores) const override {
    for (size_t row = 0; row < batch.num_rows; ++row) scores[row] = batch.dport[row] == 53 ? 1.0 : 0.25;
  }
};

// The workload with `rows` rows as a file under $TMPDIR (removed at exit).
const std::string* WorkloadFile(benchmark::State& state, int64_t rows) {
  struct TempFiles {
    std::map<int64_t, std::string> paths;
    ~TempFiles() {
      for (const auto& [rows, path] : paths) std::remove(path.c_str());
    }
  };
  static TempFiles files;
  auto it = files.paths.find(rows);
  if (it != files.paths.end()) return &it->second;
  const std::string* csv = FlowsCsv(state, rows);
  if (csv == nullptr) return nullptr;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/botrecon_bench_XXXXXX";
  const int fd = mkstemp(path.data());
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < csv->size();) {
    const ssize_t wrote = write(fd, csv->data() + done, csv->size() - done);
    ok = wrote > 0;
    done += ok ? static_cast<size_t>(wrote) : 0;
  }
  if (fd >= 0) close(fd);
  if (!ok) {
    std::remove(path.c_str());
    state.SkipWithError("cannot write the workload to a temporary file");
    return nullptr;
  }
  return &files.paths.emplace(rows, path).first->second;
}

void BM_Scan(benchmark::State& state) {
  const int64_t rows = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const bool use_forest = state.range(2) != 0;
  static const ConstantModel constant;
  const models::Model* model = &constant;
  if (use_forest) {
    const BenchModel& bench_model = Model();
    if (!bench_model.model) {
      state.SkipWithError(bench_model.error.c_str());
      return;
    }
    model = bench_model.model.get();
    state.SetLabel(bench_model.label);
  }
  const std::string* path = WorkloadFile(state, rows);
  if (path == nullptr) return;
  pipeline::ScanOptions options;
  options.inputs = {*path};
  options.model = model;
  options.threads = threads;
  size_t hosts = 0;
  size_t infected = 0;
  for (auto _ : state) {
    pipeline::ScanResult result = pipeline::RunScan(options);
    hosts = result.hosts.size();
    infected = aggregate::SelectInfected(std::move(result.hosts), model->threshold(), 0).size();
    if (result.rows_read != static_cast<uint64_t>(rows)) {
      state.SkipWithError("RunScan read the wrong number of rows");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * rows);
  state.counters["hosts"] = static_cast<double>(hosts);
  state.counters["infected"] = static_cast<double>(infected);
}
BENCHMARK(BM_Scan)
    ->ArgNames({"rows", "threads", "model"})
    ->Args({1000000, 1, 0})
    ->Args({1000000, 2, 0})
    ->Args({1000000, 1, 1})
    ->Args({1000000, 2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botrecon::bench
