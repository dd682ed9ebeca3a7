#include "models/train/forest_trainer.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "core/error.h"
#include "models/model_file.h"

namespace botrecon::models {
namespace {

// label = x0 > 5 && x3 == 2; x0 continuous, x3 a small category, the rest noise.
Dataset RuleDataset(size_t n_rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  Dataset data;
  data.n_rows = n_rows;
  data.n_features = 8;
  data.x.resize(n_rows * 8);
  data.y.resize(n_rows);
  for (size_t row = 0; row < n_rows; ++row) {
    double* x = &data.x[row * 8];
    x[0] = std::round(unit(rng) * 1000) / 100;  // 0..10 in steps of 0.01
    x[1] = static_cast<double>(rng() % 1000);
    x[2] = static_cast<double>(rng() % 65536);
    x[3] = static_cast<double>(rng() % 5) - 1;
    for (int f = 4; f < 8; ++f) x[f] = unit(rng) * 100;
    data.y[row] = x[0] > 5 && x[3] == 2 ? 1 : 0;
  }
  return data;
}

FlowEncoder Encoder() { return FlowEncoder({"tcp", "udp"}, {"CON"}); }

double Accuracy(const Forest& forest, const Dataset& data) {
  std::vector<double> scores(data.n_rows);
  forest.PredictRows(data.x.data(), data.n_rows, scores.data());
  size_t correct = 0;
  for (size_t row = 0; row < data.n_rows; ++row) correct += (scores[row] >= 0.5) == (data.y[row] == 1);
  return static_cast<double>(correct) / static_cast<double>(data.n_rows);
}

TEST(ForestTrainer, LearnsASimpleRule) {
  ForestParams params;
  params.n_trees = 20;
  const auto forest = TrainForest(RuleDataset(4000, 1), Encoder(), params);
  EXPECT_EQ(forest->n_trees(), 20u);
  EXPECT_EQ(forest->encoder(), Encoder());
  EXPECT_GE(Accuracy(*forest, RuleDataset(4000, 2)), 0.995);
}

TEST(ForestTrainer, SameSeedSameForestWhateverTheThreads) {
  const Dataset data = RuleDataset(2000, 3);
  ForestParams params;
  params.n_trees = 12;
  params.seed = 42;
  params.threads = 1;
  const std::string one = SerializeModel(*TrainForest(data, Encoder(), params));
  params.threads = 2;
  const std::string two = SerializeModel(*TrainForest(data, Encoder(), params));
  params.threads = 5;
  const std::string five = SerializeModel(*TrainForest(data, Encoder(), params));
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, five);
  params.seed = 43;
  EXPECT_NE(SerializeModel(*TrainForest(data, Encoder(), params)), one);
}

TEST(ForestTrainer, ExactSplitWithoutBootstrap) {
  Dataset data;
  data.n_rows = 4;
  data.n_features = 8;
  data.x.assign(32, 0.0);
  const double x0[] = {1, 2, 3, 4};
  for (int row = 0; row < 4; ++row) data.x[row * 8] = x0[row];
  data.y = {0, 0, 1, 1};
  ForestParams params;
  params.n_trees = 1;
  params.bootstrap = false;
  const auto forest = TrainForest(data, Encoder(), params);
  const std::vector<TreeNode> nodes = forest->tree_nodes(0);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].feature, 0);
  EXPECT_EQ(nodes[0].threshold, 2.5);  // midway between 2 and 3
  EXPECT_EQ(nodes[0].value, 0.5);
  EXPECT_EQ(nodes[1].value, 0.0);
  EXPECT_EQ(nodes[2].value, 1.0);
}

