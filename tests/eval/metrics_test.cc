#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace botrecon::eval {
namespace {

using Scores = std::vector<double>;
using Labels = std::vector<uint8_t>;

// Hosts through the one host table, with label counts (labels 1 = botnet).
std::vector<HostScore> AggregateHosts(std::span<const std::string_view> hosts, std::span<const double> scores,
                                      std::span<const uint8_t> labels) {
  aggregate::ShardedHostTable table(1, true);
  std::vector<uint8_t> keep(hosts.size(), 1);
  std::vector<uint8_t> classes(labels.begin(), labels.end());  // 1 = LabelClass::kBotnet, 0 = kNormal
  table.AddBatch({hosts, scores, keep, classes, {}});
  return table.Collect();
}

HostScore Host(std::string name, double mean, uint64_t count, uint64_t botnet) {
  HostScore h{std::move(name), mean, count, {}};
  h.detail.botnet = botnet;
  return h;
}

TEST(MetricsConfusion, ScoreEqualToThresholdIsBotnet) {
  Scores s{0.9, 0.5, 0.49, 0.1, 0.5, 0.2};
  Labels y{1, 1, 1, 0, 0, 0};
  ConfusionMatrix c = Confusion(s, y, 0.5);
  EXPECT_EQ(c.tp, 2u);
  EXPECT_EQ(c.fn, 1u);
  EXPECT_EQ(c.fp, 1u);
  EXPECT_EQ(c.tn, 2u);
}

TEST(MetricsFlow, HandComputed) {
  // Predicted botnet at 0.5: 0.9 (1), 0.8 (0), 0.7 (1); not: 0.3 (1), 0.2 (0), 0.1 (0).
  Scores s{0.9, 0.8, 0.7, 0.3, 0.2, 0.1};
  Labels y{1, 0, 1, 1, 0, 0};
  FlowMetrics m = ComputeFlowMetrics(s, y, 0.5);
  EXPECT_EQ(m.confusion.tp, 2u);
  EXPECT_EQ(m.confusion.fp, 1u);
  EXPECT_EQ(m.confusion.tn, 2u);
  EXPECT_EQ(m.confusion.fn, 1u);
  EXPECT_EQ(m.positives, 3u);
  EXPECT_EQ(m.negatives, 3u);
  EXPECT_DOUBLE_EQ(*m.precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(*m.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(*m.f1, 2.0 / 3);
  EXPECT_DOUBLE_EQ(*m.accuracy, 4.0 / 6);
  // Positive/negative pairs ranked right: 0.9 > all 3; 0.7 > 0.2, 0.1; 0.3 > 0.2, 0.1: 7 of 9.
  EXPECT_DOUBLE_EQ(*m.roc_auc, 7.0 / 9);
  // Steps with a new positive: 0.9 (P 1, dR 1/3), 0.7 (P 2/3, dR 1/3), 0.3 (P 3/4, dR 1/3).
  EXPECT_DOUBLE_EQ(*m.pr_auc, (1.0 + 2.0 / 3 + 3.0 / 4) / 3);
}

TEST(MetricsRocAuc, TiesCountHalf) {
  // Every score tied: the ROC curve is the diagonal.
  EXPECT_DOUBLE_EQ(*RocAuc(Scores{0.5, 0.5, 0.5, 0.5}, Labels{1, 0, 1, 0}), 0.5);
  // A positive tied with a negative counts one half: (2 + 0.5 + 1) / 4.
  EXPECT_DOUBLE_EQ(*RocAuc(Scores{0.9, 0.5, 0.5, 0.1}, Labels{1, 1, 0, 0}), 0.875);
  // Two positives tied with three negatives at the top, one of each below:
  // positives at 0.8: each beats the 0.1 negative, ties 3 -> 2 * (1 + 1.5);
  // positive at 0.3: beats the 0.1 negative -> 1. Total 6 of 3 * 4 = 12.
  EXPECT_DOUBLE_EQ(*RocAuc(Scores{0.8, 0.8, 0.8, 0.8, 0.8, 0.3, 0.1}, Labels{1, 1, 0, 0, 0, 1, 0}), 0.5);
}

TEST(MetricsRocAuc, PerfectAndReversed) {
  EXPECT_DOUBLE_EQ(*RocAuc(Scores{0.9, 0.8, 0.2, 0.1}, Labels{1, 1, 0, 0}), 1.0);
  EXPECT_DOUBLE_EQ(*RocAuc(Scores{0.9, 0.8, 0.2, 0.1}, Labels{0, 0, 1, 1}), 0.0);
  // Order of the input does not matter.
  EXPECT_DOUBLE_EQ(*RocAuc(Scores{0.2, 0.9, 0.1, 0.8}, Labels{0, 1, 0, 1}), 1.0);
}

TEST(MetricsAveragePrecision, TiesFormOneStep) {
  // One threshold: precision 1/2 at recall 1.
  EXPECT_DOUBLE_EQ(*AveragePrecision(Scores{0.5, 0.5, 0.5, 0.5}, Labels{1, 0, 1, 0}), 0.5);
  // 0.9: P 1, dR 1/2; {0.5, 0.5}: P 2/3, dR 1/2.
  EXPECT_DOUBLE_EQ(*AveragePrecision(Scores{0.9, 0.5, 0.5, 0.1}, Labels{1, 1, 0, 0}), 0.5 + 1.0 / 3);
  // Not interpolated: a negative first, then a positive: P 1/2 at recall 1.
  EXPECT_DOUBLE_EQ(*AveragePrecision(Scores{0.9, 0.1}, Labels{0, 1}), 0.5);
  EXPECT_DOUBLE_EQ(*AveragePrecision(Scores{0.9, 0.8, 0.2, 0.1}, Labels{1, 1, 0, 0}), 1.0);
}

TEST(MetricsDegenerate, NoPositives) {
  FlowMetrics m = ComputeFlowMetrics(Scores{0.1, 0.2, 0.7}, Labels{0, 0, 0}, 0.5);
  EXPECT_FALSE(m.roc_auc);
  EXPECT_FALSE(m.pr_auc);
  EXPECT_FALSE(m.recall);
  EXPECT_DOUBLE_EQ(*m.precision, 0.0);  // one flow predicted botnet, wrongly
  EXPECT_DOUBLE_EQ(*m.f1, 0.0);
  EXPECT_DOUBLE_EQ(*m.accuracy, 2.0 / 3);

  // Nothing predicted and nothing to find: precision and F1 are 0/0.
  FlowMetrics quiet = ComputeFlowMetrics(Scores{0.1, 0.2}, Labels{0, 0}, 0.5);
  EXPECT_FALSE(quiet.precision);
  EXPECT_FALSE(quiet.recall);
  EXPECT_FALSE(quiet.f1);
  EXPECT_DOUBLE_EQ(*quiet.accuracy, 1.0);
}

TEST(MetricsDegenerate, OnlyPositives) {
  FlowMetrics m = ComputeFlowMetrics(Scores{0.1, 0.9}, Labels{1, 1}, 0.5);
  EXPECT_FALSE(m.roc_auc);  // needs both classes
  EXPECT_DOUBLE_EQ(*m.pr_auc, 1.0);
  EXPECT_DOUBLE_EQ(*m.precision, 1.0);
  EXPECT_DOUBLE_EQ(*m.recall, 0.5);
  EXPECT_DOUBLE_EQ(*m.f1, 2.0 / 3);
}

TEST(MetricsDegenerate, NothingPredictedBotnet) {
  FlowMetrics m = ComputeFlowMetrics(Scores{0.1, 0.2, 0.3}, Labels{0, 0, 1}, 0.5);
  EXPECT_FALSE(m.precision);
  EXPECT_DOUBLE_EQ(*m.recall, 0.0);
  EXPECT_DOUBLE_EQ(*m.f1, 0.0);
  EXPECT_DOUBLE_EQ(*m.roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(*m.pr_auc, 1.0);
}

TEST(MetricsDegenerate, Empty) {
  FlowMetrics m = ComputeFlowMetrics(Scores{}, Labels{}, 0.5);
  EXPECT_EQ(m.positives + m.negatives, 0u);
  EXPECT_FALSE(m.precision);
  EXPECT_FALSE(m.recall);
  EXPECT_FALSE(m.f1);
  EXPECT_FALSE(m.accuracy);
  EXPECT_FALSE(m.roc_auc);
  EXPECT_FALSE(m.pr_auc);
}

TEST(MetricsDegenerate, NonFiniteScoreIsAnInternalError) {
  EXPECT_THROW(ComputeFlowMetrics(Scores{0.1, std::nan("")}, Labels{0, 1}, 0.5), core::InternalError);
  EXPECT_THROW(RocAuc(Scores{INFINITY}, Labels{1}), core::InternalError);
}

TEST(MetricsFlow, NonZeroLabelsArePositive) { EXPECT_DOUBLE_EQ(*RocAuc(Scores{0.9, 0.1}, Labels{7, 0}), 1.0); }

TEST(MetricsFlow, DecisionValues) {
  // Signed scores (svm) work the same; threshold 0.
  FlowMetrics m = ComputeFlowMetrics(Scores{2.5, -0.5, 0.0, -3.0}, Labels{1, 1, 0, 0}, 0.0);
  EXPECT_EQ(m.confusion.tp, 1u);
  EXPECT_EQ(m.confusion.fp, 1u);
  EXPECT_DOUBLE_EQ(*m.roc_auc, 0.75);
}

// The generator of tools/eval_metrics_reference.py.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

TEST(MetricsMatchScikitLearn, RandomScoresWithAndWithoutTies) {
  // 3,000 rows: label (30 % positive), a score k/100 (99 distinct values,
  // many ties), a continuous score. Expected values printed by
  // tools/eval_metrics_reference.py with scikit-learn 1.2.1
  // (roc_auc_score, average_precision_score).
  SplitMix64 g(42);
  Scores tied, continuous;
  Labels labels;
  for (int i = 0; i < 3000; ++i) {
    const uint8_t label = g.Next() % 10 < 3 ? 1 : 0;
    const uint64_t low = g.Next() % 71;
    const uint64_t high = g.Next() % 30;
    tied.push_back(static_cast<double>(low + label * high) / 100.0);
    continuous.push_back(static_cast<double>(g.Next() >> 11) * 0x1p-53 + 0.25 * label);
    labels.push_back(label);
  }
  ASSERT_EQ(std::count(labels.begin(), labels.end(), 1), 875);
  EXPECT_NEAR(*RocAuc(tied, labels), 0.6767865546218488, 1e-12);
  EXPECT_NEAR(*AveragePrecision(tied, labels), 0.5534200486247198, 1e-12);
  EXPECT_NEAR(*RocAuc(continuous, labels), 0.7120672268907562, 1e-12);
  EXPECT_NEAR(*AveragePrecision(continuous, labels), 0.5987155135423914, 1e-12);
}

TEST(MetricsHosts, AggregatesLikeTheScan) {
  std::vector<std::string_view> hosts{"10.0.0.1", "2001:DB8::1", "2001:db8:0::1", "10.0.0.1", "aa:bb:cc:dd:ee:ff"};
  Scores s{0.25, 1.0, 0.5, 0.75, 0.125};
  Labels y{0, 1, 0, 1, 0};
  auto result = AggregateHosts(hosts, s, y);
  aggregate::SortHosts(result);
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0].host, "2001:db8::1");  // two spellings, one host
  EXPECT_DOUBLE_EQ(result[0].mean_score, 0.75);
  EXPECT_EQ(result[0].flow_count, 2u);
  EXPECT_EQ(result[0].detail.botnet, 1u);
  EXPECT_EQ(result[1].host, "10.0.0.1");
  EXPECT_DOUBLE_EQ(result[1].mean_score, 0.5);
  EXPECT_EQ(result[1].detail.botnet, 1u);
  EXPECT_EQ(result[2].host, "aa:bb:cc:dd:ee:ff");
}

TEST(MetricsHosts, MeanIsExact) {
  // 0.1 ten times: a floating-point running sum gives 0.9999999999999999.
  std::vector<std::string_view> hosts(10, "10.0.0.1");
  auto result = AggregateHosts(hosts, Scores(10, 0.1), Labels(10, 0));
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].mean_score, 0.1);
}

