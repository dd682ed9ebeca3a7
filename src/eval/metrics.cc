#include "eval/metrics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "core/ip_address.h"

namespace botrecon::eval {
namespace {

__extension__ typedef unsigned __int128 Uint128;

void CheckSizes(std::span<const double> scores, std::span<const uint8_t> labels) {
  if (scores.size() != labels.size()) throw core::InternalError("scores and labels differ in length");
}

void CheckFinite(double score) {
  if (!std::isfinite(score)) throw core::InternalError("model produced a non-finite score");
}

std::optional<double> Ratio(uint64_t numerator, uint64_t denominator) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(static_cast<long double>(numerator) / static_cast<long double>(denominator));
}

}  // namespace

double ScoreCounts::Key(double score) const {
  if (level_ == 0) return score;
  const uint64_t mask = ~((uint64_t{1} << kDropBits[level_]) - 1);
  return std::bit_cast<double>(std::bit_cast<uint64_t>(score) & mask);
}

void ScoreCounts::Add(double score, bool botnet) {
  CheckFinite(score);
  ++counts_[Key(score)][botnet ? 1 : 0];
  ++(botnet ? positives_ : negatives_);
  if (counts_.size() > max_distinct_) Coarsen(level_ + 1);
}

void ScoreCounts::Coarsen(int level) {
  constexpr int kLevels = static_cast<int>(std::size(kDropBits));
  for (; level < kLevels; ++level) {
    level_ = level;
    std::unordered_map<double, std::array<uint64_t, 2>> coarse;
    for (const auto& [score, counts] : counts_) {
      auto& to = coarse[Key(score)];
      to[0] += counts[0];
      to[1] += counts[1];
    }
    counts_ = std::move(coarse);
    if (counts_.size() <= max_distinct_) return;
  }
}

void ScoreCounts::Merge(const ScoreCounts& other) {
  if (other.level_ > level_) Coarsen(other.level_);
  for (const auto& [score, counts] : other.counts_) {
    auto& to = counts_[Key(score)];
    to[0] += counts[0];
    to[1] += counts[1];
  }
  positives_ += other.positives_;
  negatives_ += other.negatives_;
  if (counts_.size() > max_distinct_) Coarsen(level_ + 1);
}

