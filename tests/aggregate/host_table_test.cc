#include "aggregate/host_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <cmath>
#include <random>

#include "core/error.h"
#include <thread>

namespace botrecon::aggregate {
namespace {

TEST(HostTable, MeansAndCounts) {
  ShardedHostTable agg;
  std::vector<std::string_view> hosts{"1.2.3.4", "1.2.3.4", "::1", "aa:bb:cc:dd:ee:ff", "1.2.3.4"};
  std::vector<double> scores{1.0, 0.0, 0.25, 0.5, 0.5};
  std::vector<uint8_t> keep{1, 1, 1, 1, 0};
  agg.AddBatch(hosts, scores, keep);
  auto results = agg.Collect();
  ASSERT_EQ(results.size(), 3u);
  std::map<std::string, HostResult> by;
  for (auto& r : results) by[r.host] = r;
  EXPECT_EQ(by["1.2.3.4"].flow_count, 2u);
  EXPECT_DOUBLE_EQ(by["1.2.3.4"].mean_score, 0.5);
  EXPECT_DOUBLE_EQ(by["::1"].mean_score, 0.25);
  EXPECT_EQ(by["aa:bb:cc:dd:ee:ff"].flow_count, 1u);
}

TEST(HostTable, MergeEqualsSingleTable) {
  HostTable a, b, all;
  std::mt19937 rng(5);
  for (int i = 0; i < 20000; ++i) {
    core::IpAddress ip = *core::ParseIpAddress("10.0." + std::to_string(rng() % 200) + "." + std::to_string(rng() % 250));
    FixedScore s = ToFixed((rng() % 1000) / 1000.0);
    (i % 2 ? a : b).Add(ip, s);
    all.Add(ip, s);
  }
  a.Add(std::string_view("host-x"), 7);
  all.Add(std::string_view("host-x"), 7);
  a.Merge(b);
  std::vector<HostResult> x, y;
  a.Collect(x);
  all.Collect(y);
  auto key = [](const HostResult& h) { return h.host; };
  std::sort(x.begin(), x.end(), [&](auto& p, auto& q) { return key(p) < key(q); });
  std::sort(y.begin(), y.end(), [&](auto& p, auto& q) { return key(p) < key(q); });
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].host, y[i].host);
    EXPECT_EQ(x[i].flow_count, y[i].flow_count);
    EXPECT_EQ(x[i].mean_score, y[i].mean_score);  // exact: fixed-point sums
  }
}

TEST(HostTable, ConcurrentBatchesGiveExactSameMeans) {
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) names.push_back("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250));
  std::vector<std::string_view> hosts;
  std::vector<double> scores;
  std::mt19937 rng(1);
  for (int i = 0; i < 100000; ++i) {
    hosts.push_back(names[rng() % names.size()]);
    scores.push_back(std::generate_canonical<double, 53>(rng));
  }
  std::vector<uint8_t> keep(hosts.size(), 1);
  ShardedHostTable one;
  one.AddBatch(hosts, scores, keep);
  // Four threads on a 4-shard table (built for 1 thread), in small batches:
  // threads keep finding shards busy and come back to them.
  ShardedHostTable many;
  ASSERT_EQ(many.num_shards(), 4u);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      size_t begin = hosts.size() * t / 4, end = hosts.size() * (t + 1) / 4;
      for (size_t b = begin; b < end; b += 1000) {
        const size_t len = std::min<size_t>(1000, end - b);
        many.AddBatch(std::span(hosts).subspan(b, len), std::span(scores).subspan(b, len),
                      std::span(keep).subspan(b, len));
      }
    });
  }
  for (auto& th : threads) th.join();
  auto a = SelectInfected(one.Collect(), -1, 0);
  auto b = SelectInfected(many.Collect(), -1, 0);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].host, b[i].host);
    EXPECT_EQ(a[i].mean_score, b[i].mean_score);
  }
}

TEST(HostTable, ShardCountFollowsThreads) {
  EXPECT_EQ(ShardedHostTable(1).num_shards(), 4u);
  EXPECT_EQ(ShardedHostTable(2).num_shards(), 4u);
  EXPECT_EQ(ShardedHostTable(3).num_shards(), 8u);
  EXPECT_EQ(ShardedHostTable(32).num_shards(), 64u);
  EXPECT_EQ(ShardedHostTable(0).num_shards(), 4u);
}

