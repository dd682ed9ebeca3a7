// Boundary tests: each detector fires just at its threshold and stays silent
// just below; with a field missing it stays silent and says why in Notes().
#include <gtest/gtest.h>

#include <algorithm>

#include "detect/behaviour.h"
#include "detect/thresholds.h"
#include "flow_builder.h"

namespace botrecon::detect {
namespace {

using testing::Address;
using testing::Flow;
using testing::FlowBuilder;
namespace th = thresholds;

constexpr double kT0 = 1700000000;  // window-aligned for 3600 s windows? no matter: all in one hour below
const char* kHost = "10.0.0.5";

std::vector<std::string> Fired(FlowBuilder& flows, Level level = Level::kAll, BehaviourTable* keep = nullptr) {
  Options options;
  options.level = level;
  BehaviourTable table(options);
  table.Observe(flows.Columns());
  std::vector<std::string> fired;
  for (const HostBehaviour& host : table.Finish()) {
    for (const Evidence& evidence : host.evidence) fired.push_back(host.host + " " + evidence.detector);
  }
  if (keep) *keep = std::move(table);
  return fired;
}

bool Has(const std::vector<std::string>& fired, const std::string& what) {
  return std::find(fired.begin(), fired.end(), std::string(kHost) + " " + what) != fired.end();
}

bool NoteMentions(const BehaviourTable& table, const std::string& text) {
  for (const std::string& note : table.Notes()) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

// `count` flows from kHost, one per target/port as `make` says.
template <typename Make>
FlowBuilder Many(int count, Make make) {
  FlowBuilder flows;
  for (int idx = 0; idx < count; ++idx) {
    Flow flow = make(idx);
    flow.src = kHost;
    if (std::isnan(flow.start)) flow.start = kT0 + idx;
    flows.Add(flow);
  }
  return flows;
}

Flow Failed(std::string dst, double dport, std::string state = "S0") {
  Flow flow;
  flow.dst = std::move(dst);
  flow.dport = dport;
  flow.state = std::move(state);
  return flow;
}

TEST(DetectSmtpFanout, FiresAtThreshold) {
  auto make = [](int idx) { return Failed(Address("198.51.", idx), 25, "S_"); };
  auto at = Many(th::kSmtpMinServers, make), below = Many(th::kSmtpMinServers - 1, make);
  EXPECT_TRUE(Has(Fired(at, Level::kDefault), "smtp-fanout"));
  EXPECT_FALSE(Has(Fired(below, Level::kDefault), "smtp-fanout"));
}

TEST(DetectSmtpFanout, SilentWhenMostMailIsDelivered) {
  // Half the mail flows failed: fires at exactly kSmtpMinFailedShare, not just below.
  int servers = th::kSmtpMinServers;
  auto half = Many(2 * servers, [&](int idx) {
    return Failed(Address("198.51.", idx % servers), 25, idx < servers ? "S_" : "SPA_SPA");
  });
  EXPECT_TRUE(Has(Fired(half), "smtp-fanout"));
  auto below = half;
  below.Add(Flow{kHost, "198.51.0.1", "tcp", "SPA_SPA", kT0, 40000, 25});
  EXPECT_FALSE(Has(Fired(below), "smtp-fanout"));
}

TEST(DetectHorizontalScan, FiresAtThreshold) {
  auto make = [](int idx) { return Failed(Address("192.0.", idx), 23); };
  auto at = Many(th::kHorizontalMinTargets, make), below = Many(th::kHorizontalMinTargets - 1, make);
  EXPECT_TRUE(Has(Fired(at, Level::kDefault), "horizontal-scan"));
  EXPECT_FALSE(Has(Fired(below, Level::kDefault), "horizontal-scan"));
}

TEST(DetectHorizontalScan, SilentWhenMostDestinationsAnswer) {
  int targets = th::kHorizontalMinTargets;
  auto flows = Many(targets, [](int idx) { return Failed(Address("192.0.", idx), 23); });
  // As many answered destinations as failed ones: share 50% >= kHorizontalMinFailedShare fires...
  for (int idx = 0; idx < targets; ++idx) flows.Add(Flow{kHost, Address("203.0.", idx), "tcp", "SF", kT0, 40000, 443});
  EXPECT_TRUE(Has(Fired(flows), "horizontal-scan"));
  // ... one more answered destination does not.
  flows.Add(Flow{kHost, "203.0.200.1", "tcp", "SF", kT0, 40000, 443});
  EXPECT_FALSE(Has(Fired(flows), "horizontal-scan"));
}

TEST(DetectVerticalScan, FiresAtThreshold) {
  auto make = [](int idx) { return Failed("192.0.2.7", 1000 + idx, "REJ"); };
  auto at = Many(th::kVerticalMinPorts, make), below = Many(th::kVerticalMinPorts - 1, make);
  EXPECT_TRUE(Has(Fired(at, Level::kDefault), "vertical-scan"));
  EXPECT_FALSE(Has(Fired(below, Level::kDefault), "vertical-scan"));
}

TEST(DetectIcmpSweep, FiresAtThreshold) {
  auto make = [](int idx) {
    Flow flow{"", Address("10.1.", idx), "icmp", "ECO"};
    flow.sport = 8, flow.dport = 0;
    return flow;
  };
  auto at = Many(th::kIcmpMinTargets, make), below = Many(th::kIcmpMinTargets - 1, make);
  EXPECT_TRUE(Has(Fired(at, Level::kDefault), "icmp-sweep"));
  EXPECT_FALSE(Has(Fired(below, Level::kDefault), "icmp-sweep"));
}

TEST(DetectArpSweep, FiresAtThreshold) {
  auto make = [](int idx) {
    Flow flow{"", Address("10.0.", idx), "arp", "INT"};
    flow.sport = -1, flow.dport = -1;
    return flow;
  };
  auto at = Many(th::kArpMinTargets, make), below = Many(th::kArpMinTargets - 1, make);
  EXPECT_TRUE(Has(Fired(at, Level::kDefault), "arp-sweep"));
  EXPECT_FALSE(Has(Fired(below, Level::kDefault), "arp-sweep"));
}

TEST(DetectUnansweredFlood, FiresAtThreshold) {
  auto make = [](int idx) { return Failed("203.0.113.9", 80, "INT"); };
  auto at = Many(th::kFloodMinFailed, make), below = Many(th::kFloodMinFailed - 1, make);
  for (FlowBuilder* flows : {&at, &below}) flows->Add(Flow{kHost, "203.0.113.10", "udp", "CON", kT0, 40000, 9999});
  EXPECT_TRUE(Has(Fired(at, Level::kDefault), "unanswered-flood"));
  EXPECT_FALSE(Has(Fired(below, Level::kDefault), "unanswered-flood"));
}

TEST(DetectUnansweredFlood, FromBytesWithoutState) {
  auto flows = Many(th::kFloodMinFailed, [](int idx) { return Failed("203.0.113.9", 80, ""); });
  flows.no_state = true;
  BehaviourTable table{Options{}};
  EXPECT_TRUE(Has(Fired(flows, Level::kDefault, &table), "unanswered-flood"));
  EXPECT_TRUE(NoteMentions(table, "SrcBytes == TotBytes"));
}

FlowBuilder Beacon(int calls, double period = 60) {
  return Many(calls, [&](int idx) {
    Flow flow{"", "198.18.0.66", "tcp", "SF", kT0 + 7 + idx * period, 40000, 8443, 10, 900, 300};
    return flow;
  });
}

TEST(DetectBeaconing, FiresAtMinimumIntervals) {
  auto at = Beacon(th::kBeaconMinIntervals + 1), below = Beacon(th::kBeaconMinIntervals);
  EXPECT_TRUE(Has(Fired(at), "beaconing"));
  EXPECT_FALSE(Has(Fired(below), "beaconing"));
  EXPECT_FALSE(Has(Fired(at, Level::kDefault), "beaconing"));  // Tier 2 only
}

TEST(DetectBeaconing, SilentWhenIrregularOrPopular) {
  auto irregular = Many(30, [](int idx) {
    Flow flow{"", "198.18.0.66", "tcp", "SF", kT0 + (idx * idx * 7) % 3000, 40000, 8443, 10, 900.0 + idx * 97, 300};
    return flow;
  });
  EXPECT_FALSE(Has(Fired(irregular), "beaconing"));
  auto popular = Beacon(30);
  for (int other = 0; other < th::kBeaconMaxSources; ++other) {
    popular.Add(Flow{Address("10.9.", other), "198.18.0.66", "tcp", "SF", kT0, 40000, 8443});
  }
  EXPECT_FALSE(Has(Fired(popular), "beaconing"));  // kBeaconMaxSources + 1 hosts contact it
  auto dns = Many(30, [](int idx) { return Flow{"", "198.18.0.53", "udp", "CON", kT0 + idx * 60.0, 40000, 53, 2, 200, 60}; });
  EXPECT_FALSE(Has(Fired(dns), "beaconing"));
}

TEST(DetectBeaconing, NotRunWithoutStartTimes) {
  auto flows = Beacon(40);
  flows.no_start = true;
  BehaviourTable table{Options{}};
  EXPECT_TRUE(Fired(flows, Level::kAll, &table).empty());
  EXPECT_TRUE(NoteMentions(table, "beaconing: not run, the capture has no start times"));
  EXPECT_TRUE(NoteMentions(table, "each host is one window"));
}

TEST(DetectNoDnsFanout, FiresAtThreshold) {
  auto make = [](int idx) { return Flow{"", Address("203.1.", idx), "tcp", "SF", NAN, 40000, 443, 10, 900, 300}; };
  auto at = Many(th::kNoDnsMinPublic, make), below = Many(th::kNoDnsMinPublic - 1, make);
  EXPECT_TRUE(Has(Fired(at), "no-dns-fanout"));
  EXPECT_FALSE(Has(Fired(below), "no-dns-fanout"));
  at.Add(Flow{kHost, "10.0.0.1", "udp", "CON", kT0, 40000, 53, 2, 200, 60});
  EXPECT_FALSE(Has(Fired(at), "no-dns-fanout"));
  // Private destinations are not public.
  auto home = Many(th::kNoDnsMinPublic, [](int idx) { return Flow{"", Address("10.7.", idx), "tcp", "SF", NAN, 40000, 443, 10, 900, 300}; });
  EXPECT_FALSE(Has(Fired(home), "no-dns-fanout"));
}

TEST(DetectP2pFanout, FiresAtThreshold) {
  auto make = [](int idx) { return Failed(Address("198.19.", idx), 10000 + idx % th::kP2pMinPorts, "INT"); };
  auto at = Many(th::kP2pMinPeers, make), below = Many(th::kP2pMinPeers - 1, make);
  for (FlowBuilder* flows : {&at, &below}) {
    for (Flow& flow : const_cast<std::vector<Flow>&>(flows->flows())) flow.proto = "udp";
  }
  EXPECT_TRUE(Has(Fired(at), "p2p-fanout"));
  EXPECT_FALSE(Has(Fired(below), "p2p-fanout"));
  auto few_ports = Many(th::kP2pMinPeers, [](int idx) { return Failed(Address("198.19.", idx), 10000 + idx % (th::kP2pMinPorts - 1), "INT"); });
  EXPECT_FALSE(Has(Fired(few_ports), "p2p-fanout"));
}

TEST(DetectMissingFields, NoStateNoBytesMeansNoScanEvidence) {
  auto flows = Many(200, [](int idx) { return Failed(Address("10.2.", idx), 23); });
  flows.no_state = true;
  flows.no_bytes = true;
  BehaviourTable table{Options{}};
  EXPECT_TRUE(Fired(flows, Level::kAll, &table).empty());
  EXPECT_TRUE(NoteMentions(table, "horizontal-scan: not run, the capture has no State (or SrcBytes and TotBytes)"));
  EXPECT_TRUE(NoteMentions(table, "unanswered-flood: not run"));
}

TEST(DetectMissingFields, NoDestinationMeansNothing) {
  auto flows = Many(200, [](int idx) { return Failed(Address("192.0.", idx), 23); });
  flows.no_dst = true;
  BehaviourTable table{Options{}};
  EXPECT_TRUE(Fired(flows, Level::kAll, &table).empty());
  EXPECT_TRUE(NoteMentions(table, "horizontal-scan: not run, the capture has no destination addresses"));
  EXPECT_TRUE(NoteMentions(table, "icmp-sweep: not run"));
}

TEST(DetectSafelist, SafelistedPeersAndHostsAreNeverEvidence) {
  auto flows = Many(100, [](int idx) { return Failed(Address("192.0.", idx), 23); });
  auto peers = filter::AddressFilter::FromEntries({"192.0.0.0/16"});
  Options options;
  options.safelist = &peers;
  BehaviourTable table(options);
  table.Observe(flows.Columns());
  EXPECT_TRUE(table.Finish().empty());
  auto hosts = filter::AddressFilter::FromEntries({kHost});
  options.safelist = &hosts;
  BehaviourTable by_host(options);
  by_host.Observe(flows.Columns());
  EXPECT_TRUE(by_host.Finish().empty());
  EXPECT_EQ(by_host.num_hosts(), 0u);
}

TEST(DetectLevels, NotesExplainTheLevel) {
  Options options;
  EXPECT_TRUE(NoteMentions(BehaviourTable(options), "Tier 2 detectors"));
  options.level = Level::kOff;
  BehaviourTable off(options);
  auto flows = Many(100, [](int idx) { return Failed(Address("192.0.", idx), 23); });
  off.Observe(flows.Columns());
  EXPECT_TRUE(off.Finish().empty());
  EXPECT_TRUE(NoteMentions(off, "off"));
  EXPECT_EQ(BehaviourTable::Detectors().size(), 9u);
}

TEST(DetectTimeline, OneEntryPerWindowWithStats) {
  auto flows = Many(th::kHorizontalMinTargets, [](int idx) { return Failed(Address("192.0.", idx), 23); });
  flows.Add(Flow{kHost, "192.0.2.1", "tcp", "SF", kT0 + 7200, 40000, 443});  // a later window
  BehaviourTable table{Options{}};
  Fired(flows, Level::kDefault, &table);
  auto timeline = table.Timeline(kHost);
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].evidence[0].detector, "window");
  EXPECT_EQ(timeline[0].evidence.back().detector, "horizontal-scan");
  EXPECT_EQ(timeline[1].evidence.size(), 1u);
  EXPECT_EQ(timeline[1].flows, 1u);
  EXPECT_LT(timeline[0].evidence[0].window_start, timeline[1].evidence[0].window_start);
  EXPECT_TRUE(table.Timeline("10.255.255.255").empty());
  auto hosts = table.Finish();
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].flows, flows.size());
  EXPECT_EQ(hosts[0].first_seen, kT0);
  EXPECT_EQ(hosts[0].last_seen, kT0 + 7200);
  EXPECT_EQ(hosts[0].evidence[0].summary.substr(0, 30), "32 targets failed on port 23, ");
  EXPECT_EQ(hosts[0].evidence[0].examples.size(), 3u);
}

}  // namespace
}  // namespace botrecon::detect
