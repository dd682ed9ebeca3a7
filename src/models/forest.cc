#include "models/forest.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/error.h"

namespace botrecon::models {
namespace {
// An integer image of a double that sorts like the double (NaN aside).
inline uint64_t OrderedBits(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u >> 63) != 0 ? ~u : (u | (uint64_t{1} << 63));
}
}  // namespace

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

Forest::Forest(FlowEncoder encoder, const std::vector<std::vector<TreeNode>>& trees, double threshold,
               ForestOptions options)
    : n_features_(encoder.n_features()), encoder_(std::move(encoder)), threshold_(threshold) {
  if (trees.empty()) throw std::invalid_argument("forest has no trees");
  if (!std::isfinite(threshold)) throw std::invalid_argument("forest threshold not finite");
  for (size_t t = 0; t < trees.size(); ++t) {
    if (auto defect = CheckTree(trees[t], n_features())) {
      throw std::invalid_argument("tree " + std::to_string(t) + " node " + std::to_string(defect->node) + ": " +
                                  defect->what);
    }
  }
  LayOutTrees(trees);
  BuildScoreCache();
  if (!options.score_cache) cache_usable_ = false;
  static std::atomic<uint64_t> next_cache_id{1};
  cache_id_ = next_cache_id.fetch_add(1);
}

void Forest::LayOutTrees(const std::vector<std::vector<TreeNode>>& trees) {
  size_t total = 0;
  for (const std::vector<TreeNode>& tree : trees) total += tree.size();
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
        nodes_.push_back({node.value, static_cast<uint32_t>(pos), static_cast<uint32_t>(n_features_)});
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

void Forest::BuildScoreCache() {
  for (const Node& node : nodes_) {
    if (node.feature < static_cast<uint32_t>(n_features_)) split_points_[node.feature].push_back(node.threshold);
  }
  cache_usable_ = true;
  size_t word = 0, bit = 0;
  for (int f = 0; f < n_features_; ++f) {
    auto& points = split_points_[f];
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    if (points.size() >= 0xFFFF) cache_usable_ = false;
    if (points.empty()) continue;  // bin always 0
    // Bins are 0..points.size(): bits to hold points.size().
    size_t width = 0;
    while ((size_t{1} << width) <= points.size()) ++width;
    if (bit + width > 64) {
      ++word;
      bit = 0;
    }
    key_fields_.push_back({static_cast<uint32_t>(f), static_cast<uint32_t>(word), static_cast<uint32_t>(bit)});
    bit += width;
  }
  BuildBinTables();
  key_words_ = word + 1 + (bit == 64 ? 1 : 0);  // bit 63 of the last word is the used-slot mark
  if (key_words_ <= 2) {
    key_words_ = 2;
  } else if (key_words_ <= 4) {
    key_words_ = 4;
  } else {
    cache_usable_ = false;
  }
}

void Forest::BuildBinTables() {
  // Direct bin tables for the integer-valued inputs (the feature set's ranges).
  for (int f = 0; f < n_features_; ++f) {
    const int max_value = encoder_.MaxIntegerValue(f);
    if (max_value <= 0 || split_points_[f].size() >= 0xFFFF) continue;
    auto& table = bin_table_[f];
    table.resize(static_cast<size_t>(max_value) + 2);
    const auto& points = split_points_[f];
    size_t bin = 0;
    for (size_t v = 0; v < table.size(); ++v) {
      const double value = static_cast<double>(v) - 1.0;
      while (bin < points.size() && points[bin] < value) ++bin;
      table[v] = static_cast<uint16_t>(bin);
    }
  }
  // The other inputs with many split points: a coarse index (see coarse_index_).
  for (int f = 0; f < n_features_; ++f) {
    if (!bin_table_[f].empty() || split_points_[f].size() < 16) continue;
    const auto& points = split_points_[f];
    auto& index = coarse_index_[f];
    index.resize(65537);
    size_t p = 0;
    for (size_t k = 0; k <= 65536; ++k) {
      while (p < points.size() && (OrderedBits(points[p]) >> 48) < k) ++p;
      index[k] = static_cast<uint32_t>(p);
    }
  }
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
    if (node.feature != static_cast<uint32_t>(n_features_)) {
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
    WalkTree<24, 4>(nodes_.data() + tree_offset_[t], tree_depth_[t], static_cast<uint32_t>(n_features_), x,
                    row_stride(), n_rows, scores);
  }
  const auto divisor = static_cast<double>(trees);
  for (size_t row = 0; row < n_rows; ++row) scores[row] /= divisor;
}

namespace {

template <size_t kWords>
struct CacheEntry {
  uint64_t key[kWords] = {};  // all 0 = empty (real keys have bit 63 of the last word set)
  double score = 0;
};

template <size_t kWords>
struct ScoreCacheTable {
  static constexpr size_t kSlots = size_t{1} << 16;  // 1.5 MB (2 words) or 2.5 MB (4 words) per thread
  uint64_t owner = 0;
  std::vector<CacheEntry<kWords>> entries;
};

// Number of points below x (std::lower_bound), without data-dependent branches.
inline size_t CountBelow(const double* points, size_t n, double x) {
  if (n == 0) return 0;
  const double* base = points;
  while (n > 1) {
    const size_t half = n / 2;
    base = base[half - 1] < x ? base + half : base;
    n -= half;
  }
  return static_cast<size_t>(base - points) + (*base < x ? 1 : 0);
}

uint64_t MixKey(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 29);
}

template <size_t kWords>
uint64_t HashKey(const uint64_t* key) {
  uint64_t h = MixKey(key[0], key[1]);
  for (size_t w = 2; w < kWords; ++w) h = MixKey(h, key[w]);
  return h;
}

}  // namespace

