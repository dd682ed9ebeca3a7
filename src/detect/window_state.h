// The state of one source host in one time window, and the per-flow facts it
// is built from. Everything here merges exactly (sums, min/max, sketches that
// depend only on the set of values added, bottom-k sets keyed by hash).
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "detect/flow_class.h"
#include "detect/serial.h"
#include "detect/sketch.h"

namespace botrecon::detect {

// Window index of flows without a start time.
// Exact sums of squares (GCC/Clang extension, as aggregate::FixedScore).
__extension__ using Uint128 = unsigned __int128;

inline constexpr int64_t kNoWindow = std::numeric_limits<int64_t>::min();

// What the detectors need to know about one flow, computed once per row
// before the host's shard is locked.
struct FlowFacts {
  core::IpAddress dst;   // valid when dst_ip
  uint64_t dst_hash = 0;  // 0: no destination in this row
  double start = NAN;
  double bytes = -1;  // total bytes, -1 = missing
  int32_t sport = -1, dport = -1;
  uint32_t src_hash32 = 0;
  Proto proto = Proto::kOther;
  Answer answer = Answer::kUnknown;
  bool dst_ip = false;
  bool dst_safe = false;     // destination is safelisted: never evidence
  bool icmp_echo = false;
  bool mail = false;         // TCP to 25/465/587
  bool dns = false;          // to a DNS port
  bool high_ports = false;   // TCP/UDP, both ports >= 1024, not a service port
  bool public_dst = false;   // TCP/UDP to an IP outside home_net, not multicast/broadcast
  bool beacon = false;       // TCP/UDP to a unicast IP, not a service port
  bool failed() const { return answer == Answer::kUnanswered || answer == Answer::kRejected; }
};

// A peer (and port) to show as an example.
struct Example {
  uint64_t hash = 0;
  core::IpAddress address;
  int32_t port = -1;
  std::string Text() const;
  bool operator==(const Example& other) const = default;
};

// The kSize examples with the smallest hashes: order-independent.
struct ExampleSet {
  static constexpr int kSize = 3;
  std::array<Example, kSize> items{};
  uint8_t count = 0;
  void Add(const Example& example);
  void Merge(const ExampleSet& other);
  std::vector<std::string> Texts() const;
  bool operator==(const ExampleSet& other) const = default;
};

// Failed connection attempts hashed into buckets by port (horizontal scans) and
// by destination (vertical scans). In a bucket, `pairs` counts distinct
// (destination, port) pairs and `keys` distinct ports (resp. destinations), so
// pairs - keys + 1 bounds the targets of the busiest port (resp. the ports of
// the busiest destination) from above, and is exact when the bucket holds one key.
struct ScanBucket {
  DistinctSketch pairs, keys;
  Example example;  // the failed (destination, port) with the smallest hash; hash 0 = none
  uint64_t Busiest() const;
  void AddExample(const Example& candidate) {
    if (example.hash == 0 || candidate.hash < example.hash) example = candidate;
  }
};
struct ScanState {
  static constexpr int kBuckets = 8;
  std::array<ScanBucket, kBuckets> by_port, by_dst;
};

// One failed (destination, port) pair, kept exactly while a window has few.
struct FailedPair {
  uint64_t pair_hash = 0;  // HashPair(dst_hash, port hash): the set key
  uint64_t dst_hash = 0;
  core::IpAddress dst;
  int32_t port = -1;
  bool dst_ip = false;
  bool operator==(const FailedPair& other) const = default;
};

// Timing and sizes of one (host, destination) pair, for beaconing.
struct BeaconPair {
  uint64_t dst_hash = 0;
  core::IpAddress dst;
  int32_t port = -1;  // smallest destination port seen
  uint32_t flows = 0;
  uint32_t sized = 0;  // flows with a byte count
  uint64_t bytes_sum = 0;
  Uint128 bytes_squares = 0;
  TimeSlots slots;  // whole seconds since the window start
  void Merge(const BeaconPair& other);
};

// The kMaxPairs destinations with the smallest hashes (a deterministic sample
// when a host talks to more; a destination kept has all its flows).
struct BeaconState {
  static constexpr size_t kMaxPairs = 128;
  std::vector<BeaconPair> pairs;  // sorted by dst_hash
  void Add(const FlowFacts& flow, double window_start);
  void Merge(const BeaconState& other);
  BeaconPair* Insert(uint64_t dst_hash);
};

// Examples per kind of evidence, each set allocated when first used (most
// windows need one kind or none).
struct WindowExamples {
  enum Kind { kSmtp, kIcmp, kArp, kP2p, kPublics, kKinds };
  std::array<std::unique_ptr<ExampleSet>, kKinds> sets;