TEST(MetricsHosts, SortsByScoreCountThenAddress) {
  std::vector<HostScore> hosts{Host("10.0.0.10", 0.5, 3, 0), Host("10.0.0.9", 0.5, 3, 0), Host("::1", 0.5, 3, 0),
                               Host("10.0.0.1", 0.5, 4, 0),  Host("zz", 0.5, 3, 0),       Host("10.0.0.2", 0.9, 1, 0)};
  aggregate::SortHosts(hosts);
  std::vector<std::string> order;
  for (const auto& h : hosts) order.push_back(h.host);
  EXPECT_EQ(order, (std::vector<std::string>{"10.0.0.2", "10.0.0.1", "10.0.0.9", "10.0.0.10", "::1", "zz"}));
}

std::vector<std::string> Names(const std::vector<HostScore>& hosts) {
  std::vector<std::string> out;
  for (const auto& h : hosts) out.push_back(h.host);
  return out;
}

std::vector<HostScore> SampleHosts() {
  return {
      Host("10.0.0.1", 0.9, 100, 80),  // infected by labels, flagged
      Host("10.0.0.2", 0.3, 50, 10),   // infected by labels, missed
      Host("10.0.0.3", 0.8, 5, 0),     // infected by labels below -c 10 (would be flagged)
      Host("10.0.0.4", 0.7, 30, 0),    // false positive with many flows
      Host("10.0.0.5", 0.6, 2, 0),     // false positive with few flows
      Host("10.0.0.6", 0.1, 40, 0),    // clean
      Host("10.0.0.7", 0.0, 1, 0),     // clean, few flows
      Host("aa:bb", 0.95, 25, 0),      // a non-IP host (ARP), flagged
  };
}

