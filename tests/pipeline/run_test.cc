#include "pipeline/run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "core/error.h"
#include "models/registry.h"
#include "pipeline/scan.h"

namespace botrecon::pipeline {
namespace {

const std::string kData = std::string(BOTRECON_SHARED_DATA);
const std::string kTestCsv = kData + "/original-tests/test.csv";
const std::string kS5 = kData + "/ctu13/scenario5-virut-head.binetflow";

std::vector<aggregate::HostResult> Sorted(std::vector<aggregate::HostResult> hosts) {
  std::sort(hosts.begin(), hosts.end(), [](auto& a, auto& b) { return a.host < b.host; });
  return hosts;
}

void SkipWithoutData() {
  if (!std::ifstream(kS5)) GTEST_SKIP() << "shared data absent: " << kS5;
}

TEST(Run, ManyInputsAreOneHostTableAndMergeExactly) {
  SkipWithoutData();
  auto model = models::LoadBuiltinModel("rforest");
  auto run = [&](std::vector<std::string> paths, int threads) {
    SourceOptions options;
    for (auto& path : paths) options.inputs.push_back({path, {}});
    FlowSource source(options);
    Stages stages;
    stages.model = model.get();
    return pipeline::Run(source, stages, threads);
  };
  RunResult both = run({kTestCsv, kS5}, 2);
  RunResult first = run({kTestCsv}, 1);
  RunResult second = run({kS5}, 3);  // another shard count
  first.hosts.Merge(second.hosts);
  EXPECT_EQ(both.counts.rows_read, first.counts.rows_read + second.counts.rows_read);
  auto a = Sorted(both.hosts.Collect());
  auto b = Sorted(first.hosts.Collect());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].host, b[i].host);
    EXPECT_EQ(a[i].flow_count, b[i].flow_count);
    EXPECT_EQ(a[i].mean_score, b[i].mean_score);
  }
}

TEST(Run, LabelsHostDetailsAndFlowCountsDoNotDependOnThreads) {
  SkipWithoutData();
  auto model = models::LoadBuiltinModel("rforest");
  auto run = [&](int threads, size_t batch_rows) {
    SourceOptions options;
    options.inputs.push_back({kS5, {}});
    options.labels = true;
    options.extras = true;
    options.reader.max_batch_rows = batch_rows;
    FlowSource source(options);
    Stages stages;
    stages.model = model.get();
    stages.host_details = true;
    stages.flow_metrics = true;
    stages.threshold = 0.5;
    return pipeline::Run(source, stages, threads);
  };
  RunResult one = run(1, 4096);
  EXPECT_EQ(one.counts.rows_kept, 531u);
  EXPECT_EQ(one.scores.positives() + one.scores.negatives(), 531u);
  auto reference = Sorted(one.hosts.Collect());
  uint64_t labelled = 0;
  for (const auto& h : reference) {
    labelled += h.detail.botnet + h.detail.normal + h.detail.background;
    EXPECT_LE(h.detail.first_seen, h.detail.last_seen) << h.host;
  }
  EXPECT_EQ(labelled, 531u);
  RunResult many = run(3, 7);
  auto hosts = Sorted(many.hosts.Collect());
  ASSERT_EQ(hosts.size(), reference.size());
  for (size_t i = 0; i < hosts.size(); ++i) {
    EXPECT_EQ(hosts[i].mean_score, reference[i].mean_score);
    EXPECT_EQ(hosts[i].detail.botnet, reference[i].detail.botnet);
    EXPECT_EQ(hosts[i].detail.background, reference[i].detail.background);
    EXPECT_EQ(hosts[i].detail.first_seen, reference[i].detail.first_seen);
  }
  EXPECT_EQ(many.scores.Areas(), one.scores.Areas());
  EXPECT_EQ(many.confusion.tp, one.confusion.tp);
  EXPECT_EQ(many.confusion.fp, one.confusion.fp);
}

TEST(Run, AnExceptionOnAWorkerReachesTheCaller) {
  const std::string path = ::testing::TempDir() + "/run_bad.csv";
  {
    std::ofstream out(path);
    out << "SrcAddr,Proto,Dport,Sport,State,Dur,TotBytes,SrcBytes\n";
    for (int i = 0; i < 100; ++i) out << "10.0.0." << i % 7 << ",tcp,80,1234,CON,1.0,100,50\n";
    out << "10.0.0.1,tcp,80,1234,CON,notanumber,100,50\n";
  }
  SourceOptions options;
  options.inputs.push_back({path, {}});
  options.reader.max_batch_rows = 3;
  FlowSource source(options);
  auto model = models::LoadBuiltinModel("rforest");
  Stages stages;
  stages.model = model.get();
  EXPECT_THROW(pipeline::Run(source, stages, 4), core::InputError);
  std::remove(path.c_str());
}

TEST(Scan, TimeWindowsGlobalAndPerInput) {
  SkipWithoutData();
  auto model = models::LoadBuiltinModel("rforest");
  ScanOptions options;
  options.inputs = {kS5};
  options.model = model.get();
  const uint64_t all = RunScan(options).rows_evaluated;
  options.window = {-1, 1};  // up to a minute after the first row (rows are not sorted)
  const uint64_t first_minute = RunScan(options).rows_evaluated;
  options.window = {1, -1};
  const uint64_t rest = RunScan(options).rows_evaluated;
  EXPECT_GT(first_minute, 0u);
  EXPECT_EQ(first_minute + rest, all);
  options.input_windows = {TimeWindow{-1, 1}};  // replaces the global window
  options.threads = 2;
  EXPECT_EQ(RunScan(options).rows_evaluated, first_minute);
}

TEST(Scan, TimeWindowNeedsAStartTimeColumn) {
  const std::string path = ::testing::TempDir() + "/run_no_time.csv";
  {
    std::ofstream out(path);
    out << "SrcAddr,Proto,Dport,Sport,State,Dur,TotBytes,SrcBytes\n10.0.0.1,tcp,80,1234,CON,1.0,100,50\n";
  }
  auto model = models::LoadBuiltinModel("rforest");
  ScanOptions options;
  options.inputs = {path};
  options.model = model.get();
  options.window = {0, 10};
  try {
    RunScan(options);
    FAIL() << "expected an error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("a time window needs a StartTime column"), std::string::npos);
  }
  options.window = {};
  EXPECT_EQ(RunScan(options).rows_evaluated, 1u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace botrecon::pipeline
