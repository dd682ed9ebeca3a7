// Random forest of binary classification trees (scikit-learn semantics): the
// score of a flow is the mean over trees of P(botnet) at the leaf it reaches.
#pragma once
#include <cstddef>
#include <cstdint>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/flow_encoder.h"
#include "models/model.h"

namespace botrecon::models {

// One node of a tree as trainers build it and model files store it.
struct TreeNode {
  int32_t feature = -1;  // model input index; -1 = leaf
  uint32_t left = 0;     // children (internal nodes only): a sample goes left
  uint32_t right = 0;    //   when x[feature] <= threshold, else right
  double threshold = 0;
  double value = 0;  // P(botnet) of the training samples at this node (the score at a leaf)

  friend bool operator==(const TreeNode&, const TreeNode&) = default;
};

// What is wrong with a tree: the node at fault and a message.
struct TreeDefect {
  size_t node;
  std::string what;
};

// Checks that `nodes` (root = node 0) form one tree that is safe to evaluate:
// feature indices < n_features, children after their parent and in range,
// every node but the root with exactly one parent, finite thresholds, values
// in [0, 1]. Returns the first defect found.
std::optional<TreeDefect> CheckTree(std::span<const TreeNode> nodes, int n_features);

// How a forest scores (never what it scores: every choice gives the same scores).
struct ForestOptions {
  // Use the exact score cache (below); off, every row walks every tree. For
  // benchmarks and tests that measure or check the cache.
  bool score_cache = true;
};

class Forest : public Model {
 public:
  static constexpr double kDefaultThreshold = 0.5;

  // Builds the forest; throws std::invalid_argument naming the tree and node
  // when a tree fails CheckTree(), there are no trees or the threshold is not finite.
  Forest(FlowEncoder encoder, const std::vector<std::vector<TreeNode>>& trees, double threshold = kDefaultThreshold,
         ForestOptions options = {});

  std::string type_name() const override { return "rforest"; }
  ScoreKind score_kind() const override { return ScoreKind::kProbability; }
  double threshold() const override { return threshold_; }
  // Fastest with batches of several thousand rows (see kBlockRows).
  void Score(const features::FlowBatch& batch, std::span<double> scores) const override;

  // Score of one encoded row x[0..n_features()).
  double PredictRow(const double* x) const;
  // Scores `n_rows` encoded rows stored row-major (n_features() values each).
  void PredictRows(const double* x, size_t n_rows, double* scores) const;

  size_t n_trees() const { return tree_offset_.size() - 1; }
  size_t n_nodes() const { return nodes_.size(); }
  // Longest root-to-leaf path (in edges) over all trees.
  int max_depth() const;
  // Inputs per row: those of the encoder's feature set.
  int n_features() const { return n_features_; }
  const FlowEncoder& encoder() const { return encoder_; }
  // Nodes of one tree in breadth-first order, children of a node adjacent
  // (leaves have left = right = 0, threshold = 0). Building a forest from these
  // gives the same forest.
  std::vector<TreeNode> tree_nodes(size_t tree) const;

 private:
  // Rows are evaluated from a buffer with one extra slot per row holding
  // -infinity: leaves test that slot against their value, so a leaf is a node
  // that always stays where it is and traversal needs no leaf test.
  // The sentinel is slot n_features() of a row; rows are n_features() + 1 apart.
  // Rows encoded and scored together. Large, because a block goes through each
  // tree in turn, and a tree of a few thousand nodes must serve many rows to
  // pay for bringing it into cache (8192 rows: ~600 KB of inputs, in L2).
  static constexpr size_t kBlockRows = 8192;

  // 16 bytes. Internal: next = left + (x[feature] > threshold), right = left + 1.
  // Leaf: feature = n_features() (the sentinel slot), threshold = P(botnet), left = itself.
  struct Node {
    double threshold;
    uint32_t left;
    uint32_t feature;
  };

  // Constructor steps: lays `trees` out breadth-first into nodes_; builds the
  // score cache's split points, key fields and bin tables.
  void LayOutTrees(const std::vector<std::vector<TreeNode>>& trees);
  void BuildScoreCache();
  void BuildBinTables();

  void ScoreBlock(const double* x, size_t n_rows, double* scores) const;
  // Scores a block of encoded rows (row_stride() apart, sentinel set) through
  // the per-thread score cache; misses go to ScoreBlock.
  void ScoreCached(double* x, size_t n_rows, double* scores) const;
  template <size_t kWords>
  void ScoreCachedWords(double* x, size_t n_rows, double* scores) const;
  size_t row_stride() const { return static_cast<size_t>(n_features_) + 1; }

  // Exact score cache. A row's path through every tree depends only on which
  // interval between consecutive split thresholds each input falls in, so
  // rows with the same interval ("bin") vector have the same score. The bins
  // of the inputs that have split points, packed with just enough bits each
  // (key_fields_), form a key of 2 or 4 64-bit words (key_words_; the top bit
  // of the last word marks a used slot) into a small direct-mapped per-thread
  // table. Disabled (cache_usable_ = false) when an input has more than 65,534
  // thresholds or the bins need more than 255 bits, and by
  // ForestOptions::score_cache = false.
  struct KeyField {
    uint32_t feature;
    uint32_t word;
    uint32_t shift;
  };
  std::array<std::vector<double>, kMaxFeatures> split_points_;
  // For integer-valued inputs (FlowEncoder::MaxIntegerValue() > 0: category
  // codes, ports, port classes, flags): the bin of every value -1..max, at
  // index value + 1, so most bins need no search.
  std::array<std::vector<uint16_t>, kMaxFeatures> bin_table_;
  // For the other inputs: split points are grouped by the top 16 bits of an
  // order-preserving integer image of the double; coarse_index_[f][k] is the
  // first split point in group k (65,537 entries), so a bin needs a search of
  // one small group only.
  std::array<std::vector<uint32_t>, kMaxFeatures> coarse_index_;
  std::vector<KeyField> key_fields_;
  size_t key_words_ = 0;
  bool cache_usable_ = false;
  uint64_t cache_id_ = 0;  // distinguishes forests in the thread-local tables
  int n_features_ = kNumOriginalFeatures;

  FlowEncoder encoder_;
  double threshold_;
  std::vector<Node> nodes_;          // all trees, each laid out breadth-first
  std::vector<double> node_value_;   // value of every node (internal ones only for saving)
  std::vector<size_t> tree_offset_;  // tree t = nodes_[tree_offset_[t], tree_offset_[t + 1])
  std::vector<int> tree_depth_;
};

}  // namespace botrecon::models
