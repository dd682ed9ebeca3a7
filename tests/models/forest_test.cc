#include "models/forest.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <thread>

#include "core/error.h"

namespace botrecon::models {
namespace {

TreeNode Leaf(double value) {
  TreeNode node;
  node.value = value;
  return node;
}

TreeNode Split(int feature, double threshold, uint32_t left, uint32_t right, double value = 0.5) {
  return TreeNode{feature, left, right, threshold, value};
}

FlowEncoder TestEncoder() { return FlowEncoder({"icmp", "tcp", "udp"}, {"CON", "INT", "S_RA"}); }

// Tree 0: dport <= 80 ? 0.2 : (state <= 0.5 ? 1.0 : 0.0), children stored out of
// breadth-first order. Tree 1: a single leaf 0.6. Tree 2: proto <= 1.5 ? 0.9 : 0.1.
std::vector<std::vector<TreeNode>> TinyTrees() {
  return {
      {Split(1, 80.0, 3, 1), Split(3, 0.5, 2, 4), Leaf(1.0), Leaf(0.2), Leaf(0.0)},
      {Leaf(0.6)},
      {Split(0, 1.5, 1, 2), Leaf(0.9), Leaf(0.1)},
  };
}

std::vector<double> Row(double proto, double dport, double state) {
  return {proto, dport, 1000, state, 1, 100, 50, 800};
}

TEST(Forest, TinyForestGivesExactScores) {
  const Forest forest(TestEncoder(), TinyTrees());
  EXPECT_EQ(forest.type_name(), "rforest");
  EXPECT_EQ(forest.score_kind(), ScoreKind::kProbability);
  EXPECT_EQ(forest.threshold(), 0.5);
  EXPECT_EQ(forest.n_trees(), 3u);
  EXPECT_EQ(forest.n_nodes(), 9u);
  EXPECT_EQ(forest.max_depth(), 2);
  // dport 80 goes left (<=): 0.2; proto 1 <= 1.5: 0.9.
  EXPECT_DOUBLE_EQ(forest.PredictRow(Row(1, 80, 0).data()), (0.2 + 0.6 + 0.9) / 3);
  EXPECT_DOUBLE_EQ(forest.PredictRow(Row(2, 80.5, 0).data()), (1.0 + 0.6 + 0.1) / 3);
  EXPECT_DOUBLE_EQ(forest.PredictRow(Row(-1, 443, 2).data()), (0.0 + 0.6 + 0.9) / 3);
  EXPECT_DOUBLE_EQ(forest.PredictRow(Row(-1, -1, -1).data()), (0.2 + 0.6 + 0.9) / 3);
}

TEST(Forest, TreeNodesAreBreadthFirstAndRebuildTheSameForest) {
  const Forest forest(TestEncoder(), TinyTrees());
  const std::vector<TreeNode> nodes = forest.tree_nodes(0);
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes[0], Split(1, 80.0, 1, 2));
  EXPECT_EQ(nodes[1], Leaf(0.2));
  EXPECT_EQ(nodes[2], Split(3, 0.5, 3, 4));
  EXPECT_EQ(nodes[3], Leaf(1.0));
  EXPECT_EQ(nodes[4], Leaf(0.0));
  std::vector<std::vector<TreeNode>> trees;
  for (size_t t = 0; t < forest.n_trees(); ++t) trees.push_back(forest.tree_nodes(t));
  const Forest rebuilt(TestEncoder(), trees);
  for (size_t t = 0; t < forest.n_trees(); ++t) EXPECT_EQ(rebuilt.tree_nodes(t), trees[t]);
}

TEST(Forest, ScoreEncodesTheBatch) {
  const Forest forest(TestEncoder(), TinyTrees());
  features::FlowBatch batch;
  batch.Resize(3);
  batch.proto = {"tcp", "udp", "gre"};
  batch.state = {"CON", "S_RA", ""};
  batch.dport = {80, 81, 443};
  batch.sport = {1, 2, 3};
  batch.dur = {1, 1, 1};
  batch.totbytes = {1, 1, 1};
  batch.srcbytes = {1, 1, 1};
  batch.bps = {8, 8, 8};
  std::vector<double> scores(3);
  forest.Score(batch, scores);
  EXPECT_DOUBLE_EQ(scores[0], (0.2 + 0.6 + 0.9) / 3);
  EXPECT_DOUBLE_EQ(scores[1], (0.0 + 0.6 + 0.1) / 3);
  EXPECT_DOUBLE_EQ(scores[2], (1.0 + 0.6 + 0.9) / 3);  // unknown state -1 <= 0.5, unknown proto -1 <= 1.5
  std::vector<double> wrong(2);
  EXPECT_THROW(forest.Score(batch, wrong), core::InternalError);
}

// A random deep forest, for comparing the block evaluation with a plain walk.
std::vector<std::vector<TreeNode>> RandomTrees(std::mt19937_64& rng, int n_trees, int n_splits) {
  std::vector<std::vector<TreeNode>> trees;
  std::uniform_real_distribution<double> unit(0, 1);
  for (int t = 0; t < n_trees; ++t) {
    std::vector<TreeNode> nodes{Leaf(unit(rng))};
    for (int s = 0; s < n_splits; ++s) {
      // Split a random leaf.
      std::vector<uint32_t> leaves;
      for (uint32_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].feature < 0) leaves.push_back(i);
      }
      const uint32_t at = leaves[rng() % leaves.size()];
      const auto left = static_cast<uint32_t>(nodes.size());
      nodes[at] = Split(static_cast<int>(rng() % 8), std::floor(unit(rng) * 20) - 1, left, left + 1, nodes[at].value);
      nodes.push_back(Leaf(unit(rng)));
      nodes.push_back(Leaf(unit(rng)));
    }
    trees.push_back(std::move(nodes));
  }
  return trees;
}

