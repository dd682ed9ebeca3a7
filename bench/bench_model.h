// The model the benchmarks score with (model_bench.cc, scan_bench.cc), in
// this order of preference:
//   1. the .brm file named by $BOTRECON_BENCH_MODEL;
//   2. the built-in rforest, if this build embeds models/rforest.brm;
//   3. a stand-in forest trained at start-up (100 trees, unlimited depth,
//      scikit-learn defaults, 2 threads) on the labelled CTU-13 capture named by
//      $BOTRECON_BENCH_TRAIN (default shared/data/ctu13/scenario11-rbot.binetflow).
#pragma once
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "models/forest.h"
#include "models/model.h"
#include "models/model_file.h"
#include "models/registry.h"
#include "models/train/forest_trainer.h"
#include "pipeline/labelled_flows.h"

#ifndef BOTRECON_BENCH_TRAIN_CSV
#define BOTRECON_BENCH_TRAIN_CSV "../shared/data/ctu13/scenario11-rbot.binetflow"
#endif

namespace botrecon::bench {

struct BenchModel {
  std::unique_ptr<models::Model> model;
  std::string label;
  std::string error;
};

inline std::unique_ptr<models::Model> TrainStandIn(const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  pipeline::LabelledFlows data;
  data.Append(path, std::nullopt, pipeline::LabelOptions{});
  const auto& flows = data.flows();
  models::FlowEncoder encoder = models::FlowEncoder::Fit(flows.proto, flows.state);
  models::Dataset dataset;
  dataset.n_rows = data.size();
  dataset.n_features = models::FlowEncoder::kNumFeatures;
  dataset.x.resize(dataset.n_rows * dataset.n_features);
  encoder.EncodeBlock(flows, 0, flows.num_rows, dataset.x.data());
  dataset.y = data.labels();
  models::ForestParams params;  // 100 trees, unlimited depth, sqrt features, bootstrap
  params.threads = 2;
  auto forest = models::TrainForest(dataset, encoder, params);
  std::fprintf(stderr, "botrecon_bench: trained a stand-in forest on %s (%zu rows, %zu botnet) in %.1f s\n",
               path.c_str(), data.size(), data.positives(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return forest;
}

// Loaded (or trained) once; `model` is null and `error` set if that failed.
inline const BenchModel& Model() {
  static const BenchModel model = [] {
    BenchModel out;
    try {
      if (const char* path = std::getenv("BOTRECON_BENCH_MODEL"); path != nullptr && *path != '\0') {
        out.model = models::LoadModelFile(path);
        out.label = std::string("file:") + path;
      } else if (!models::BuiltinModelBytes("rforest").empty()) {
        out.model = models::LoadBuiltinModel("rforest");
        out.label = "builtin:rforest";
      } else {
        const char* env = std::getenv("BOTRECON_BENCH_TRAIN");
        const std::string path = env != nullptr && *env != '\0' ? env : BOTRECON_BENCH_TRAIN_CSV;
        out.model = TrainStandIn(path);
        out.label = "standin:" + path.substr(path.find_last_of('/') + 1);
      }
    } catch (const std::exception& e) {
      out.error = std::string("no model: ") + e.what();
    }
    return out;
  }();
  return model;
}

}  // namespace botrecon::bench