  ExampleSet& Get(Kind kind) {
    if (!sets[kind]) sets[kind] = std::make_unique<ExampleSet>();
    return *sets[kind];
  }
  const ExampleSet* Find(Kind kind) const { return sets[kind].get(); }
  // The examples of one kind as text (empty if none).
  std::vector<std::string> Texts(Kind kind) const { return sets[kind] ? sets[kind]->Texts() : std::vector<std::string>(); }
  bool any() const {
    for (const auto& set : sets) {
      if (set) return true;
    }
    return false;
  }
  void Merge(const WindowExamples& other) {
    for (int kind = 0; kind < kKinds; ++kind) {
      if (other.sets[kind]) Get(static_cast<Kind>(kind)).Merge(*other.sets[kind]);
    }
  }
  size_t MemoryBytes() const {
    size_t bytes = 0;
    for (const auto& set : sets) bytes += set ? sizeof(ExampleSet) : 0;
    return bytes;
  }
};

struct WindowState {
  int64_t window = kNoWindow;
  uint64_t flows = 0;
  double first = HUGE_VAL, last = -HUGE_VAL;  // start times (HUGE_VAL: none)
  uint32_t classified = 0, failed = 0;       // flows with a known answer; unanswered or rejected
  uint32_t smtp_flows = 0, smtp_failed = 0, icmp_flows = 0, arp_flows = 0;
  uint32_t p2p_flows = 0, p2p_failed = 0, dns_flows = 0, public_flows = 0;
  DistinctSketch dsts, failed_dsts, smtp_dsts, icmp_dsts, arp_dsts, p2p_dsts, p2p_ports, public_dsts;
  // Failed pairs: an exact sorted set while there are at most kMaxPending, then
  // the buckets of `scan` (a pure function of the set either way). No scan
  // detector can fire on kMaxPending pairs.
  static constexpr size_t kMaxPending = 8;
  std::vector<FailedPair> pending;  // sorted by pair_hash; empty once `scan` exists
  std::unique_ptr<ScanState> scan;
  WindowExamples examples;
  std::unique_ptr<BeaconState> beacons;

  WindowState() = default;
  explicit WindowState(int64_t index) : window(index) {}
  WindowState(WindowState&&) noexcept = default;
  WindowState& operator=(WindowState&&) noexcept = default;

  // `tier2`: also keep the Tier 2 state (DNS, public fan-out, beacon pairs).
  void Add(const FlowFacts& flow, bool tier2, double window_seconds);
  void Merge(const WindowState& other);
  size_t MemoryBytes() const;
  // Targets of the busiest failed port / ports of the busiest failed target
  // (exact while pending, else the bucket bound), and a few failed examples.
  uint64_t BusiestPortTargets() const;
  uint64_t BusiestTargetPorts() const;
  std::vector<std::string> FailedExamples() const;
  void Serialize(ByteWriter& out) const;
  static WindowState Deserialize(ByteReader& in);

 private:
  void AddFailed(const FlowFacts& flow, const Example& example);
  void AddScanPair(const FailedPair& pair);
  void AddToScan(const FailedPair& pair);
  void AddTier2(const FlowFacts& flow, const Example& example, double window_seconds);
};

// Epoch seconds of a window's start (NaN for kNoWindow).
inline double WindowStart(int64_t window, double window_seconds) {
  return window == kNoWindow ? NAN : static_cast<double>(window) * window_seconds;
}

}  // namespace botrecon::detect
