#include "models/train/forest_trainer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>

#include "core/error.h"

namespace botrecon::models {
namespace {

uint64_t SplitMix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Seed of tree `tree`'s generator: depends on nothing but (seed, tree).
uint64_t TreeSeed(uint64_t seed, size_t tree) { return SplitMix64(SplitMix64(seed) ^ SplitMix64(~uint64_t{tree})); }

// Uniform integer in [0, n), n > 0, by rejection: the same sequence on every
// standard library (std::uniform_int_distribution's algorithm is unspecified).
uint32_t UniformBelow(std::mt19937_64& rng, uint64_t n) {
  const uint64_t reject_below = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    const uint64_t r = rng();
    if (r >= reject_below) return static_cast<uint32_t>(r % n);
  }
}

// Training data prepared once and shared read-only by all tree builders.
struct Presorted {
  // One entry per row in increasing order of the feature's value.
  struct Entry {
    uint32_t row;
    uint32_t rank;  // index of the row's value in `values`
  };
  size_t n_rows = 0;
  int n_features = 0;
  std::vector<std::vector<Entry>> sorted;   // per feature
  std::vector<std::vector<double>> values;  // per feature: distinct values, increasing
  const std::vector<uint8_t>* y = nullptr;
};

Presorted Presort(const Dataset& data) {
  Presorted pre;
  pre.n_rows = data.n_rows;
  pre.n_features = data.n_features;
  pre.y = &data.y;
  pre.sorted.resize(data.n_features);
  pre.values.resize(data.n_features);
  const size_t nf = static_cast<size_t>(data.n_features);
  std::vector<double> column(data.n_rows);
  std::vector<uint32_t> order(data.n_rows);
  for (size_t f = 0; f < nf; ++f) {
    for (size_t row = 0; row < data.n_rows; ++row) column[row] = data.x[row * nf + f];
    std::iota(order.begin(), order.end(), 0u);
    // Ties broken by row: a total order, so every std::sort gives the same result.
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return column[a] < column[b] || (column[a] == column[b] && a < b); });
    auto& entries = pre.sorted[f];
    auto& values = pre.values[f];
    entries.resize(data.n_rows);
    for (size_t i = 0; i < data.n_rows; ++i) {
      const double v = column[order[i]];
      if (values.empty() || values.back() != v) values.push_back(v);
      entries[i] = {order[i], static_cast<uint32_t>(values.size() - 1)};
    }
  }
  return pre;
}

// Builds one tree. Holds buffers reused from tree to tree on one thread.
class TreeBuilder {
 public:
  TreeBuilder(const Presorted& pre, const ForestParams& params) : pre_(pre), params_(params) {
    const int nf = pre.n_features;
    max_features_ = params.max_features > 0
                        ? std::min(params.max_features, nf)
                        : std::max(1, static_cast<int>(std::floor(std::sqrt(static_cast<double>(nf)))));
    count_.resize(pre.n_rows);
    goes_left_.resize(pre.n_rows);
    order_.resize(nf);
  }

  std::vector<TreeNode> Build(size_t tree_index) {
    std::mt19937_64 rng(TreeSeed(params_.seed, tree_index));
    Sample(rng);
    nodes_.clear();
    nodes_.emplace_back();
    struct Work {
      uint32_t node, begin, end;
      int depth;
      Stats stats;
    };
    std::vector<Work> stack{{0, 0, static_cast<uint32_t>(order_[0].size()), 0, RootStats()}};
    while (!stack.empty()) {
      const Work work = stack.back();
      stack.pop_back();
      const Stats& stats = work.stats;
      const double w_pos = params_.class_weight_positive * static_cast<double>(stats.pos);
      nodes_[work.node].value = w_pos / (w_pos + static_cast<double>(stats.neg));
      const uint32_t n = work.end - work.begin;
      if ((params_.max_depth > 0 && work.depth >= params_.max_depth) ||
          n < static_cast<uint32_t>(params_.min_samples_split) ||
          n < 2 * static_cast<uint32_t>(params_.min_samples_leaf) || stats.pos == 0 || stats.neg == 0) {
        continue;
      }
      const Split split = FindSplit(work.begin, work.end, stats, rng);
      if (split.feature < 0) continue;
      Partition(work.begin, work.end, split);
      const auto left = static_cast<uint32_t>(nodes_.size());
      TreeNode& parent = nodes_[work.node];
      parent.feature = split.feature;
      parent.threshold = split.threshold;
      parent.left = left;
      parent.right = left + 1;
      nodes_.emplace_back();
      nodes_.emplace_back();
      const Stats right_stats{stats.pos - split.left.pos, stats.neg - split.left.neg};
      stack.push_back({left + 1, split.mid, work.end, work.depth + 1, right_stats});
      stack.push_back({left, work.begin, split.mid, work.depth + 1, split.left});
    }
    return std::move(nodes_);
  }

