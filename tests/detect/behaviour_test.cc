// BehaviourTable: exact merges (any split, any order, any thread count),
// serialize round trip.
#include "detect/behaviour.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>

#include "core/error.h"
#include "flow_builder.h"

namespace botrecon::detect {
namespace {

using testing::Address;
using testing::Flow;
using testing::FlowBuilder;

constexpr double kT0 = 1700000000;

// A capture with every kind of behaviour, over three hours, IPv4, IPv6 and non-IP names.
FlowBuilder MixedCapture() {
  FlowBuilder flows;
  std::mt19937 rng(11);
  for (int idx = 0; idx < 1400; ++idx) {  // horizontal scan (and a flood), into the HyperLogLog range
    flows.Add(Flow{"10.0.0.1", Address("192.0.", idx), "tcp", idx % 5 ? "S0" : "SF", kT0 + idx % 1800, 40000, 445});
  }
  for (int idx = 0; idx < 120; ++idx) {  // vertical scan
    flows.Add(Flow{"10.0.0.2", "10.0.9.9", "tcp", "S_RA", kT0 + idx * 3.0, 40000, 1.0 + idx});
  }
  for (int idx = 0; idx < 150; ++idx) {  // beacon, three windows
    flows.Add(Flow{"2001:db8::7", "2001:db8:ffff::1", "tcp", "SF", kT0 + idx * 60.0, 40000, 8443, 10, 900, 300});
  }
  for (int idx = 0; idx < 90; ++idx) {  // p2p, smtp, icmp, arp
    flows.Add(Flow{"10.0.0.3", Address("198.19.", idx * 7), "udp", "INT", kT0 + idx, 30000, 10000.0 + idx});
    flows.Add(Flow{"10.0.0.4", Address("198.51.", idx), "tcp", "S_", kT0 + idx, 40000, 25});
    flows.Add(Flow{"10.0.0.5", Address("10.3.", idx), "icmp", "ECO", kT0 + idx, 8, 0});
    flows.Add(Flow{"host-name", Address("10.4.", idx), "arp", "INT", NAN, -1, -1});
  }
  for (int idx = 0; idx < 3000; ++idx) {  // background: normal clients
    Flow flow{Address("10.50.", static_cast<int>(rng() % 200)), Address("203.0.", static_cast<int>(rng() % 3000)), "tcp",
              rng() % 10 ? "SF" : "REJ", kT0 + static_cast<double>(rng() % 10800), 40000, rng() % 2 ? 443.0 : 53.0};
    flow.totbytes = 500 + rng() % 100;
    flows.Add(flow);
  }
  return flows;
}

std::string Render(const std::vector<HostBehaviour>& hosts) {
  std::string text;
  for (const HostBehaviour& host : hosts) {
    text += host.host + " " + std::to_string(host.flows) + " " + std::to_string(host.first_seen) + " " +
            std::to_string(host.last_seen) + "\n";
    for (const Evidence& evidence : host.evidence) {
      text += "  " + evidence.detector + " " + std::to_string(evidence.window_start) + " " +
              std::to_string(evidence.flows) + " " + evidence.summary;
      for (const std::string& example : evidence.examples) text += " " + example;
      text += "\n";
    }
  }
  return text;
}

Options AllLevel() {
  Options options;
  options.level = Level::kAll;
  return options;
}

void ObserveInBatches(BehaviourTable& table, FlowBuilder& flows, size_t batch) {
  for (size_t begin = 0; begin < flows.size(); begin += batch) table.Observe(flows.Columns(begin, begin + batch));
}

TEST(DetectBehaviourTable, MixedCaptureFiresEveryDetector) {
  FlowBuilder flows = MixedCapture();
  BehaviourTable table(AllLevel());
  ObserveInBatches(table, flows, 256);
  std::string text = Render(table.Finish());
  for (const char* detector : {"horizontal-scan", "vertical-scan", "beaconing", "p2p-fanout", "smtp-fanout", "icmp-sweep",
                               "arp-sweep", "unanswered-flood", "no-dns-fanout"}) {
    EXPECT_NE(text.find(detector), std::string::npos) << detector << "\n" << text;
  }
  EXPECT_EQ(text.find("10.50."), std::string::npos) << text;  // normal clients stay silent
  EXPECT_NE(text.find("host-name"), std::string::npos);
  EXPECT_LT(text.find("10.0.0.1 "), text.find("2001:db8::7"));  // IPv4, then IPv6, then names
  EXPECT_LT(text.find("2001:db8::7"), text.find("host-name"));
}

TEST(DetectBehaviourTable, AnySplitMergesToTheSameState) {
  FlowBuilder flows = MixedCapture();
  BehaviourTable whole(AllLevel());
  ObserveInBatches(whole, flows, 1000);
  std::string expected_bytes = whole.Serialize();
  std::string expected = Render(whole.Finish());
  std::mt19937 rng(5);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<Flow> rows = flows.flows();
    std::shuffle(rows.begin(), rows.end(), rng);
    FlowBuilder parts[3];
    for (const Flow& flow : rows) parts[rng() % 3].Add(flow);
    BehaviourTable tables[3] = {BehaviourTable(AllLevel()), BehaviourTable(AllLevel(), 4), BehaviourTable(AllLevel())};
    for (int part = 0; part < 3; ++part) ObserveInBatches(tables[part], parts[part], 1 + rng() % 500);
    tables[2].Merge(tables[0]);
    tables[1].Merge(tables[2]);
    EXPECT_TRUE(tables[1].Serialize() == expected_bytes) << trial;
    EXPECT_EQ(Render(tables[1].Finish()), expected) << trial;
  }
}

TEST(DetectBehaviourTable, ConcurrentObserveEqualsOneThread) {
  FlowBuilder flows = MixedCapture();
  BehaviourTable one(AllLevel());
  ObserveInBatches(one, flows, 300);
  BehaviourTable shared(AllLevel(), 2);
  FlowBuilder halves[2];
  for (size_t idx = 0; idx < flows.size(); ++idx) halves[(idx / 97) % 2].Add(flows.flows()[idx]);
  std::thread worker([&] { ObserveInBatches(shared, halves[0], 64); });
  ObserveInBatches(shared, halves[1], 64);
  worker.join();
  EXPECT_TRUE(shared.Serialize() == one.Serialize());
}

TEST(DetectBehaviourTable, SerializeRoundTrip) {
  FlowBuilder flows = MixedCapture();
  BehaviourTable table(AllLevel());
  ObserveInBatches(table, flows, 512);
  std::string bytes = table.Serialize();
  BehaviourTable back = BehaviourTable::Deserialize(bytes, AllLevel());
  EXPECT_TRUE(back.Serialize() == bytes);
  EXPECT_EQ(Render(back.Finish()), Render(table.Finish()));
  EXPECT_EQ(Render(back.Timeline("10.0.0.1")), Render(table.Timeline("10.0.0.1")));
  EXPECT_EQ(back.Notes(), table.Notes());
  // Merging a deserialized partial equals observing both parts.
  BehaviourTable twice(AllLevel());
  ObserveInBatches(twice, flows, 512);
  ObserveInBatches(twice, flows, 700);
  back.Merge(table);
  EXPECT_TRUE(back.Serialize() == twice.Serialize());
}

TEST(DetectBehaviourTable, DeserializeRejectsBadInput) {
  BehaviourTable table(AllLevel());
  FlowBuilder flows = MixedCapture();
  table.Observe(flows.Columns(0, 2000));
  std::string bytes = table.Serialize();
  EXPECT_THROW(BehaviourTable::Deserialize(bytes.substr(0, bytes.size() / 2), AllLevel()), core::InputError);
  EXPECT_THROW(BehaviourTable::Deserialize("nonsense", AllLevel()), core::InputError);
  EXPECT_THROW(BehaviourTable::Deserialize(bytes + "x", AllLevel()), core::InputError);
  Options other = AllLevel();
  other.window_seconds = 600;
  EXPECT_THROW(BehaviourTable::Deserialize(bytes, other), core::InputError);
}

TEST(DetectBehaviourTable, QuietHostsStaySmall) {
  FlowBuilder flows;
  for (int idx = 0; idx < 20000; ++idx) {
    flows.Add(Flow{Address("10.60.", idx), "203.0.113.5", "tcp", "SF", kT0 + idx, 40000, 443, 10, 900, 300});
  }
  BehaviourTable table{Options{}};
  ObserveInBatches(table, flows, 2048);
  EXPECT_EQ(table.num_hosts(), 20000u);
  EXPECT_LT(table.MemoryBytes() / 20000, 400u);  // one flow each: node, host, one window, one sketch
}

}  // namespace
}  // namespace botrecon::detect
