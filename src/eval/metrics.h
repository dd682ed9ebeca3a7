// Measuring a model on labelled flows: flow-level classification metrics
// (confusion matrix, precision, recall, F1, ROC-AUC, average precision) and
// host-level results (infected hosts found and missed, false-positive hosts),
// with the scan's host semantics (exact per-host means, mean >= threshold).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <unordered_map>

#include "aggregate/host_table.h"
#include "filter/address_filter.h"

namespace botrecon::eval {

// Labels are 1 (botnet, positive) or 0; any non-zero label counts as 1.
// Scores must be finite (a non-finite score throws core::InternalError).

// A flow is predicted botnet when its score is >= the threshold.
struct ConfusionMatrix {
  uint64_t tp = 0;  // botnet, predicted botnet
  uint64_t fp = 0;  // not botnet, predicted botnet
  uint64_t tn = 0;  // not botnet, predicted not
  uint64_t fn = 0;  // botnet, predicted not
};

ConfusionMatrix Confusion(std::span<const double> scores, std::span<const uint8_t> labels, double threshold);

// Area under the ROC curve, exact: the trapezoids between consecutive
// distinct scores (equivalently the Mann-Whitney statistic with tied scores
// given their average rank), as scikit-learn's roc_auc_score. nullopt unless
// both classes occur.
std::optional<double> RocAuc(std::span<const double> scores, std::span<const uint8_t> labels);

// Area under the precision-recall curve as average precision, scikit-learn's
// average_precision_score: the sum over distinct scores, highest first, of
// (R_n - R_{n-1}) * P_n, where P_n and R_n are the precision and recall of
// "score >= the n-th distinct score" (tied scores form one step). nullopt
// without positives.
std::optional<double> AveragePrecision(std::span<const double> scores, std::span<const uint8_t> labels);

// Flow scores and labels counted per distinct score, for the areas under the
// curves in bounded memory (evaluate streams its flows). Exact while at most
// max_distinct distinct scores have been seen (most models give few: a forest
// of T trees at most a few thousand); beyond that, scores are truncated to
// fewer significant bits (44, then 36, 28, 20, 12, 4 of the 53), the coarsest
// level needed to stay under max_distinct, so the areas are those of scores
// rounded to about 13 significant decimal digits at the first level. Any split of
// the flows, merged, gives the same counts (and the same level).
class ScoreCounts {
 public:
  static constexpr size_t kDefaultMaxDistinct = size_t{1} << 19;
  ScoreCounts() = default;
  explicit ScoreCounts(size_t max_distinct) : max_distinct_(max_distinct) {}
  // Throws core::InternalError for a non-finite score.
  void Add(double score, bool botnet);
  void Merge(const ScoreCounts& other);
  // Significant bits kept (53: exact).
  int precision_bits() const { return 53 - kDropBits[level_]; }
  size_t distinct() const { return counts_.size(); }
  uint64_t positives() const { return positives_; }
  uint64_t negatives() const { return negatives_; }
  // Both areas: ROC-AUC and average precision as RocAuc and AveragePrecision define them.
  std::pair<std::optional<double>, std::optional<double>> Areas() const;