TEST(SelectInfected, ThresholdMinCountAndTieOrder) {
  std::vector<HostResult> hosts{{"10.0.0.2", 0.9, 5},  {"10.0.0.10", 0.9, 5}, {"::1", 0.9, 5},
                                {"zzz", 0.9, 5},       {"10.0.0.3", 0.9, 7},  {"10.0.0.4", 0.49, 100},
                                {"10.0.0.5", 0.5, 2},  {"10.0.0.6", 1.0, 1}};
  auto out = SelectInfected(hosts, 0.5, 2);
  std::vector<std::string> order;
  for (auto& h : out) order.push_back(h.host);
  EXPECT_EQ(order, (std::vector<std::string>{"10.0.0.3", "10.0.0.2", "10.0.0.10", "::1", "zzz", "10.0.0.5"}));
  EXPECT_EQ(SelectInfected(hosts, 0.5, 0).size(), 7u);
}

}  // namespace
}  // namespace botrecon::aggregate

namespace botrecon::aggregate {
namespace {

TEST(ToFixed, ExactForProbabilitiesAndDecisionValues) {
  for (double v : {0.0, 1.0, 0.5, 0.485, 0.1, 1.0 / 3, -0.25, -3.75, 12.125, -0.7734375}) {
    EXPECT_EQ(FixedMean(ToFixed(v), 1), v) << v;
  }
  EXPECT_NEAR(FixedMean(ToFixed(-1e-9), 1), -1e-9, 1e-19);  // bits below 2^-64 are dropped
  // The mean of 0.47 and 0.5 is 0.485 exactly rounded, not 0.48499999998.
  EXPECT_EQ(FixedMean(ToFixed(0.47) + ToFixed(0.5), 2), (0.47 + 0.5) / 2);
  EXPECT_THROW(ToFixed(std::nan("")), core::InternalError);
}

}  // namespace
}  // namespace botrecon::aggregate

namespace botrecon::aggregate {
namespace {

TEST(HostTable, DetailsCountLabelsAndFirstLastSeenAndMerge) {
  std::vector<std::string_view> hosts{"10.0.0.1", "10.0.0.1", "host-x", "10.0.0.1"};
  std::vector<double> scores{1.0, 0.0, 0.5, 0.5};
  std::vector<uint8_t> keep{1, 1, 1, 1};
  std::vector<uint8_t> labels{1, 2, 0, 0};  // botnet, background, normal, normal
  std::vector<double> start{30.0, 10.0, NAN, 20.0};
  ShardedHostTable a(1, true), b(4, true);
  a.AddBatch({std::span(hosts).first(2), std::span(scores).first(2), std::span(keep).first(2),
              std::span(labels).first(2), std::span(start).first(2)});
  b.AddBatch({std::span(hosts).subspan(2), std::span(scores).subspan(2), std::span(keep).subspan(2),
              std::span(labels).subspan(2), std::span(start).subspan(2)});
  a.Merge(b);
  auto results = a.Collect();
  SortHosts(results);
  ASSERT_EQ(results.size(), 2u);
  const HostResult& ip = results[0].host == "10.0.0.1" ? results[0] : results[1];
  EXPECT_EQ(ip.flow_count, 3u);
  EXPECT_EQ(ip.mean_score, 0.5);
  EXPECT_EQ(ip.detail.botnet, 1u);
  EXPECT_EQ(ip.detail.background, 1u);
  EXPECT_EQ(ip.detail.normal, 1u);
  EXPECT_EQ(ip.detail.first_seen, 10.0);
  EXPECT_EQ(ip.detail.last_seen, 30.0);
  const HostResult& name = results[0].host == "host-x" ? results[0] : results[1];
  EXPECT_EQ(name.detail.normal, 1u);
  EXPECT_TRUE(std::isnan(name.detail.first_seen));
}

TEST(HostTable, WithoutDetailsNothingIsKept) {
  ShardedHostTable table;
  std::vector<std::string_view> hosts{"10.0.0.1"};
  std::vector<double> scores{0.5};
  std::vector<uint8_t> keep{1}, labels{1};
  table.AddBatch({hosts, scores, keep, labels, {}});
  EXPECT_EQ(table.Collect()[0].detail.botnet, 0u);
}

}  // namespace
}  // namespace botrecon::aggregate
