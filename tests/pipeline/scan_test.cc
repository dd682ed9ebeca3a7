#include "pipeline/scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "core/error.h"
#include "models/registry.h"

namespace botrecon::pipeline {
namespace {

const std::string kTestCsv = std::string(BOTRECON_SHARED_DATA) + "/original-tests/test.csv";

std::vector<aggregate::HostResult> Sorted(std::vector<aggregate::HostResult> hosts) {
  std::sort(hosts.begin(), hosts.end(), [](auto& a, auto& b) { return a.host < b.host; });
  return hosts;
}

TEST(Scan, SameResultWhateverThreadsAndBatchSize) {
  auto model = models::LoadBuiltinModel("rforest");
  ScanOptions base;
  base.inputs = {kTestCsv};
  base.model = model.get();
  base.threads = 1;
  ScanResult reference = RunScan(base);
  EXPECT_EQ(reference.rows_read, 5000u);
  EXPECT_EQ(reference.rows_evaluated, 5000u);
  EXPECT_EQ(reference.hosts.size(), 1739u);
  auto ref_hosts = Sorted(reference.hosts);
  for (int threads : {2, 3, 8}) {
    for (size_t batch_rows : {1, 7, 100, 4096}) {
      ScanOptions options = base;
      options.threads = threads;
      options.reader.max_batch_rows = batch_rows;
      auto hosts = Sorted(RunScan(options).hosts);
      ASSERT_EQ(hosts.size(), ref_hosts.size());
      for (size_t i = 0; i < hosts.size(); ++i) {
        EXPECT_EQ(hosts[i].host, ref_hosts[i].host);
        EXPECT_EQ(hosts[i].flow_count, ref_hosts[i].flow_count);
        EXPECT_EQ(hosts[i].mean_score, ref_hosts[i].mean_score) << hosts[i].host << " threads " << threads;
      }
    }
  }
}

TEST(Scan, AddressFilterAndInvalidAddresses) {
  auto model = models::LoadBuiltinModel("rforest");
  auto filter = filter::AddressFilter::FromEntries({"147.32.84.0/24"});
  ScanOptions options;
  options.inputs = {std::string(BOTRECON_SHARED_DATA) + "/original-tests/filter.csv"};
  options.model = model.get();
  options.address_filter = &filter;
  ScanResult result = RunScan(options);
  EXPECT_EQ(result.rows_read, 20u);
  EXPECT_EQ(result.rows_evaluated, 4u);
  EXPECT_EQ(result.hosts.size(), 4u);
}

TEST(Scan, ErrorsFromWorkerThreadsReachTheCaller) {
  std::string path = testing::TempDir() + "/scan_bad.csv";
  {
    std::ofstream out(path);
    out << "SrcAddr,Proto,Dport,Sport,State,Dur,TotBytes,SrcBytes\n";
    for (int i = 0; i < 50000; ++i) out << "10.0.0." << (i % 200) << ",tcp,80,1025,S_,0.5,100,60\n";
    out << "10.0.0.1,tcp,80,1025,S_,oops,100,60\n";
  }
  auto model = models::LoadBuiltinModel("rforest");
  ScanOptions options;
  options.inputs = {path};
  options.model = model.get();
  options.threads = 4;
  options.reader.max_batch_rows = 1000;
  try {
    RunScan(options);
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":50002: column 'Dur' (field 6): invalid value 'oops'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace botrecon::pipeline
