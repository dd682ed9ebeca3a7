#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "aggregate/host_aggregator.h"
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

// Both areas from one pass over the flows sorted by score, highest first,
// one step per distinct score.
struct Areas {
  std::optional<double> roc_auc;
  std::optional<double> pr_auc;
};

Areas ComputeAreas(std::span<const double> scores, std::span<const uint8_t> labels) {
  CheckSizes(scores, labels);
  std::vector<std::pair<double, uint8_t>> sorted(scores.size());
  uint64_t positives = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    CheckFinite(scores[i]);
    sorted[i] = {scores[i], labels[i] != 0 ? 1 : 0};
    positives += sorted[i].second;
  }
  const uint64_t negatives = sorted.size() - positives;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });

  // ROC: twice the area under the (FP, TP) step curve in integer units, each
  // step a trapezoid dFP * (TP_before + TP_after) / 2. AP: sum of
  // (dTP / P) * TP / (TP + FP) at each step.
  Uint128 twice_roc_area = 0;
  long double ap = 0;
  uint64_t tp = 0, fp = 0;
  for (size_t i = 0; i < sorted.size();) {
    const double score = sorted[i].first;
    uint64_t step_tp = 0, step_fp = 0;
    for (; i < sorted.size() && sorted[i].first == score; ++i) {
      if (sorted[i].second)
        ++step_tp;
      else
        ++step_fp;
    }
    twice_roc_area += static_cast<Uint128>(step_fp) * (2 * tp + step_tp);
    tp += step_tp;
    fp += step_fp;
    if (step_tp > 0) ap += static_cast<long double>(step_tp) * tp / (static_cast<long double>(tp + fp));
  }
  Areas areas;
  if (positives > 0 && negatives > 0) {
    areas.roc_auc = static_cast<double>(static_cast<long double>(twice_roc_area) /
                                        (2.0L * static_cast<long double>(positives) * negatives));
  }
  if (positives > 0) areas.pr_auc = static_cast<double>(ap / static_cast<long double>(positives));
  return areas;
}

// The canonical name of a host: an IP address written canonically, anything
// else as written.
std::string CanonicalHost(std::string_view host) {
  if (auto address = core::ParseIpAddress(host)) return core::FormatIpAddress(*address);
  return std::string(host);
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
    const bool predicted = scores[i] >= threshold;
    if (labels[i] != 0) {
      ++(predicted ? m.tp : m.fn);
    } else {
      ++(predicted ? m.fp : m.tn);
    }
  }
  return m;
}

std::optional<double> RocAuc(std::span<const double> scores, std::span<const uint8_t> labels) {
  return ComputeAreas(scores, labels).roc_auc;
}

std::optional<double> AveragePrecision(std::span<const double> scores, std::span<const uint8_t> labels) {
  return ComputeAreas(scores, labels).pr_auc;
}

FlowMetrics ComputeFlowMetrics(std::span<const double> scores, std::span<const uint8_t> labels, double threshold) {
  FlowMetrics m;
  m.threshold = threshold;
  m.confusion = Confusion(scores, labels, threshold);
  const ConfusionMatrix& c = m.confusion;
  m.positives = c.tp + c.fn;
  m.negatives = c.fp + c.tn;
  m.precision = Ratio(c.tp, c.tp + c.fp);
  m.recall = Ratio(c.tp, c.tp + c.fn);
  m.f1 = Ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
  m.accuracy = Ratio(c.tp + c.tn, m.positives + m.negatives);
  Areas areas = ComputeAreas(scores, labels);
  m.roc_auc = areas.roc_auc;
  m.pr_auc = areas.pr_auc;
  return m;
}

std::vector<HostScore> AggregateHosts(std::span<const std::string_view> hosts, std::span<const double> scores,
                                      std::span<const uint8_t> labels) {
  CheckSizes(scores, labels);
  if (hosts.size() != scores.size()) throw core::InternalError("hosts and scores differ in length");
  struct Acc {
    aggregate::FixedScore sum = 0;
    uint64_t count = 0;
    uint64_t botnet = 0;
  };
  std::vector<std::string> names;
  std::vector<Acc> accs;
  std::unordered_map<std::string, size_t> by_name;          // canonical name -> index
  std::unordered_map<std::string_view, size_t> by_written;  // as written -> index (views into `hosts`)
  for (size_t r = 0; r < hosts.size(); ++r) {
    auto it = by_written.find(hosts[r]);
    size_t idx;
    if (it != by_written.end()) {
      idx = it->second;
    } else {
      std::string name = CanonicalHost(hosts[r]);
      auto [named, inserted] = by_name.emplace(name, names.size());
      if (inserted) {
        names.push_back(std::move(name));
        accs.emplace_back();
      }
      idx = named->second;
      by_written.emplace(hosts[r], idx);
    }
    Acc& acc = accs[idx];
    if (__builtin_add_overflow(acc.sum, aggregate::ToFixed(scores[r]), &acc.sum)) {
      throw core::InputError("per-host score sum overflows (scores too large)");
    }
    ++acc.count;
    acc.botnet += labels[r] != 0 ? 1 : 0;
  }
  std::vector<HostScore> out(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    out[i] = {std::move(names[i]), aggregate::FixedMean(accs[i].sum, accs[i].count), accs[i].count, accs[i].botnet};
  }
  return out;
}

void SortHosts(std::vector<HostScore>& hosts) {
  struct Key {
    int kind;  // 0 = IPv4, 1 = IPv6, 2 = other
    core::IpAddress address;
    size_t index;
  };
  std::vector<Key> keys(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i) {
    keys[i] = {2, {}, i};
    if (auto a = core::ParseIpAddress(hosts[i].host)) keys[i] = {a->is_v4 ? 0 : 1, *a, i};
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    const HostScore& x = hosts[a.index];
    const HostScore& y = hosts[b.index];
    if (x.mean_score != y.mean_score) return x.mean_score > y.mean_score;
    if (x.flow_count != y.flow_count) return x.flow_count > y.flow_count;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.kind != 2) return a.address.bytes < b.address.bytes;
    return x.host < y.host;
  });
  std::vector<HostScore> sorted;
  sorted.reserve(hosts.size());
  for (const Key& k : keys) sorted.push_back(std::move(hosts[k.index]));
  hosts = std::move(sorted);
}

HostMetrics EvaluateHosts(std::vector<HostScore> hosts, const HostEvalOptions& options) {
  SortHosts(hosts);
  HostMetrics m;
  m.hosts = hosts.size();
  auto at_least = [](uint64_t count, int64_t minimum) {
    return minimum <= 0 || count >= static_cast<uint64_t>(minimum);
  };
  for (HostScore& h : hosts) {
    const bool evaluated = at_least(h.flow_count, options.min_count);
    const bool flagged = evaluated && h.mean_score >= options.threshold;
    const bool infected = options.infected != nullptr ? Matches(options.infected, h.host) : h.botnet_flows > 0;
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

}  // namespace botrecon::eval