template <size_t kWords>
void Forest::ScoreCachedWords(double* x, size_t n_rows, double* scores) const {
  thread_local ScoreCacheTable<kWords> table;
  if (table.owner != cache_id_) {
    table.entries.assign(ScoreCacheTable<kWords>::kSlots, CacheEntry<kWords>{});
    table.owner = cache_id_;
  }
  // 4-way buckets: a direct-mapped table let colliding keys evict each other
  // for ever (each eviction costs a full walk of the forest).
  constexpr size_t kWays = 4;
  constexpr size_t kBucketMask = ScoreCacheTable<kWords>::kSlots / kWays - 1;
  const size_t stride = row_stride();
  std::vector<uint32_t> miss_rows;
  std::vector<CacheEntry<kWords>> miss_keys;
  size_t misses = 0;
  for (size_t row = 0; row < n_rows; ++row) {
    const double* xr = x + row * stride;
    CacheEntry<kWords> key;
    for (const KeyField& field : key_fields_) {
      // Number of split points below x: decides every "x > threshold" test.
      const std::vector<uint16_t>& table = bin_table_[field.feature];
      const double v = xr[field.feature];
      const double slot = v + 1.0;
      uint64_t bin;
      if (slot >= 0 && slot < static_cast<double>(table.size()) &&
          slot == static_cast<double>(static_cast<size_t>(slot))) {
        bin = table[static_cast<size_t>(slot)];
      } else if (const auto& coarse = coarse_index_[field.feature]; !coarse.empty()) {
        // Only the points of x's group can fall either side of x.
        if (v != v) {
          bin = 0;  // NaN: every "x > threshold" test is false
        } else {
          const size_t group = OrderedBits(v) >> 48;
          const size_t lo = coarse[group], hi = coarse[group + 1];
          bin = lo + CountBelow(split_points_[field.feature].data() + lo, hi - lo, v);
        }
      } else {
        const std::vector<double>& points = split_points_[field.feature];
        bin = CountBelow(points.data(), points.size(), v);
      }
      key.key[field.word] |= bin << field.shift;
    }
    key.key[kWords - 1] |= 1ULL << 63;
    const CacheEntry<kWords>* bucket = &table.entries[(HashKey<kWords>(key.key) & kBucketMask) * kWays];
    bool hit = false;
    for (size_t way = 0; way < kWays && !hit; ++way) {
      uint64_t diff = 0;  // word compare without memcmp (kWords is 2 or 4)
      for (size_t w = 0; w < kWords; ++w) diff |= bucket[way].key[w] ^ key.key[w];
      if (diff == 0) {
        scores[row] = bucket[way].score;
        hit = true;
      }
    }
    if (hit) continue;
    // Compact the missing rows to the front of the buffer (row >= misses).
    if (misses != row) std::memcpy(x + misses * stride, xr, stride * sizeof(double));
    miss_rows.push_back(static_cast<uint32_t>(row));
    miss_keys.push_back(key);
    ++misses;
  }
  if (misses == 0) return;
  std::vector<double> miss_scores(misses);
  ScoreBlock(x, misses, miss_scores.data());
  for (size_t m = 0; m < misses; ++m) {
    scores[miss_rows[m]] = miss_scores[m];
    const uint64_t hash = HashKey<kWords>(miss_keys[m].key);
    CacheEntry<kWords>* bucket = &table.entries[(hash & kBucketMask) * kWays];
    size_t way = 0;  // an empty way, else one chosen by the hash's top bits
    while (way < kWays && bucket[way].key[kWords - 1] != 0) ++way;
    if (way == kWays) way = (hash >> 62) & (kWays - 1);
    bucket[way] = miss_keys[m];
    bucket[way].score = miss_scores[m];
  }
}

