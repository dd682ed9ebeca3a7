// Shared set-up of the per-stage benchmarks: the generated workload (cached
// per row count), a zero-copy in-memory ByteStream, and the workload decoded
// and featurised once so that each stage can be timed on its own.
#pragma once
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/column_batch.h"
#include "features/columns.h"
#include "features/extract.h"
#include "features/flow_batch.h"
#include "flow_workload.h"
#include "io/formats.h"
#include "io/input.h"
#include "io/reader.h"

#ifndef BOTRECON_BENCH_TEST_CSV
#define BOTRECON_BENCH_TEST_CSV "../shared/data/original-tests/test.csv"
#endif

namespace botrecon::bench {

// Rows of the in-memory workload most benchmarks run on (~18.6 MB of CSV).
inline constexpr int64_t kDefaultRows = 200000;

// The template file: $BOTRECON_BENCH_INPUT, else the path configured at build
// time (BOTRECON_BENCH_TEST_CSV in bench/CMakeLists.txt).
inline std::string TemplatePath() {
  const char* env = std::getenv("BOTRECON_BENCH_INPUT");
  return env != nullptr && *env != '\0' ? env : BOTRECON_BENCH_TEST_CSV;
}

// The parsed template, or nullptr (with `error` set) if it cannot be read.
inline const FlowTemplate* Template(std::string* error = nullptr) {
  static std::string load_error;
  static const std::unique_ptr<FlowTemplate> tmpl = []() -> std::unique_ptr<FlowTemplate> {
    try {
      return std::make_unique<FlowTemplate>(LoadFlowTemplate(TemplatePath()));
    } catch (const std::exception& e) {
      load_error = std::string(e.what()) + " (set BOTRECON_BENCH_INPUT to original-tests/test.csv)";
      return nullptr;
    }
  }();
  if (error != nullptr) *error = load_error;
  return tmpl.get();
}

// The workload CSV with `rows` data rows, generated once per row count.
// nullptr after calling state.SkipWithError if the template is missing.
inline const std::string* FlowsCsv(benchmark::State& state, int64_t rows) {
  static std::map<int64_t, std::string> cache;
  std::string error;
  const FlowTemplate* tmpl = Template(&error);
  if (tmpl == nullptr) {
    state.SkipWithError(error.c_str());
    return nullptr;
  }
  auto it = cache.find(rows);
  if (it == cache.end()) it = cache.emplace(rows, GenerateFlows(*tmpl, static_cast<uint64_t>(rows))).first;
  return &it->second;
}

// A ByteStream over bytes owned elsewhere: reading costs one memcpy, as it
// would from the page cache, and opening costs nothing.
class ViewStream : public io::ByteStream {
 public:
  ViewStream(std::string name, std::string_view data) : data_(data) { name_ = std::move(name); }
  size_t Read(char* out, size_t n) override {
    const size_t take = std::min(n, data_.size() - pos_);
    std::memcpy(out, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  uint64_t size() const override { return data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// A CSV reader on `csv` with the eight feature columns projected, as
// pipeline::RunScan opens it.
struct OpenedCsv {
  std::unique_ptr<io::Reader> reader;
  features::ColumnResolution resolution;
};
inline OpenedCsv OpenCsv(std::string_view csv, size_t max_batch_rows = io::ReaderOptions{}.max_batch_rows) {
  io::ReaderOptions options;
  options.max_batch_rows = max_batch_rows;
  options.is_header = features::LooksLikeHeader;
  OpenedCsv out;
  out.reader = io::OpenCsvReader(std::make_unique<ViewStream>("bench.csv", csv), options);
  out.resolution = features::ResolveColumns(out.reader->schema(), out.reader->source_name());
  out.reader->SetProjection(out.resolution.Projection());
  return out;
}

// The workload decoded into column batches and derived into flow batches,
// once per row count (the flow batches point into the column batches).
struct DecodedFlows {
  features::ColumnResolution resolution;
  std::vector<core::ColumnBatch> batches;
  std::vector<features::FlowBatch> flows;
  int64_t rows = 0;
};
inline const DecodedFlows* Decoded(benchmark::State& state, int64_t rows) {
  static std::map<int64_t, std::unique_ptr<DecodedFlows>> cache;
  auto it = cache.find(rows);
  if (it != cache.end()) return it->second.get();
  const std::string* csv = FlowsCsv(state, rows);
  if (csv == nullptr) return nullptr;
  auto decoded = std::make_unique<DecodedFlows>();
  OpenedCsv opened = OpenCsv(*csv);
  decoded->resolution = opened.resolution;
  features::FeatureExtractor extractor(opened.resolution, "bench.csv", false);
  while (auto chunk = opened.reader->NextChunk()) {
    core::ColumnBatch& batch = decoded->batches.emplace_back();
    chunk->Decode(batch);
    decoded->rows += static_cast<int64_t>(batch.num_rows);
  }
  decoded->flows.resize(decoded->batches.size());
  for (size_t batch_idx = 0; batch_idx < decoded->batches.size(); ++batch_idx) {
    uint64_t skipped = 0;
    std::string first_reason;
    extractor.Extract(decoded->batches[batch_idx], decoded->flows[batch_idx], skipped, first_reason);
  }
  return cache.emplace(rows, std::move(decoded)).first->second.get();
}

}  // namespace botrecon::bench