TEST(MetricsHosts, TruthFromLabels) {
  auto hosts = SampleHosts();
  hosts[2].detail.botnet = 1;
  HostEvalOptions options;
  options.threshold = 0.5;
  options.min_count = 10;
  options.fp_min_flows = 20;
  HostMetrics m = EvaluateHosts(hosts, options);
  EXPECT_EQ(m.hosts, 8u);
  EXPECT_EQ(m.evaluated, 5u);  // .1 .2 .4 .6 aa:bb
  EXPECT_EQ(m.flagged, 3u);    // .1 .4 aa:bb
  EXPECT_EQ(Names(m.found), std::vector<std::string>{"10.0.0.1"});
  // .3 has too few flows to be evaluated: missed all the same.
  EXPECT_EQ(Names(m.missed), (std::vector<std::string>{"10.0.0.3", "10.0.0.2"}));
  EXPECT_EQ(Names(m.false_positives), (std::vector<std::string>{"aa:bb", "10.0.0.4"}));
  EXPECT_EQ(m.false_positives_below_fp_min_flows, 0u);  // .5 is not evaluated under -c 10
  EXPECT_EQ(m.clean_hosts, 3u);                         // .4 .6 aa:bb
  EXPECT_DOUBLE_EQ(*m.precision, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*m.recall, 1.0 / 3);
  EXPECT_DOUBLE_EQ(*m.false_positive_rate, 2.0 / 3);
}

