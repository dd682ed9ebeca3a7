// Stage "read": the CSV reader on an in-memory workload buffer.
//
// BM_CsvRead        open + NextChunk + Decode of every chunk, one thread: the
//                   whole read stage as one worker of RunScan sees it.
// BM_CsvNextChunk   NextChunk only: the part RunScan runs under its reader
//                   mutex, i.e. the serial fraction that bounds -j N.
// BM_CsvDecode      Decode only (chunks claimed with the timer paused): the
//                   part that runs in parallel.
// BM_MemchrLines    reference: counting the lines of the same buffer with
//                   memchr, a floor for any reader that looks at every byte.
#include <cstring>

#include "bench_common.h"

namespace botrecon::bench {
namespace {

void SetCounters(benchmark::State& state, int64_t rows, size_t bytes) {
  state.SetItemsProcessed(state.iterations() * rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  state.counters["rows"] = static_cast<double>(rows);
}

void BM_CsvRead(benchmark::State& state) {
  const std::string* csv = FlowsCsv(state, state.range(0));
  if (csv == nullptr) return;
  const size_t max_batch_rows = static_cast<size_t>(state.range(1));
  int64_t rows = 0;
  core::ColumnBatch batch;
  for (auto _ : state) {
    OpenedCsv opened = OpenCsv(*csv, max_batch_rows);
    rows = 0;
    while (auto chunk = opened.reader->NextChunk()) {
      chunk->Decode(batch);
      rows += static_cast<int64_t>(batch.num_rows);
    }
    benchmark::DoNotOptimize(rows);
  }
  SetCounters(state, rows, csv->size());
}
BENCHMARK(BM_CsvRead)
    ->ArgNames({"rows", "max_batch_rows"})
    ->Args({kDefaultRows, 65536})
    ->Args({kDefaultRows, 2048})
    ->Unit(benchmark::kMillisecond);

void BM_CsvNextChunk(benchmark::State& state) {
  const std::string* csv = FlowsCsv(state, state.range(0));
  if (csv == nullptr) return;
  int64_t chunks = 0;
  for (auto _ : state) {
    OpenedCsv opened = OpenCsv(*csv);
    chunks = 0;
    while (auto chunk = opened.reader->NextChunk()) ++chunks;
    benchmark::DoNotOptimize(chunks);
  }
  SetCounters(state, state.range(0), csv->size());
  state.counters["chunks"] = static_cast<double>(chunks);
}
BENCHMARK(BM_CsvNextChunk)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

void BM_CsvDecode(benchmark::State& state) {
  const std::string* csv = FlowsCsv(state, state.range(0));
  if (csv == nullptr) return;
  int64_t rows = 0;
  core::ColumnBatch batch;
  std::vector<std::unique_ptr<io::Chunk>> chunks;
  for (auto _ : state) {
    state.PauseTiming();
    chunks.clear();
    OpenedCsv opened = OpenCsv(*csv);
    while (auto chunk = opened.reader->NextChunk()) chunks.push_back(std::move(chunk));
    state.ResumeTiming();
    rows = 0;
    for (auto& chunk : chunks) {
      chunk->Decode(batch);
      rows += static_cast<int64_t>(batch.num_rows);
    }
    benchmark::DoNotOptimize(rows);
  }
  SetCounters(state, rows, csv->size());
}
BENCHMARK(BM_CsvDecode)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

void BM_MemchrLines(benchmark::State& state) {
  const std::string* csv = FlowsCsv(state, state.range(0));
  if (csv == nullptr) return;
  for (auto _ : state) {
    int64_t lines = 0;
    const char* p = csv->data();
    const char* const end = p + csv->size();
    while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
      ++lines;
      p = static_cast<const char*>(nl) + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  SetCounters(state, state.range(0), csv->size());
}
BENCHMARK(BM_MemchrLines)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botrecon::bench
