#include "models/forest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.h"

namespace botrecon::models {

std::optional<TreeDefect> CheckTree(std::span<const TreeNode> nodes, int n_features) {
  if (nodes.empty()) return TreeDefect{0, "tree has no nodes"};
  if (nodes.size() > std::numeric_limits<uint32_t>::max() / 2) return TreeDefect{0, "tree has too many nodes"};
  std::vector<uint8_t> parents(nodes.size(), 0);
  for (size_t idx = 0; idx < nodes.size(); ++idx) {
    const TreeNode& node = nodes[idx];
    if (!(node.value >= 0.0 && node.value <= 1.0)) return TreeDefect{idx, "value not in [0, 1]"};
    if (!std::isfinite(node.threshold)) return TreeDefect{idx, "threshold not finite"};
    if (node.feature == -1) continue;
    if (node.feature < 0 || node.feature >= n_features) {
      return TreeDefect{idx, "feature index " + std::to_string(node.feature) + " out of range (model has " +
                                 std::to_string(n_features) + " inputs)"};
    }
    for (uint32_t child : {node.left, node.right}) {
      if (child >= nodes.size()) {
        return TreeDefect{idx, "child index " + std::to_string(child) + " out of range (tree has " +
                                   std::to_string(nodes.size()) + " nodes)"};
      }
      if (child <= idx) return TreeDefect{idx, "child index " + std::to_string(child) + " not after its parent"};
      if (parents[child] != 0) return TreeDefect{idx, "node " + std::to_string(child) + " has two parents"};
      parents[child] = 1;
    }
  }
  for (size_t idx = 1; idx < nodes.size(); ++idx) {
    if (parents[idx] == 0) return TreeDefect{idx, "node is not reachable from the root"};
  }
  return std::nullopt;
}

Forest::Forest(FlowEncoder encoder, const std::vector<std::vector<TreeNode>>& trees, double threshold)
    : encoder_(std::move(encoder)), threshold_(threshold) {
  if (trees.empty()) throw std::invalid_argument("forest has no trees");
  if (!std::isfinite(threshold)) throw std::invalid_argument("forest threshold not finite");
  size_t total = 0;
  for (size_t t = 0; t < trees.size(); ++t) {
    if (auto defect = CheckTree(trees[t], n_features())) {
      throw std::invalid_argument("tree " + std::to_string(t) + " node " + std::to_string(defect->node) + ": " +
                                  defect->what);
    }
    total += trees[t].size();
  }
  nodes_.reserve(total);
  node_value_.reserve(total);
  tree_offset_.reserve(trees.size() + 1);
  tree_depth_.reserve(trees.size());

  // Lay each tree out breadth-first with the two children of a node adjacent.
  std::vector<uint32_t> order;  // source index of each new node
  std::vector<int> depth;       // depth of each new node
  for (const std::vector<TreeNode>& src : trees) {
    const size_t base = nodes_.size();
    tree_offset_.push_back(base);
    order.assign(1, 0);
    depth.assign(1, 0);
    int tree_depth = 0;
    for (size_t pos = 0; pos < order.size(); ++pos) {
      const TreeNode& node = src[order[pos]];
      if (node.feature < 0) {
        nodes_.push_back({node.value, static_cast<uint32_t>(pos), kSentinelSlot});
      } else {
        nodes_.push_back({node.threshold, static_cast<uint32_t>(order.size()), static_cast<uint32_t>(node.feature)});
        order.push_back(node.left);
        order.push_back(node.right);
        depth.push_back(depth[pos] + 1);
        depth.push_back(depth[pos] + 1);
      }
      node_value_.push_back(node.value);
      tree_depth = std::max(tree_depth, depth[pos]);
    }
    tree_depth_.push_back(tree_depth);
  }
  tree_offset_.push_back(nodes_.size());
}

int Forest::max_depth() const { return *std::max_element(tree_depth_.begin(), tree_depth_.end()); }

std::vector<TreeNode> Forest::tree_nodes(size_t tree) const {
  std::vector<TreeNode> out;
  const size_t base = tree_offset_.at(tree);
  const size_t end = tree_offset_.at(tree + 1);
  out.reserve(end - base);
  for (size_t idx = base; idx < end; ++idx) {
    const Node& node = nodes_[idx];
    TreeNode tn;
    tn.value = node_value_[idx];
    if (node.feature != kSentinelSlot) {
      tn.feature = static_cast<int32_t>(node.feature);
      tn.left = node.left;
      tn.right = node.left + 1;
      tn.threshold = node.threshold;
    }
    out.push_back(tn);
  }
  return out;
}

namespace {

// Adds the leaf value each of rows [0, n_rows) reaches in one tree to scores[row].
// Rows walk down in groups of kGroup, in lockstep: their loads are independent,
// so their latencies overlap, and the next node is computed without a branch.
// A row at a leaf stays there; every kChunk steps the group stops early when all
// its rows are at leaves. NodeT is Forest::Node (private), hence the template.
template <size_t kGroup, int kChunk, typename NodeT>
void WalkTree(const NodeT* nodes, int depth, uint32_t leaf_feature, const double* x, size_t stride, size_t n_rows,
              double* scores) {
  size_t row = 0;
  for (; row + kGroup <= n_rows; row += kGroup) {
    const double* xg = x + row * stride;
    uint32_t idx[kGroup] = {};
    for (int step = 0; step < depth; step += kChunk) {
      for (int sub = 0; sub < kChunk; ++sub) {
        for (size_t g = 0; g < kGroup; ++g) {
          const NodeT& node = nodes[idx[g]];
          idx[g] = node.left + (xg[g * stride + node.feature] > node.threshold ? 1u : 0u);
        }
      }
      bool all_leaves = true;
      for (size_t g = 0; g < kGroup; ++g) all_leaves &= nodes[idx[g]].feature == leaf_feature;
      if (all_leaves) break;
    }
    for (size_t g = 0; g < kGroup; ++g) scores[row + g] += nodes[idx[g]].threshold;
  }
  for (; row < n_rows; ++row) {
    const double* xr = x + row * stride;
    uint32_t idx = 0;
    while (nodes[idx].feature != leaf_feature) {
      const NodeT& node = nodes[idx];
      idx = node.left + (xr[node.feature] > node.threshold ? 1u : 0u);
    }
    scores[row] += nodes[idx].threshold;
  }
}

}  // namespace

void Forest::ScoreBlock(const double* x, size_t n_rows, double* scores) const {
  std::fill(scores, scores + n_rows, 0.0);
  // Tree-major: the whole block goes through one tree before the next, so each
  // tree is fetched into cache once per block.
  const size_t trees = n_trees();
  for (size_t t = 0; t < trees; ++t) {
    WalkTree<24, 4>(nodes_.data() + tree_offset_[t], tree_depth_[t], kSentinelSlot, x, kRowStride, n_rows, scores);
  }
  const auto divisor = static_cast<double>(trees);
  for (size_t row = 0; row < n_rows; ++row) scores[row] /= divisor;
}

void Forest::PredictRows(const double* x, size_t n_rows, double* scores) const {
  std::vector<double> buffer(std::min(n_rows, kBlockRows) * kRowStride);
  for (size_t begin = 0; begin < n_rows; begin += kBlockRows) {
    const size_t count = std::min(kBlockRows, n_rows - begin);
    for (size_t i = 0; i < count; ++i) {
      std::copy_n(x + (begin + i) * FlowEncoder::kNumFeatures, FlowEncoder::kNumFeatures, &buffer[i * kRowStride]);
      buffer[i * kRowStride + kSentinelSlot] = -std::numeric_limits<double>::infinity();
    }
    ScoreBlock(buffer.data(), count, scores + begin);
  }
}

double Forest::PredictRow(const double* x) const {
  double row[kRowStride];
  std::copy_n(x, FlowEncoder::kNumFeatures, row);
  row[kSentinelSlot] = -std::numeric_limits<double>::infinity();
  double score = 0;
  ScoreBlock(row, 1, &score);
  return score;
}

void Forest::Score(const features::FlowBatch& batch, std::span<double> scores) const {
  if (scores.size() != batch.num_rows) {
    throw core::InternalError("Forest::Score: " + std::to_string(scores.size()) + " scores for " +
                              std::to_string(batch.num_rows) + " rows");
  }
  std::vector<double> buffer(std::min(batch.num_rows, kBlockRows) * kRowStride);
  for (size_t begin = 0; begin < batch.num_rows; begin += kBlockRows) {
    const size_t count = std::min(kBlockRows, batch.num_rows - begin);
    encoder_.EncodeBlock(batch, begin, count, buffer.data(), kRowStride);
    for (size_t i = 0; i < count; ++i) {
      buffer[i * kRowStride + kSentinelSlot] = -std::numeric_limits<double>::infinity();
    }
    ScoreBlock(buffer.data(), count, scores.data() + begin);
  }
}

}  // namespace botrecon::models