 private:
  // A training row as a tree sees it: bootstrap count and label packed as
  // (count << 1) | y, so split search reads one sequential array.
  struct Entry {
    uint32_t row;
    uint32_t rank;
    uint32_t count_label;
  };
  struct Stats {
    uint64_t pos = 0, neg = 0;  // bootstrap counts of botnet / other rows
  };
  struct Split {
    int feature = -1;
    uint32_t mid = 0;  // rows [begin, mid) of order_[feature] go left
    double threshold = 0;
    Stats left;  // of the rows going left
  };

  void Sample(std::mt19937_64& rng) {
    const size_t n = pre_.n_rows;
    if (params_.bootstrap) {
      std::fill(count_.begin(), count_.end(), 0u);
      for (size_t draw = 0; draw < n; ++draw) ++count_[UniformBelow(rng, n)];
    } else {
      std::fill(count_.begin(), count_.end(), 1u);
    }
    const std::vector<uint8_t>& y = *pre_.y;
    for (int f = 0; f < pre_.n_features; ++f) {
      std::vector<Entry>& entries = order_[f];
      entries.clear();
      for (const Presorted::Entry& e : pre_.sorted[f]) {
        const uint32_t count = count_[e.row];
        if (count != 0) entries.push_back({e.row, e.rank, (count << 1) | y[e.row]});
      }
    }
  }

  Stats RootStats() const {
    Stats stats;
    for (const Entry& e : order_[0]) ((e.count_label & 1u) != 0 ? stats.pos : stats.neg) += e.count_label >> 1;
    return stats;
  }

  // Best Gini split over randomly drawn features: at least max_features_
  // non-constant features are tried, more while none gave a valid split.
  Split FindSplit(uint32_t begin, uint32_t end, const Stats& stats, std::mt19937_64& rng) {
    const int nf = pre_.n_features;
    features_.resize(nf);
    std::iota(features_.begin(), features_.end(), 0);
    const double cw = params_.class_weight_positive;
    const auto min_leaf = static_cast<uint32_t>(params_.min_samples_leaf);
    const uint32_t n = end - begin;
    Split best;
    double best_proxy = -std::numeric_limits<double>::infinity();
    int tried = 0;
    for (int drawn = 0; drawn < nf; ++drawn) {
      if (tried >= max_features_ && best.feature >= 0) break;
      const int pick = drawn + static_cast<int>(UniformBelow(rng, static_cast<uint64_t>(nf - drawn)));
      std::swap(features_[drawn], features_[pick]);
      const int f = features_[drawn];
      const Entry* e = order_[f].data() + begin;
      if (e[0].rank == e[n - 1].rank) continue;  // constant in this node
      ++tried;
      uint64_t left_pos = 0, left_all = 0;
      for (uint32_t k = 1; k < n; ++k) {
        const uint32_t cl = e[k - 1].count_label;
        left_pos += (cl >> 1) * (cl & 1u);
        left_all += cl >> 1;
        if (e[k].rank == e[k - 1].rank || k < min_leaf || n - k < min_leaf) continue;
        // Maximising sum over both sides of (w_pos^2 + w_neg^2) / w minimises
        // the weighted Gini impurity of the children.
        const uint64_t left_neg = left_all - left_pos;
        const double lp = cw * static_cast<double>(left_pos), ln = static_cast<double>(left_neg);
        const double rp = cw * static_cast<double>(stats.pos - left_pos);
        const double rn = static_cast<double>(stats.neg - left_neg);
        const double proxy = (lp * lp + ln * ln) / (lp + ln) + (rp * rp + rn * rn) / (rp + rn);
        if (proxy > best_proxy) {
          best_proxy = proxy;
          best.feature = f;
          best.mid = begin + k;
          best.left = {left_pos, left_neg};
        }
      }
    }
    if (best.feature >= 0) {
      // Midway between the two values either side of the split, as scikit-learn;
      // when rounding reaches the upper value, the lower one keeps the sides intact.
      const std::vector<double>& values = pre_.values[best.feature];
      const double lo = values[order_[best.feature][best.mid - 1].rank];
      const double hi = values[order_[best.feature][best.mid].rank];
      double threshold = lo / 2.0 + hi / 2.0;
      if (threshold >= hi || !std::isfinite(threshold)) threshold = lo;
      best.threshold = threshold;
    }
    return best;
  }

  // Reorders every feature's range so rows going left come first, each side
  // keeping its sorted order.
  void Partition(uint32_t begin, uint32_t end, const Split& split) {
    const std::vector<Entry>& chosen = order_[split.feature];
    for (uint32_t i = begin; i < end; ++i) goes_left_[chosen[i].row] = i < split.mid ? 1 : 0;
    right_.resize(end - begin);
    for (int f = 0; f < pre_.n_features; ++f) {
      if (f == split.feature) continue;
      Entry* e = order_[f].data();
      Entry* right = right_.data();
      uint32_t n_left = begin, n_right = 0;
      // Branch-free: the side is a coin flip to the branch predictor.
      for (uint32_t i = begin; i < end; ++i) {
        const Entry entry = e[i];
        const uint32_t left = goes_left_[entry.row];
        e[n_left] = entry;
        right[n_right] = entry;
        n_left += left;
        n_right += 1 - left;
      }
      std::copy(right, right + n_right, e + n_left);
    }
  }