TEST(MetricsHosts, TruthFromAnInfectedListAndKnownNormals) {
  auto infected = filter::AddressFilter::FromEntries({"10.0.0.1", "10.0.0.2/31"});  // .1 .2 .3
  auto normal = filter::AddressFilter::FromEntries({"10.0.0.4", "10.0.0.6", "10.0.0.99"});
  HostEvalOptions options;
  options.threshold = 0.5;
  options.fp_min_flows = 20;
  options.infected = &infected;
  options.normal = &normal;
  auto hosts = SampleHosts();
  hosts[0].detail.botnet = 0;  // labels are ignored with a list
  hosts[5].detail.botnet = 9;
  HostMetrics m = EvaluateHosts(hosts, options);
  EXPECT_EQ(m.evaluated, 8u);
  EXPECT_EQ(Names(m.found), (std::vector<std::string>{"10.0.0.1", "10.0.0.3"}));
  EXPECT_EQ(Names(m.missed), std::vector<std::string>{"10.0.0.2"});
  EXPECT_EQ(Names(m.false_positives), (std::vector<std::string>{"aa:bb", "10.0.0.4"}));
  EXPECT_EQ(m.false_positives_below_fp_min_flows, 1u);  // .5
  EXPECT_EQ(m.clean_hosts, 3u);                         // .4 .6 aa:bb
  EXPECT_EQ(Names(m.normal_flagged), std::vector<std::string>{"10.0.0.4"});
  EXPECT_EQ(Names(m.normal_not_flagged), std::vector<std::string>{"10.0.0.6"});
  EXPECT_DOUBLE_EQ(*m.precision, 0.5);
  EXPECT_DOUBLE_EQ(*m.recall, 2.0 / 3);
}