double Walk(const std::vector<std::vector<TreeNode>>& trees, const double* x) {
  double sum = 0;
  for (const auto& nodes : trees) {
    uint32_t idx = 0;
    while (nodes[idx].feature >= 0)
      idx = x[nodes[idx].feature] <= nodes[idx].threshold ? nodes[idx].left : nodes[idx].right;
    sum += nodes[idx].value;
  }
  return sum / static_cast<double>(trees.size());
}

TEST(Forest, PredictRowsMatchesAPlainTreeWalk) {
  std::mt19937_64 rng(7);
  const auto trees = RandomTrees(rng, 13, 60);
  const Forest forest(TestEncoder(), trees);
  constexpr size_t kRows = 8192 + 1003;  // two blocks, ragged groups at the end
  std::vector<double> x(kRows * 8);
  for (double& v : x) v = static_cast<double>(rng() % 21) - 1;
  std::vector<double> scores(kRows);
  forest.PredictRows(x.data(), kRows, scores.data());
  for (size_t row = 0; row < kRows; ++row) {
    ASSERT_DOUBLE_EQ(scores[row], Walk(trees, &x[row * 8])) << row;
    ASSERT_EQ(forest.PredictRow(&x[row * 8]), scores[row]) << row;
  }
}

TEST(Forest, ConcurrentScoresMatchOneThread) {
  std::mt19937_64 rng(11);
  const Forest forest(TestEncoder(), RandomTrees(rng, 20, 100));
  const std::vector<std::string> protos = {"tcp", "udp", "icmp", "gre"};
  const std::vector<std::string> states = {"CON", "INT", "S_RA", "X"};
  features::FlowBatch batch;
  constexpr size_t kRows = 8192 + 808;  // two blocks
  batch.Resize(kRows);
  for (size_t row = 0; row < kRows; ++row) {
    batch.proto[row] = protos[rng() % 4];
    batch.state[row] = states[rng() % 4];
    batch.dport[row] = static_cast<double>(rng() % 20);
    batch.sport[row] = static_cast<double>(rng() % 20);
    batch.dur[row] = static_cast<double>(rng() % 20);
    batch.totbytes[row] = static_cast<double>(rng() % 20);
    batch.srcbytes[row] = static_cast<double>(rng() % 20);
    batch.bps[row] = static_cast<double>(rng() % 20);
  }
  std::vector<double> expected(kRows);
  forest.Score(batch, expected);
  std::vector<std::vector<double>> results(4, std::vector<double>(kRows));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] {
      for (int repeat = 0; repeat < 5; ++repeat) forest.Score(batch, result);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, expected);
}

TEST(Forest, RejectsInvalidTrees) {
  EXPECT_THROW(Forest(TestEncoder(), {}), std::invalid_argument);
  EXPECT_THROW(Forest(TestEncoder(), {{Split(8, 1, 1, 2), Leaf(0), Leaf(1)}}), std::invalid_argument);
  EXPECT_THROW(Forest(TestEncoder(), {{Leaf(0)}}, std::nan("")), std::invalid_argument);
  try {
    Forest(TestEncoder(), {{Leaf(0)}, {Split(0, 1, 1, 3), Leaf(0), Leaf(1)}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "tree 1 node 0: child index 3 out of range (tree has 3 nodes)");
  }
}

TEST(Forest, CheckTreeFindsEachDefect) {
  auto what = [](std::vector<TreeNode> nodes) {
    auto defect = CheckTree(nodes, 8);
    return defect ? std::to_string(defect->node) + ": " + defect->what : "ok";
  };
  EXPECT_EQ(what({Split(0, 1, 1, 2), Leaf(0), Leaf(1)}), "ok");
  EXPECT_EQ(what({}), "0: tree has no nodes");
  EXPECT_EQ(what({Split(-2, 1, 1, 2), Leaf(0), Leaf(1)}), "0: feature index -2 out of range (model has 8 inputs)");
  EXPECT_EQ(what({Split(0, 1, 1, 1), Leaf(0)}), "0: node 1 has two parents");
  EXPECT_EQ(what({Split(0, 1, 0, 1), Leaf(0)}), "0: child index 0 not after its parent");
  EXPECT_EQ(what({Split(0, 1, 1, 2), Split(0, 1, 1, 2), Leaf(1)}), "1: child index 1 not after its parent");
  EXPECT_EQ(what({Split(0, 1, 1, 2), Leaf(0), Leaf(1), Leaf(1)}), "3: node is not reachable from the root");
  EXPECT_EQ(what({Split(0, std::numeric_limits<double>::infinity(), 1, 2), Leaf(0), Leaf(1)}),
            "0: threshold not finite");
  EXPECT_EQ(what({Split(0, 1, 1, 2), Leaf(0), Leaf(1.5)}), "2: value not in [0, 1]");
  EXPECT_EQ(what({Split(0, 1, 1, 2), Leaf(std::nan("")), Leaf(1)}), "1: value not in [0, 1]");
}

}  // namespace
}  // namespace botrecon::models