TEST(ForestTrainer, InfinityGivesAFiniteThreshold) {
  Dataset data;
  data.n_rows = 2;
  data.n_features = 8;
  data.x.assign(16, 0.0);
  data.x[7] = 5;
  data.x[8 + 7] = std::numeric_limits<double>::infinity();
  data.y = {0, 1};
  ForestParams params;
  params.n_trees = 1;
  params.bootstrap = false;
  params.max_features = 8;
  const auto forest = TrainForest(data, Encoder(), params);
  ASSERT_EQ(forest->n_nodes(), 3u);
  EXPECT_EQ(forest->tree_nodes(0)[0].threshold, 5.0);
  EXPECT_EQ(forest->PredictRow(&data.x[8]), 1.0);
  data.x[3] = -std::numeric_limits<double>::infinity();
  EXPECT_THROW(TrainForest(data, Encoder(), params), core::UsageError);
}

TEST(ForestTrainer, LeafValueIsTheWeightedPositiveFraction) {
  Dataset data;
  data.n_rows = 4;
  data.n_features = 8;
  data.x.assign(32, 1.0);  // nothing to split on
  data.y = {1, 0, 0, 0};
  ForestParams params;
  params.n_trees = 1;
  params.bootstrap = false;
  params.class_weight_positive = 3.0;
  const auto forest = TrainForest(data, Encoder(), params);
  EXPECT_EQ(forest->n_nodes(), 1u);
  EXPECT_EQ(forest->tree_nodes(0)[0].value, 0.5);  // 3 / (3 + 3)
}

TEST(ForestTrainer, ParametersLimitTheTrees) {
  const Dataset data = RuleDataset(3000, 4);
  ForestParams params;
  params.n_trees = 4;
  params.max_depth = 3;
  EXPECT_LE(TrainForest(data, Encoder(), params)->max_depth(), 3);
  params.max_depth = 0;
  const size_t full = TrainForest(data, Encoder(), params)->n_nodes();
  params.min_samples_leaf = 50;
  const auto limited = TrainForest(data, Encoder(), params);
  EXPECT_LT(limited->n_nodes(), full);
  // Every leaf holds >= 50 distinct rows, so there are at most 3000 / 50 leaves per tree.
  EXPECT_LE(limited->n_nodes(), 4u * (2 * 3000 / 50));
}

TEST(ForestTrainer, ReportsProgressInOrderOnTheCallingThread) {
  const Dataset data = RuleDataset(500, 5);
  for (int threads : {1, 2}) {
    ForestParams params;
    params.n_trees = 7;
    params.threads = threads;
    std::vector<int> calls;
    const auto caller = std::this_thread::get_id();
    TrainForest(data, Encoder(), params, [&](int done) {
      EXPECT_EQ(std::this_thread::get_id(), caller);
      calls.push_back(done);
    });
    EXPECT_EQ(calls, (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
  }
}

TEST(ForestTrainer, ProgressExceptionStopsTraining) {
  const Dataset data = RuleDataset(500, 6);
  ForestParams params;
  params.n_trees = 50;
  params.threads = 2;
  EXPECT_THROW(TrainForest(data, Encoder(), params,
                           [](int done) {
                             if (done == 3) throw std::runtime_error("cancelled");
                           }),
               std::runtime_error);
}

TEST(ForestTrainer, RejectsInvalidParametersAndData) {
  const Dataset data = RuleDataset(100, 7);
  auto train = [&](ForestParams params, Dataset d) { TrainForest(d, Encoder(), params); };
  ForestParams params;
  params.n_trees = 0;
  EXPECT_THROW(train(params, data), core::UsageError);
  params = {};
  params.min_samples_leaf = 0;
  EXPECT_THROW(train(params, data), core::UsageError);
  params = {};
  params.max_features = 9;
  EXPECT_THROW(train(params, data), core::UsageError);
  params = {};
  params.class_weight_positive = 0;
  EXPECT_THROW(train(params, data), core::UsageError);
  Dataset bad = data;
  bad.x[17] = std::nan("");
  EXPECT_THROW(train({}, bad), core::UsageError);
  bad = data;
  bad.y[3] = 2;
  EXPECT_THROW(train({}, bad), core::UsageError);
  bad = data;
  bad.n_features = 7;
  EXPECT_THROW(train({}, bad), core::UsageError);
}

}  // namespace
}  // namespace botrecon::models