TEST(MetricsHosts, NothingToFind) {
  HostEvalOptions options;
  HostMetrics m = EvaluateHosts({Host("10.0.0.1", 0.1, 3, 0)}, options);
  EXPECT_FALSE(m.recall);
  EXPECT_FALSE(m.precision);  // nothing flagged
  EXPECT_DOUBLE_EQ(*m.false_positive_rate, 0.0);
  HostMetrics none = EvaluateHosts({}, options);
  EXPECT_EQ(none.hosts, 0u);
  EXPECT_FALSE(none.false_positive_rate);
}

}  // namespace
}  // namespace botrecon::eval

namespace botrecon::eval {
namespace {

TEST(ScoreCounts, StreamedMetricsEqualTheInMemoryOnes) {
  Scores s{0.9, 0.1, 0.5, 0.5, 0.7, 0.2, 0.9, 0.3};
  Labels y{1, 0, 1, 0, 1, 0, 0, 1};
  ScoreCounts a, b;
  ConfusionMatrix confusion;
  for (size_t i = 0; i < s.size(); ++i) {
    (i % 2 ? a : b).Add(s[i], y[i] != 0);
    Count(confusion, s[i], y[i] != 0, 0.5);
  }
  a.Merge(b);
  FlowMetrics streamed = ComputeFlowMetrics(confusion, a, 0.5);
  FlowMetrics whole = ComputeFlowMetrics(s, y, 0.5);
  EXPECT_EQ(streamed.roc_auc, whole.roc_auc);
  EXPECT_EQ(streamed.pr_auc, whole.pr_auc);
  EXPECT_EQ(streamed.confusion.tp, whole.confusion.tp);
  EXPECT_EQ(a.precision_bits(), 53);
}

TEST(ScoreCounts, CoarsensBeyondTheLimitTheSameWayForAnySplit) {
  ScoreCounts one(1000), left(1000), right(1000);
  for (int i = 0; i < 5000; ++i) {
    const double score = 1.0 + i * 1e-9;
    one.Add(score, i % 3 == 0);
    (i < 2500 ? left : right).Add(score, i % 3 == 0);
  }
  left.Merge(right);
  EXPECT_LE(one.distinct(), 1000u);
  EXPECT_LT(one.precision_bits(), 53);
  EXPECT_EQ(one.precision_bits(), left.precision_bits());
  EXPECT_EQ(one.Areas(), left.Areas());
  EXPECT_EQ(one.positives() + one.negatives(), 5000u);
}

TEST(DetectionQuality, PerDetectorAndCombined) {
  std::vector<HostScore> hosts{Host("10.0.0.1", 0.9, 100, 5), Host("10.0.0.2", 0.1, 100, 3),
                               Host("10.0.0.3", 0.1, 50, 0), Host("10.0.0.4", 0.9, 30, 0),
                               Host("10.0.0.5", 0.1, 5, 0)};
  std::unordered_map<std::string, std::vector<std::string>> fired{
      {"10.0.0.2", {"horizontal-scan"}}, {"10.0.0.3", {"horizontal-scan"}}, {"10.0.0.5", {"vertical-scan"}}};
  HostEvalOptions options;
  options.threshold = 0.5;
  DetectionQuality q = EvaluateDetection(hosts, fired, {"horizontal-scan", "vertical-scan"}, options, 20);
  EXPECT_EQ(q.infected, 2u);
  EXPECT_EQ(q.normal_hosts, 2u);  // 10.0.0.5 has fewer than 20 flows
  ASSERT_EQ(q.verdicts.size(), 4u);
  EXPECT_EQ(q.verdicts[0].name, "model");
  EXPECT_EQ(q.verdicts[0].found, 1u);
  EXPECT_EQ(q.verdicts[0].normal_flagged, 1u);
  EXPECT_EQ(q.verdicts[1].found, 1u);
  EXPECT_EQ(q.verdicts[1].missed, 1u);
  EXPECT_EQ(q.verdicts[1].normal_flagged, 1u);
  EXPECT_EQ(q.verdicts[2].normal_flagged, 0u);
  EXPECT_EQ(q.verdicts[3].name, "combined");
  EXPECT_EQ(q.verdicts[3].found, 2u);
  EXPECT_EQ(q.verdicts[3].missed, 0u);
  EXPECT_EQ(q.verdicts[3].normal_flagged, 2u);
}

}  // namespace
}  // namespace botrecon::eval
