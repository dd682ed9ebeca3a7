// Trains a random forest of CART classification trees (Gini impurity) the way
// scikit-learn's RandomForestClassifier does, deterministically for a seed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "models/flow_encoder.h"
#include "models/forest.h"

namespace botrecon::models {

struct ForestParams {
  int n_trees = 100;
  int max_depth = 0;  // 0 = unlimited
  // Smallest number of distinct training rows in a leaf / in a node that may be split.
  int min_samples_leaf = 1;
  int min_samples_split = 2;
  int max_features = 0;   // features tried per split; 0 = floor(sqrt(n_features)), at least 1
  bool bootstrap = true;  // each tree sees n_rows rows drawn with replacement
  uint64_t seed = 1;
  int threads = 1;                     // trees built in parallel; <= 0 = all cores. Never changes the result.
  double class_weight_positive = 1.0;  // weight of a botnet row relative to a normal one
};

// Training rows: x is row-major (n_rows * n_features values), y is 1 = botnet, 0 = not.
struct Dataset {
  size_t n_rows = 0;
  int n_features = 0;
  std::vector<double> x;
  std::vector<uint8_t> y;
};

// Trains a forest whose inputs are `encoder`'s (data.n_features must equal
// encoder.n_features()). `progress`, when given, is called on the calling
// thread with 1, 2, ... n_trees as trees complete. Throws core::UsageError for
// invalid parameters or data (NaN or -infinity values, labels other than 0/1); an exception
// from `progress` stops training and propagates.
std::unique_ptr<Forest> TrainForest(const Dataset& data, FlowEncoder encoder, const ForestParams& params,
                                    std::function<void(int trees_done)> progress = {});

}  // namespace botrecon::models
