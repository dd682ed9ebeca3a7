// Every detector threshold in one place. Why each value is what it is:
// docs/detectors.md (calibrated on the captures named there).
#pragma once
#include <cstdint>

namespace botrecon::detect::thresholds {

// smtp-fanout: distinct mail servers (25/465/587 TCP) in a window, and the
// share of those mail flows that were unanswered or rejected.
inline constexpr uint64_t kSmtpMinServers = 20;
inline constexpr double kSmtpMinFailedShare = 0.5;

// horizontal-scan: distinct targets whose connection failed on one port.
inline constexpr uint64_t kHorizontalMinTargets = 32;
// ... and the share of the host's destinations that failed.
inline constexpr double kHorizontalMinFailedShare = 0.5;

// vertical-scan: distinct ports that failed on one target.
inline constexpr uint64_t kVerticalMinPorts = 24;

// icmp-sweep: distinct targets of ICMP echo requests.
inline constexpr uint64_t kIcmpMinTargets = 32;

// arp-sweep: distinct addresses ARP-requested.
inline constexpr uint64_t kArpMinTargets = 32;

// unanswered-flood: unanswered or rejected flows, and their share of the flows
// whose answer is known.
inline constexpr uint64_t kFloodMinFailed = 1000;
inline constexpr double kFloodMinFailedShare = 0.7;

// beaconing (Tier 2): per (host, destination) pair in a window.
inline constexpr uint32_t kBeaconMinIntervals = 20;   // distinct start slots - 1
inline constexpr double kBeaconMinScore = 0.95;       // mean of the interval and size scores, 0..1
inline constexpr int kBeaconMaxSources = 2;           // destination contacted by at most this many hosts

// no-dns-fanout (Tier 2): distinct public destinations with no DNS flow from the host in the window.
inline constexpr uint64_t kNoDnsMinPublic = 50;

// p2p-fanout (Tier 2): distinct peers on high ports (both >= 1024), distinct
// destination ports, and the share of those flows that failed.
inline constexpr uint64_t kP2pMinPeers = 24;
inline constexpr uint64_t kP2pMinPorts = 16;
inline constexpr double kP2pMinFailedShare = 0.8;

}  // namespace botrecon::detect::thresholds
