// Stage "predict": models::Model::Score on flow batches derived beforehand.
//
// The model is the one bench_model.h finds (a file, the built-in rforest or a
// stand-in trained at start-up); the benchmark's label says which one ran.
// Counters: trees, nodes, max_depth (deepest tree), mean_tree_depth (Forest::Score
// walks each tree to that tree's depth for every group of 8 rows),
// mean_leaf_depth (depth of the leaf a row actually reaches, averaged over
// trees and 4,096 rows), flagged (fraction of rows scored >= threshold).
//
// Add other models (the SVM) here as they are merged: one BENCHMARK per model
// type, same workload (DecodedFlows), items = rows.
#include "bench_common.h"
#include "bench_model.h"
#include "models/forest.h"

namespace botrecon::bench {
namespace {

void ForestCounters(benchmark::State& state, const models::Model& model, const DecodedFlows& decoded) {
  const auto* forest = dynamic_cast<const models::Forest*>(&model);
  if (forest == nullptr) return;
  state.counters["trees"] = static_cast<double>(forest->n_trees());
  state.counters["nodes"] = static_cast<double>(forest->n_nodes());
  state.counters["max_depth"] = forest->max_depth();
  // Mean depth of the leaf a row reaches, over trees and the first batch's rows.
  const features::FlowBatch& flows = decoded.flows.front();
  double total_depth = 0;
  double total_tree_depth = 0;
  size_t walks = 0;
  std::vector<double> x(models::FlowEncoder::kNumFeatures);
  for (size_t tree_idx = 0; tree_idx < forest->n_trees(); ++tree_idx) {
    const std::vector<models::TreeNode> nodes = forest->tree_nodes(tree_idx);
    // Depth of this tree (children come after their parent).
    std::vector<int> node_depth(nodes.size(), 0);
    int tree_depth = 0;
    for (size_t node = 0; node < nodes.size(); ++node) {
      tree_depth = std::max(tree_depth, node_depth[node]);
      if (nodes[node].feature < 0) continue;
      node_depth[nodes[node].left] = node_depth[node] + 1;
      node_depth[nodes[node].right] = node_depth[node] + 1;
    }
    total_tree_depth += tree_depth;
    for (size_t row = 0; row < std::min<size_t>(flows.num_rows, 4096); ++row) {
      forest->encoder().Encode(flows, row, x.data());
      size_t node = 0;
      int depth = 0;
      while (nodes[node].feature >= 0) {
        node = x[nodes[node].feature] <= nodes[node].threshold ? nodes[node].left : nodes[node].right;
        ++depth;
      }
      total_depth += depth;
      ++walks;
    }
  }
  state.counters["mean_leaf_depth"] = total_depth / static_cast<double>(walks);
  state.counters["mean_tree_depth"] = total_tree_depth / static_cast<double>(forest->n_trees());
}

// ---------------------------------------------------------------------------
// Model scoring: models::Model::Score. Runs whichever forest Model() found.
// ---------------------------------------------------------------------------
void BM_ModelScore(benchmark::State& state) {
  const BenchModel& bench_model = Model();
  if (!bench_model.model) {
    state.SkipWithError(bench_model.error.c_str());
    return;
  }
  const DecodedFlows* decoded = Decoded(state, state.range(0));
  if (decoded == nullptr) return;
  std::vector<double> scores;
  double flagged = 0;
  for (auto _ : state) {
    flagged = 0;
    for (const features::FlowBatch& flows : decoded->flows) {
      scores.resize(flows.num_rows);
      bench_model.model->Score(flows, scores);
      for (double score : scores) flagged += score >= bench_model.model->threshold();
      benchmark::DoNotOptimize(scores.data());
    }
  }
  state.SetLabel(bench_model.model->type_name() + " " + bench_model.label);
  state.SetItemsProcessed(state.iterations() * decoded->rows);
  state.counters["flagged"] = flagged / static_cast<double>(decoded->rows);
  ForestCounters(state, *bench_model.model, *decoded);
}
BENCHMARK(BM_ModelScore)->ArgName("rows")->Arg(kDefaultRows)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botrecon::bench