 private:
  static constexpr int kDropBits[] = {0, 9, 17, 25, 33, 41, 49};
  double Key(double score) const;
  void Coarsen(int level);
  size_t max_distinct_ = kDefaultMaxDistinct;
  int level_ = 0;
  uint64_t positives_ = 0, negatives_ = 0;
  std::unordered_map<double, std::array<uint64_t, 2>> counts_;  // score -> {negatives, positives}
};

struct FlowMetrics {
  double threshold = 0;
  ConfusionMatrix confusion;
  uint64_t positives = 0;  // flows labelled botnet
  uint64_t negatives = 0;
  // Undefined values (a division by zero) are nullopt:
  std::optional<double> precision;  // TP / (TP + FP): nullopt when no flow is predicted botnet
  std::optional<double> recall;     // TP / (TP + FN): nullopt without positives
  std::optional<double> f1;         // 2TP / (2TP + FP + FN): nullopt when that is 0 / 0
  std::optional<double> accuracy;   // (TP + TN) / flows: nullopt without flows
  std::optional<double> roc_auc;    // RocAuc
  std::optional<double> pr_auc;     // AveragePrecision
};

// Every flow-level metric at once (one sort for both areas).
FlowMetrics ComputeFlowMetrics(std::span<const double> scores, std::span<const uint8_t> labels, double threshold);
// The same from streamed counts: the exact confusion matrix at the threshold
// and the score counts (see ScoreCounts for the areas' precision).
FlowMetrics ComputeFlowMetrics(const ConfusionMatrix& confusion, const ScoreCounts& counts, double threshold);
// Adds one flow to a confusion matrix.
inline void Count(ConfusionMatrix& m, double score, bool botnet, double threshold) {
  const bool predicted = score >= threshold;
  if (botnet) {
    ++(predicted ? m.tp : m.fn);
  } else {
    ++(predicted ? m.fp : m.tn);
  }
}

// A host in the evaluation: the one host result (with label counts).
using HostScore = aggregate::HostResult;

struct HostEvalOptions {
  // A host is flagged when it is evaluated and its mean score is >= this.
  double threshold = 0.5;
  // Hosts with fewer flows are not evaluated (never flagged), as `-c` in the
  // scan; <= 0: every host is evaluated.
  int64_t min_count = 0;
  // False positives are counted (and listed) only among hosts with at least
  // this many flows; <= 0: among all hosts.
  int64_t fp_min_flows = 0;
  // Ground truth. nullptr: a host is infected when any of its flows is
  // labelled botnet. Otherwise: a host is infected when it is an IP address
  // matching this filter (non-IP hosts never are).
  const filter::AddressFilter* infected = nullptr;
  // Known normal hosts, to report which of them were flagged (nullptr: none).
  const filter::AddressFilter* normal = nullptr;
};

// Whether a host is infected under the options' ground truth.
bool IsInfected(const HostScore& host, const HostEvalOptions& options);

// Host-level results. Every list is sorted with aggregate::SortHosts.
struct HostMetrics {
  uint64_t hosts = 0;             // distinct source hosts
  uint64_t evaluated = 0;         // hosts with at least min_count flows
  uint64_t flagged = 0;           // evaluated hosts with mean score >= threshold
  std::vector<HostScore> found;   // infected and flagged
  std::vector<HostScore> missed;  // infected and not flagged (also when not evaluated: fewer than min_count flows)
  // Flagged but not infected, among hosts with at least fp_min_flows flows.
  std::vector<HostScore> false_positives;
  // Flagged but not infected, with fewer than fp_min_flows flows (not counted).
  uint64_t false_positives_below_fp_min_flows = 0;
  // Evaluated hosts that are not infected and have at least fp_min_flows
  // flows: the hosts a false positive is counted among.
  uint64_t clean_hosts = 0;
  std::vector<HostScore> normal_flagged;      // known normal hosts that were flagged
  std::vector<HostScore> normal_not_flagged;  // known normal hosts that were not
  std::optional<double> precision;            // found / (found + false positives)
  std::optional<double> recall;               // found / (found + missed)
  std::optional<double> false_positive_rate;  // false positives / clean hosts
};

HostMetrics EvaluateHosts(std::vector<HostScore> hosts, const HostEvalOptions& options);

// One verdict (the model, a detector, or model OR any detector) scored on hosts.
struct VerdictQuality {
  std::string name;            // "model", a detector id, or "combined"
  uint64_t found = 0;          // infected hosts flagged
  uint64_t missed = 0;         // infected hosts not flagged
  uint64_t normal_flagged = 0; // not infected, >= min_flows flows, flagged
};

// Detector quality: per verdict, infected hosts found/missed and normal hosts
// flagged among the hosts with at least `min_flows` flows.
struct DetectionQuality {
  int64_t min_flows = 20;
  uint64_t infected = 0;
  uint64_t normal_hosts = 0;  // not infected, with >= min_flows flows
  std::vector<VerdictQuality> verdicts;  // model, each detector in `detectors` order, combined
};

// `fired`: per host (as HostScore::host), the detectors that fired for it.
// The model flags as EvaluateHosts does (options.threshold, options.min_count).
DetectionQuality EvaluateDetection(const std::vector<HostScore>& hosts,
                                   const std::unordered_map<std::string, std::vector<std::string>>& fired,
                                   const std::vector<std::string>& detectors, const HostEvalOptions& options,
                                   int64_t min_flows);

}  // namespace botrecon::eval
