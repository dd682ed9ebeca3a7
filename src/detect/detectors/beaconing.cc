// beaconing: regular calls (intervals and sizes) to a destination few other hosts contact.
// Scored like RITA's beacon analyser, on our own bounded state: Bowley skew and
// MAD of the intervals between start slots, and the spread of flow sizes.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

// Linear-interpolated quantile of sorted values.
double Quantile(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  auto low = static_cast<size_t>(pos);
  size_t high = std::min(low + 1, sorted.size() - 1);
  return sorted[low] + (pos - static_cast<double>(low)) * (sorted[high] - sorted[low]);
}

double IntervalScore(std::vector<double>& intervals, double& median) {
  std::sort(intervals.begin(), intervals.end());
  double q1 = Quantile(intervals, 0.25), q3 = Quantile(intervals, 0.75);
  median = Quantile(intervals, 0.5);
  double skew = q3 > q1 ? (q3 + q1 - 2 * median) / (q3 - q1) : 0;
  std::vector<double> deviations;
  deviations.reserve(intervals.size());
  for (double interval : intervals) deviations.push_back(std::abs(interval - median));
  std::sort(deviations.begin(), deviations.end());
  double mad = Quantile(deviations, 0.5);
  double mad_score = std::max(0.0, 1 - mad / std::max(median, 1.0));
  return ((1 - std::abs(skew)) + mad_score) / 2;
}

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  using namespace thresholds;
  if (!context.window.beacons) return;
  for (const BeaconPair& pair : context.window.beacons->pairs) {
    BeaconScore score = ScoreBeacon(pair);
    if (score.intervals < kBeaconMinIntervals || score.score < kBeaconMinScore) continue;
    int sources = context.capture.sources ? context.capture.sources(pair.dst_hash) : 1;
    if (sources > kBeaconMaxSources) continue;
    Evidence evidence;
    evidence.detector = "beaconing";
    evidence.window_start = context.window_start;
    evidence.flows = pair.flows;
    Example peer{pair.dst_hash, pair.dst, pair.port};
    std::string sizes = score.size_score >= 0 ? fmt::format(", size score {:.2f}", score.size_score) : "";
    evidence.summary = fmt::format("{} calls to {} every ~{:g}s (score {:.2f}{}), {} host(s) contact it", pair.flows,
                                   peer.Text(), score.median_interval, score.score, sizes, sources);
    evidence.examples = {peer.Text()};
    out.push_back(std::move(evidence));
  }
}

}  // namespace

BeaconScore ScoreBeacon(const BeaconPair& pair) {
  BeaconScore score;
  auto slots = pair.slots.slots();
  if (slots.size() < 3) return score;
  std::vector<double> intervals;
  intervals.reserve(slots.size() - 1);
  for (size_t idx = 1; idx < slots.size(); ++idx) {
    intervals.push_back(static_cast<double>(slots[idx] - slots[idx - 1]) * pair.slots.resolution());
  }
  score.intervals = static_cast<uint32_t>(intervals.size());
  score.interval_score = IntervalScore(intervals, score.median_interval);
  if (pair.sized * 2 >= pair.flows && pair.sized > 0) {
    double n = pair.sized;
    double mean = static_cast<double>(pair.bytes_sum) / n;
    double variance = std::max(0.0, static_cast<double>(pair.bytes_squares) / n - mean * mean);
    score.size_score = mean > 0 ? std::max(0.0, 1 - std::sqrt(variance) / mean) : 1.0;
    score.score = (2 * score.interval_score + score.size_score) / 3;
  } else {
    score.score = score.interval_score;
  }
  return score;
}

Detector BeaconingDetector() {
  return {{"beaconing", 2, "regular calls (intervals, sizes) to a destination few other hosts contact",
           fmt::format(">= {} intervals, score >= {:.2f} (interval skew/MAD, size spread), <= {} hosts contact the "
                       "destination; DNS, NTP, DHCP, NetBIOS, SSDP, mDNS, LLMNR, multicast and broadcast excluded",
                       thresholds::kBeaconMinIntervals, thresholds::kBeaconMinScore, thresholds::kBeaconMaxSources),
           "StartTime, DstAddr, Dport, Proto (TotBytes for the size score)"},
          kFieldDst | kFieldDport | kFieldProto | kFieldStart,
          Check};
}

}  // namespace botrecon::detect
