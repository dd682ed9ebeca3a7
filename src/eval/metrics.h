// Measuring a model on labelled flows: flow-level classification metrics
// (confusion matrix, precision, recall, F1, ROC-AUC, average precision) and
// host-level results (infected hosts found and missed, false-positive hosts),
// with the scan's host semantics (exact per-host means, mean >= threshold).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// The flows of one source host.
struct HostScore {
  // IP addresses written canonically (dotted quad, RFC 5952), so different
  // spellings of one address are one host, as in the scan; other names
  // (e.g. MAC addresses of ARP flows) as written.
  std::string host;
  double mean_score = 0;  // the exact mean, as the scan computes it
  uint64_t flow_count = 0;
  uint64_t botnet_flows = 0;  // flows labelled botnet
};

// Per-host mean score, flow count and labelled-botnet count of flows given
// by source host, score and label (all the same length). Unsorted.
std::vector<HostScore> AggregateHosts(std::span<const std::string_view> hosts, std::span<const double> scores,
                                      std::span<const uint8_t> labels);

// Sorts as the scan sorts its result: mean score (highest first), flow count
// (highest first), then host (IPv4 numerically, IPv6, other names).
void SortHosts(std::vector<HostScore>& hosts);

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

// Host-level results. Every list is sorted with SortHosts.
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

}  // namespace botrecon::eval