// Both areas from one pass over the distinct scores, highest first.
std::pair<std::optional<double>, std::optional<double>> ScoreCounts::Areas() const {
  std::vector<std::pair<double, std::array<uint64_t, 2>>> sorted(counts_.begin(), counts_.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  // ROC: twice the area under the (FP, TP) step curve in integer units, each
  // step a trapezoid dFP * (TP_before + TP_after) / 2. AP: sum of
  // (dTP / P) * TP / (TP + FP) at each step.
  Uint128 twice_roc_area = 0;
  long double ap = 0;
  uint64_t tp = 0, fp = 0;
  for (const auto& [score, counts] : sorted) {
    const uint64_t step_fp = counts[0], step_tp = counts[1];
    twice_roc_area += static_cast<Uint128>(step_fp) * (2 * tp + step_tp);
    tp += step_tp;
    fp += step_fp;
    if (step_tp > 0) ap += static_cast<long double>(step_tp) * tp / (static_cast<long double>(tp + fp));
  }
  std::pair<std::optional<double>, std::optional<double>> areas;
  if (positives_ > 0 && negatives_ > 0) {
    areas.first = static_cast<double>(static_cast<long double>(twice_roc_area) /
                                      (2.0L * static_cast<long double>(positives_) * negatives_));
  }
  if (positives_ > 0) areas.second = static_cast<double>(ap / static_cast<long double>(positives_));
  return areas;
}

namespace {

ScoreCounts CountScores(std::span<const double> scores, std::span<const uint8_t> labels) {
  CheckSizes(scores, labels);
  ScoreCounts counts(SIZE_MAX);
  for (size_t i = 0; i < scores.size(); ++i) counts.Add(scores[i], labels[i] != 0);
  return counts;
}

bool Matches(const filter::AddressFilter* filter, const std::string& host) {
  if (filter == nullptr) return false;
  auto address = core::ParseIpAddress(host);
  return address && filter->Matches(*address);
}

}  // namespace

ConfusionMatrix Confusion(std::span<const double> scores, std::span<const uint8_t> labels, double threshold) {
  CheckSizes(scores, labels);
  ConfusionMatrix m;
  for (size_t i = 0; i < scores.size(); ++i) {
    CheckFinite(scores[i]);
    Count(m, scores[i], labels[i] != 0, threshold);
  }
  return m;
}

std::optional<double> RocAuc(std::span<const double> scores, std::span<const uint8_t> labels) {
  return CountScores(scores, labels).Areas().first;
}

std::optional<double> AveragePrecision(std::span<const double> scores, std::span<const uint8_t> labels) {
  return CountScores(scores, labels).Areas().second;
}

FlowMetrics ComputeFlowMetrics(std::span<const double> scores, std::span<const uint8_t> labels, double threshold) {
  return ComputeFlowMetrics(Confusion(scores, labels, threshold), CountScores(scores, labels), threshold);
}

FlowMetrics ComputeFlowMetrics(const ConfusionMatrix& confusion, const ScoreCounts& counts, double threshold) {
  FlowMetrics m;
  m.threshold = threshold;
  m.confusion = confusion;
  const ConfusionMatrix& c = m.confusion;
  m.positives = c.tp + c.fn;
  m.negatives = c.fp + c.tn;
  m.precision = Ratio(c.tp, c.tp + c.fp);
  m.recall = Ratio(c.tp, c.tp + c.fn);
  m.f1 = Ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
  m.accuracy = Ratio(c.tp + c.tn, m.positives + m.negatives);
  std::tie(m.roc_auc, m.pr_auc) = counts.Areas();
  return m;
}

bool IsInfected(const HostScore& host, const HostEvalOptions& options) {
  return options.infected != nullptr ? Matches(options.infected, host.host) : host.detail.botnet > 0;
}

HostMetrics EvaluateHosts(std::vector<HostScore> hosts, const HostEvalOptions& options) {
  aggregate::SortHosts(hosts);
  HostMetrics m;
  m.hosts = hosts.size();
  auto at_least = [](uint64_t count, int64_t minimum) {
    return minimum <= 0 || count >= static_cast<uint64_t>(minimum);
  };
  for (HostScore& h : hosts) {
    const bool evaluated = at_least(h.flow_count, options.min_count);
    const bool flagged = evaluated && h.mean_score >= options.threshold;
    const bool infected = IsInfected(h, options);
    const bool counted = at_least(h.flow_count, options.fp_min_flows);
    m.evaluated += evaluated ? 1 : 0;
    m.flagged += flagged ? 1 : 0;
    if (!infected && evaluated && counted) ++m.clean_hosts;
    if (Matches(options.normal, h.host)) (flagged ? m.normal_flagged : m.normal_not_flagged).push_back(h);
    if (infected) {
      (flagged ? m.found : m.missed).push_back(std::move(h));
    } else if (flagged) {
      if (counted) {
        m.false_positives.push_back(std::move(h));
      } else {
        ++m.false_positives_below_fp_min_flows;
      }
    }
  }
  m.precision = Ratio(m.found.size(), m.found.size() + m.false_positives.size());
  m.recall = Ratio(m.found.size(), m.found.size() + m.missed.size());
  m.false_positive_rate = Ratio(m.false_positives.size(), m.clean_hosts);
  return m;
}

DetectionQuality EvaluateDetection(const std::vector<HostScore>& hosts,
                                   const std::unordered_map<std::string, std::vector<std::string>>& fired,
                                   const std::vector<std::string>& detectors, const HostEvalOptions& options,
                                   int64_t min_flows) {
  DetectionQuality q;
  q.min_flows = min_flows;
  q.verdicts.push_back({"model"});
  for (const auto& id : detectors) q.verdicts.push_back({id});
  q.verdicts.push_back({"combined"});
  const size_t combined = q.verdicts.size() - 1;
  auto flagged_by = [&](const HostScore& h, const std::vector<std::string>* ids, size_t v) {
    if (v == 0) return (options.min_count <= 0 || h.flow_count >= static_cast<uint64_t>(options.min_count)) &&
                       h.mean_score >= options.threshold;
    return ids != nullptr && std::find(ids->begin(), ids->end(), q.verdicts[v].name) != ids->end();
  };
  for (const HostScore& h : hosts) {
    const bool infected = IsInfected(h, options);
    const bool counted = min_flows <= 0 || h.flow_count >= static_cast<uint64_t>(min_flows);
    if (!infected && !counted) continue;
    q.infected += infected ? 1 : 0;
    q.normal_hosts += infected ? 0 : 1;
    auto it = fired.find(h.host);
    const std::vector<std::string>* ids = it == fired.end() ? nullptr : &it->second;
    bool any = false;
    for (size_t v = 0; v < combined; ++v) {
      const bool flagged = flagged_by(h, ids, v);
      any = any || flagged;
      VerdictQuality& vq = q.verdicts[v];
      if (infected) {
        ++(flagged ? vq.found : vq.missed);
      } else if (flagged) {
        ++vq.normal_flagged;
      }
    }
    if (infected) {
      ++(any ? q.verdicts[combined].found : q.verdicts[combined].missed);
    } else if (any) {
      ++q.verdicts[combined].normal_flagged;
    }
  }
  return q;
}

}  // namespace botrecon::eval