  const Presorted& pre_;
  const ForestParams& params_;
  int max_features_ = 1;
  std::vector<uint32_t> count_;
  std::vector<uint8_t> goes_left_;
  std::vector<std::vector<Entry>> order_;  // per feature, the tree's rows in sorted order, per node contiguous
  std::vector<Entry> right_;
  std::vector<int> features_;
  std::vector<TreeNode> nodes_;
};

void Validate(const Dataset& data, const ForestParams& params, int n_features) {
  auto fail = [](const std::string& what) { throw core::UsageError("forest training: " + what); };
  if (params.n_trees < 1) fail("n_trees must be at least 1");
  if (params.max_depth < 0) fail("max_depth must be >= 0 (0 = unlimited)");
  if (params.min_samples_leaf < 1) fail("min_samples_leaf must be at least 1");
  if (params.min_samples_split < 2) fail("min_samples_split must be at least 2");
  if (params.max_features < 0 || params.max_features > data.n_features) {
    fail("max_features must be between 0 and the number of features (" + std::to_string(data.n_features) + ")");
  }
  if (!(params.class_weight_positive > 0) || !std::isfinite(params.class_weight_positive)) {
    fail("class_weight_positive must be a positive number");
  }
  if (data.n_features != n_features) {
    fail("expected " + std::to_string(n_features) + " features (the encoder's feature set), got " +
         std::to_string(data.n_features));
  }
  if (data.n_rows == 0) fail("no training rows");
  if (data.n_rows >= (size_t{1} << 30)) fail("too many training rows");
  if (data.x.size() != data.n_rows * static_cast<size_t>(data.n_features) || data.y.size() != data.n_rows) {
    fail("dataset arrays do not match n_rows");
  }
  // +infinity is fine (a split below it takes the lower value as threshold);
  // NaN has no order and -infinity would make a threshold infinite.
  for (size_t i = 0; i < data.x.size(); ++i) {
    if (std::isnan(data.x[i]) || data.x[i] == -std::numeric_limits<double>::infinity()) {
      fail("row " + std::to_string(i / data.n_features) + ", feature " + std::to_string(i % data.n_features) +
           ": value is " + (std::isnan(data.x[i]) ? "NaN" : "-infinity"));
    }
  }
  for (size_t row = 0; row < data.n_rows; ++row) {
    if (data.y[row] > 1) fail("row " + std::to_string(row) + ": label must be 0 or 1");
  }
}

}  // namespace

std::unique_ptr<Forest> TrainForest(const Dataset& data, FlowEncoder encoder, const ForestParams& params,
                                    std::function<void(int trees_done)> progress) {
  Validate(data, params, encoder.n_features());
  const Presorted pre = Presort(data);
  const auto n_trees = static_cast<size_t>(params.n_trees);
  std::vector<std::vector<TreeNode>> trees(n_trees);

  size_t n_threads =
      params.threads > 0 ? static_cast<size_t>(params.threads) : std::max(1u, std::thread::hardware_concurrency());
  n_threads = std::min(n_threads, n_trees);

  if (n_threads == 1) {
    TreeBuilder builder(pre, params);
    for (size_t t = 0; t < n_trees; ++t) {
      trees[t] = builder.Build(t);
      if (progress) progress(static_cast<int>(t + 1));
    }
    return std::make_unique<Forest>(std::move(encoder), trees);
  }

  // Workers take trees in turn; tree t always comes from its own seed, so the
  // result does not depend on which worker builds it.
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable cv;
  size_t done = 0;
  std::exception_ptr error;
  auto work = [&] {
    try {
      TreeBuilder builder(pre, params);
      for (size_t t = next++; t < n_trees && !stop; t = next++) {
        trees[t] = builder.Build(t);
        std::lock_guard lock(mutex);
        ++done;
        cv.notify_one();
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      stop = true;
      cv.notify_one();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(n_threads);
  for (size_t i = 0; i < n_threads; ++i) workers.emplace_back(work);
  size_t reported = 0;
  try {
    std::unique_lock lock(mutex);
    while (reported < n_trees && !error) {
      cv.wait(lock, [&] { return done > reported || error; });
      while (reported < done && !error) {
        ++reported;
        if (progress) {
          lock.unlock();
          progress(static_cast<int>(reported));
          lock.lock();
        }
      }
    }
  } catch (...) {
    stop = true;
    for (std::thread& w : workers) w.join();
    throw;
  }
  for (std::thread& w : workers) w.join();
  if (error) std::rethrow_exception(error);
  return std::make_unique<Forest>(std::move(encoder), trees);
}

}  // namespace botrecon::models