void Forest::ScoreCached(double* x, size_t n_rows, double* scores) const {
  if (key_words_ == 2) {
    ScoreCachedWords<2>(x, n_rows, scores);
  } else {
    ScoreCachedWords<4>(x, n_rows, scores);
  }
}

void Forest::PredictRows(const double* x, size_t n_rows, double* scores) const {
  const size_t stride = row_stride();
  const size_t n = static_cast<size_t>(n_features_);
  std::vector<double> buffer(std::min(n_rows, kBlockRows) * stride);
  for (size_t begin = 0; begin < n_rows; begin += kBlockRows) {
    const size_t count = std::min(kBlockRows, n_rows - begin);
    for (size_t i = 0; i < count; ++i) {
      std::copy_n(x + (begin + i) * n, n, &buffer[i * stride]);
      buffer[i * stride + n] = -std::numeric_limits<double>::infinity();
    }
    ScoreBlock(buffer.data(), count, scores + begin);
  }
}

double Forest::PredictRow(const double* x) const {
  double row[kMaxFeatures + 1];
  std::copy_n(x, n_features_, row);
  row[n_features_] = -std::numeric_limits<double>::infinity();
  double score = 0;
  ScoreBlock(row, 1, &score);
  return score;
}

void Forest::Score(const features::FlowBatch& batch, std::span<double> scores) const {
  if (scores.size() != batch.num_rows) {
    throw core::InternalError("Forest::Score: " + std::to_string(scores.size()) + " scores for " +
                              std::to_string(batch.num_rows) + " rows");
  }
  const size_t stride = row_stride();
  std::vector<double> buffer(std::min(batch.num_rows, kBlockRows) * stride);
  for (size_t begin = 0; begin < batch.num_rows; begin += kBlockRows) {
    const size_t count = std::min(kBlockRows, batch.num_rows - begin);
    encoder_.EncodeBlock(batch, begin, count, buffer.data(), stride);
    for (size_t i = 0; i < count; ++i) {
      buffer[i * stride + n_features_] = -std::numeric_limits<double>::infinity();
    }
    if (cache_usable_) {
      ScoreCached(buffer.data(), count, scores.data() + begin);
    } else {
      ScoreBlock(buffer.data(), count, scores.data() + begin);
    }
  }
}

}  // namespace botrecon::models
