#include "detect/window_state.h"

#include <algorithm>

#include <fmt/format.h>

namespace botrecon::detect {

std::string Example::Text() const {
  std::string text = core::FormatIpAddress(address);
  if (port < 0) return text;
  return address.is_v4 ? fmt::format("{}:{}", text, port) : fmt::format("[{}]:{}", text, port);
}

void ExampleSet::Add(const Example& example) {
  for (int idx = 0; idx < count; ++idx) {
    if (items[idx].hash == example.hash) return;
  }
  if (count < kSize) {
    items[count++] = example;
  } else if (example.hash < items[kSize - 1].hash) {
    items[kSize - 1] = example;
  } else {
    return;
  }
  std::sort(items.begin(), items.begin() + count, [](const Example& a, const Example& b) { return a.hash < b.hash; });
}

void ExampleSet::Merge(const ExampleSet& other) {
  for (int idx = 0; idx < other.count; ++idx) Add(other.items[idx]);
}

std::vector<std::string> ExampleSet::Texts() const {
  std::vector<std::string> texts;
  for (int idx = 0; idx < count; ++idx) texts.push_back(items[idx].Text());
  return texts;
}

uint64_t ScanBucket::Busiest() const {
  uint64_t pair_count = pairs.Estimate(), key_count = keys.Estimate();
  if (pair_count == 0) return 0;
  return pair_count >= key_count ? pair_count - key_count + 1 : 1;
}

// ---- BeaconPair / BeaconState ----

void BeaconPair::Merge(const BeaconPair& other) {
  if (other.port >= 0 && (port < 0 || other.port < port)) port = other.port;
  flows += other.flows;
  sized += other.sized;
  bytes_sum += other.bytes_sum;
  bytes_squares += other.bytes_squares;
  slots.Merge(other.slots);
}

BeaconPair* BeaconState::Insert(uint64_t dst_hash) {
  auto it = std::lower_bound(pairs.begin(), pairs.end(), dst_hash,
                             [](const BeaconPair& pair, uint64_t hash) { return pair.dst_hash < hash; });
  if (it != pairs.end() && it->dst_hash == dst_hash) return &*it;
  if (pairs.size() >= kMaxPairs && it == pairs.end()) return nullptr;  // above the bottom-k cut
  it = pairs.insert(it, BeaconPair{});
  it->dst_hash = dst_hash;
  BeaconPair* inserted = &*it;
  if (pairs.size() > kMaxPairs) pairs.pop_back();  // never the inserted one: it was below the last
  return inserted;
}

void BeaconState::Add(const FlowFacts& flow, double window_start) {
  BeaconPair* pair = Insert(flow.dst_hash);
  if (!pair) return;
  pair->dst = flow.dst;
  BeaconPair one;
  one.port = flow.dport;
  one.flows = 1;
  if (flow.bytes >= 0) {
    auto bytes = static_cast<uint64_t>(flow.bytes);
    one.sized = 1;
    one.bytes_sum = bytes;
    one.bytes_squares = static_cast<Uint128>(bytes) * bytes;
  }
  double offset = std::floor(flow.start - window_start);
  pair->slots.Add(static_cast<uint32_t>(std::clamp(offset, 0.0, 4e9)));
  pair->Merge(one);
}

void BeaconState::Merge(const BeaconState& other) {
  for (const BeaconPair& theirs : other.pairs) {
    BeaconPair* ours = Insert(theirs.dst_hash);
    if (!ours) continue;
    if (ours->flows == 0) {
      *ours = theirs;
    } else {
      ours->Merge(theirs);
    }
  }
}

// ---- WindowState ----

void WindowState::Add(const FlowFacts& flow, bool tier2, double window_seconds) {
  ++flows;
  if (std::isfinite(flow.start)) {
    first = std::min(first, flow.start);
    last = std::max(last, flow.start);
  }
  if (flow.dst_hash == 0 || flow.dst_safe) return;
  dsts.Add(flow.dst_hash);
  Example example{HashPair(flow.dst_hash, static_cast<uint64_t>(flow.dport)) | 1, flow.dst, flow.dport};
  bool has_example = flow.dst_ip;
  if (flow.answer != Answer::kUnknown) ++classified;
  if (flow.failed()) AddFailed(flow, example);
  if (flow.mail) {
    ++smtp_flows;
    smtp_failed += flow.failed();
    smtp_dsts.Add(flow.dst_hash);
    if (has_example) examples.Get(WindowExamples::kSmtp).Add(example);
  }
  if (flow.icmp_echo) {
    ++icmp_flows;
    icmp_dsts.Add(flow.dst_hash);
    if (has_example) examples.Get(WindowExamples::kIcmp).Add(Example{flow.dst_hash, flow.dst, -1});
  }
  if (flow.proto == Proto::kArp) {
    ++arp_flows;
    arp_dsts.Add(flow.dst_hash);
    if (has_example) examples.Get(WindowExamples::kArp).Add(Example{flow.dst_hash, flow.dst, -1});
  }
  if (flow.high_ports) {
    ++p2p_flows;
    p2p_failed += flow.failed();
    p2p_dsts.Add(flow.dst_hash);
    p2p_ports.Add(Mix64(static_cast<uint64_t>(flow.dport) + 1));
    if (has_example && flow.failed()) examples.Get(WindowExamples::kP2p).Add(example);
  }
  if (tier2) AddTier2(flow, example, window_seconds);
}

void WindowState::AddFailed(const FlowFacts& flow, const Example& example) {
  ++failed;
  failed_dsts.Add(flow.dst_hash);
  // Scans: TCP, or UDP to a service port (< 1024). One-way UDP to high ports is
  // streaming, VoIP or P2P (p2p-fanout), not a scan.
  bool scan_proto = flow.proto == Proto::kTcp || (flow.proto == Proto::kUdp && flow.dport < 1024);
  if (flow.dport < 0 || !scan_proto) return;
  uint64_t port_hash = Mix64(static_cast<uint64_t>(flow.dport) + 1);
  AddScanPair(FailedPair{HashPair(flow.dst_hash, port_hash), flow.dst_hash, flow.dst, flow.dport, flow.dst_ip});
}

void WindowState::AddScanPair(const FailedPair& pair) {
  if (scan) {
    AddToScan(pair);
    return;
  }
  auto it = std::lower_bound(pending.begin(), pending.end(), pair.pair_hash,
                             [](const FailedPair& entry, uint64_t hash) { return entry.pair_hash < hash; });
  if (it != pending.end() && it->pair_hash == pair.pair_hash) return;
  pending.insert(it, pair);
  if (pending.size() <= kMaxPending) return;
  scan = std::make_unique<ScanState>();
  for (const FailedPair& entry : pending) AddToScan(entry);
  std::vector<FailedPair>().swap(pending);
}

void WindowState::AddToScan(const FailedPair& pair) {
  uint64_t port_hash = Mix64(static_cast<uint64_t>(pair.port) + 1);
  ScanBucket& by_port = scan->by_port[port_hash & (ScanState::kBuckets - 1)];
  by_port.pairs.Add(pair.pair_hash);
  by_port.keys.Add(port_hash);
  ScanBucket& by_dst = scan->by_dst[pair.dst_hash & (ScanState::kBuckets - 1)];
  by_dst.pairs.Add(pair.pair_hash);
  by_dst.keys.Add(pair.dst_hash);
  if (pair.dst_ip) {
    Example example{HashPair(pair.dst_hash, static_cast<uint64_t>(pair.port)) | 1, pair.dst, pair.port};
    by_port.AddExample(example);
    by_dst.AddExample(example);
  }
}

namespace {
// Largest number of distinct `value`s for one `key` among the pending pairs.
// (The pending pairs are distinct, so pairs sharing a key differ in the other part.)
template <typename Key>
uint64_t BusiestPending(const std::vector<FailedPair>& pending, Key key) {
  uint64_t best = 0;
  for (const FailedPair& a : pending) {
    uint64_t count = 0;
    for (const FailedPair& b : pending) count += key(a) == key(b);
    best = std::max(best, count);
  }
  return best;
}
}  // namespace

uint64_t WindowState::BusiestPortTargets() const {
  uint64_t best = BusiestPending(pending, [](const FailedPair& p) { return p.port; });
  if (scan) {
    for (const ScanBucket& bucket : scan->by_port) best = std::max(best, bucket.Busiest());
  }
  return best;
}

uint64_t WindowState::BusiestTargetPorts() const {
  uint64_t best = BusiestPending(pending, [](const FailedPair& p) { return p.dst_hash; });
  if (scan) {
    for (const ScanBucket& bucket : scan->by_dst) best = std::max(best, bucket.Busiest());
  }
  return best;
}

std::vector<std::string> WindowState::FailedExamples() const {
  std::vector<std::string> texts;
  for (const FailedPair& pair : pending) {
    if (texts.size() < 3 && pair.dst_ip) texts.push_back(Example{0, pair.dst, pair.port}.Text());
  }
  if (scan) {
    for (const ScanBucket& bucket : scan->by_dst) {
      if (texts.size() < 3 && bucket.example.hash != 0) texts.push_back(bucket.example.Text());
    }
  }
  return texts;
}

void WindowState::AddTier2(const FlowFacts& flow, const Example& example, double window_seconds) {
  if (flow.dns) ++dns_flows;
  if (flow.public_dst) {
    ++public_flows;
    public_dsts.Add(flow.dst_hash);
    examples.Get(WindowExamples::kPublics).Add(Example{flow.dst_hash, flow.dst, -1});
  }
  if (flow.beacon && std::isfinite(flow.start) && window != kNoWindow) {
    if (!beacons) beacons = std::make_unique<BeaconState>();
    beacons->Add(flow, WindowStart(window, window_seconds));
  }
}

namespace {
template <typename T>
void MergeOwned(std::unique_ptr<T>& ours, const std::unique_ptr<T>& theirs) {
  if (!theirs) return;
  if (!ours) ours = std::make_unique<T>();
  ours->Merge(*theirs);
}
}  // namespace

void WindowState::Merge(const WindowState& other) {
  flows += other.flows;
  first = std::min(first, other.first);
  last = std::max(last, other.last);
  classified += other.classified;
  failed += other.failed;
  smtp_flows += other.smtp_flows;
  smtp_failed += other.smtp_failed;
  icmp_flows += other.icmp_flows;
  arp_flows += other.arp_flows;
  p2p_flows += other.p2p_flows;
  p2p_failed += other.p2p_failed;
  dns_flows += other.dns_flows;
  public_flows += other.public_flows;
  DistinctSketch WindowState::*sketches[] = {&WindowState::dsts, &WindowState::failed_dsts, &WindowState::smtp_dsts,
                                             &WindowState::icmp_dsts, &WindowState::arp_dsts, &WindowState::p2p_dsts,
                                             &WindowState::p2p_ports, &WindowState::public_dsts};
  for (auto member : sketches) (this->*member).Merge(other.*member);
  for (const FailedPair& pair : other.pending) AddScanPair(pair);
  if (other.scan) {
    if (!scan) {
      scan = std::make_unique<ScanState>();
      for (const FailedPair& entry : pending) AddToScan(entry);
      std::vector<FailedPair>().swap(pending);
    }
    for (int idx = 0; idx < ScanState::kBuckets; ++idx) {
      for (auto side : {&ScanState::by_port, &ScanState::by_dst}) {
        ScanBucket& ours = ((*scan).*side)[idx];
        const ScanBucket& theirs = ((*other.scan).*side)[idx];
        ours.pairs.Merge(theirs.pairs);
        ours.keys.Merge(theirs.keys);
        if (theirs.example.hash != 0) ours.AddExample(theirs.example);
      }
    }
  }
  examples.Merge(other.examples);
  MergeOwned(beacons, other.beacons);
}

size_t WindowState::MemoryBytes() const {
  size_t bytes = sizeof(WindowState);
  for (const DistinctSketch* sketch : {&dsts, &failed_dsts, &smtp_dsts, &icmp_dsts, &arp_dsts, &p2p_dsts, &p2p_ports, &public_dsts}) {
    bytes += sketch->MemoryBytes();
  }
  bytes += pending.capacity() * sizeof(FailedPair);
  if (scan) {
    bytes += sizeof(ScanState);
    for (int idx = 0; idx < ScanState::kBuckets; ++idx) {
      for (const ScanBucket* bucket : {&scan->by_port[idx], &scan->by_dst[idx]}) {
        bytes += bucket->pairs.MemoryBytes() + bucket->keys.MemoryBytes();
      }
    }
  }
  bytes += examples.MemoryBytes();
  if (beacons) {
    bytes += sizeof(BeaconState) + beacons->pairs.capacity() * sizeof(BeaconPair);
    for (const BeaconPair& pair : beacons->pairs) bytes += pair.slots.MemoryBytes();
  }
  return bytes;
}

}  // namespace botrecon::detect
