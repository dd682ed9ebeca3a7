// Behaviour detection: per source host and time window state, kept in one
// pass beside the model, and detectors that turn it into explained evidence
// (scans, sweeps, SMTP fan-out, floods, beaconing, ...). See docs/detectors.md.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "filter/address_filter.h"

namespace botrecon::detect {

// Views of one batch of flows, struct-of-arrays; each span has n entries, or
// is EMPTY when the capture lacks that field.
struct FlowColumns {
  size_t n = 0;
  std::span<const uint8_t> keep;            // rows with keep==0 are ignored (always n entries)
  std::span<const std::string_view> src;    // source address text as written (always n) — may be a non-IP name
  std::span<const std::string_view> dst;    // destination address text
  std::span<const std::string_view> proto;  // lower-cased: "tcp","udp","icmp","arp","ipv6-icmp","icmp6","igmp",...
  // As written: Argus ("CON","FIN","RST","REQ","INT","S_","SR_SA","ECO",...),
  // Zeek conn_state ("S0","REJ","SF",...), nfdump flags (".AP.SF", "....S.").
  std::span<const std::string_view> state;
  std::span<const double> start;                          // flow start, epoch seconds; NaN = missing in this row
  std::span<const double> sport, dport;                   // 0..65535, or -1 = missing
  std::span<const double> dur, pkts, totbytes, srcbytes;  // >= 0, or -1 = missing
};

enum class Level { kOff, kDefault /*Tier 1*/, kAll /*Tier 1 + Tier 2*/ };

struct Options {
  double window_seconds = 3600;
  Level level = Level::kDefault;
  // nullptr: private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, fc00::/7, fe80::/10).
  const filter::AddressFilter* home_net = nullptr;
  // Peers/hosts never counted as evidence (either end).
  const filter::AddressFilter* safelist = nullptr;
};

// One detector firing in one window for one host.
struct Evidence {
  // Short id: "smtp-fanout", "horizontal-scan", "vertical-scan", "icmp-sweep", "arp-sweep",
  // "unanswered-flood", "beaconing", "no-dns-fanout", "p2p-fanout" ("window" in Timeline()).
  std::string detector;
  double window_start = NAN;          // epoch seconds of the window start (NaN when the capture has no times)
  uint64_t flows = 0;                 // flows that are evidence
  std::string summary;                // one short line: "412 mail servers on 25/tcp, 97% unanswered"
  std::vector<std::string> examples;  // a few peers/ports, e.g. "1.2.3.4:25"
};

struct HostBehaviour {
  std::string host;  // source host as the host table prints it
  double first_seen = NAN, last_seen = NAN;
  uint64_t flows = 0;
  std::vector<Evidence> evidence;  // empty = nothing fired; sorted by window then detector
};

// What a detector is, for --help and the README.
struct DetectorInfo {
  std::string id;
  int tier = 1;             // 1: Level::kDefault, 2: Level::kAll only
  std::string description;  // one line
  std::string thresholds;   // the thresholds as text
  std::string needs;        // the flow fields it needs
};

class HostTables;      // the sharded state (host_tables.h)
struct CaptureFacts;  // detectors.h

class BehaviourTable {
 public:
  explicit BehaviourTable(const Options& options, int threads = 1);
  ~BehaviourTable();
  BehaviourTable(BehaviourTable&&) noexcept;
  BehaviourTable& operator=(BehaviourTable&&) noexcept;

  // Thread-safe: several workers may call it at once (hosts are sharded).
  void Observe(const FlowColumns& flows);
  // Exact: any split of the flows over tables, merged, gives the same Finish().
  // Not thread-safe against concurrent Observe on either table.
  void Merge(const BehaviourTable& other);
  // Only hosts with evidence, sorted by host (addresses in numeric order, IPv4
  // before IPv6, then other names in byte order).
  std::vector<HostBehaviour> Finish() const;
  // For `botrecon explain`: one HostBehaviour per window of that host, with all
  // per-window stats as evidence lines (detector "window") plus the fired
  // evidence. Empty if the host was never seen.
  std::vector<HostBehaviour> Timeline(std::string_view host) const;
  // One line per detector that could not run and why, and "level" notes.
  std::vector<std::string> Notes() const;
  // A byte image of the whole state (deterministic: equal states give equal bytes).
  std::string Serialize() const;
  static BehaviourTable Deserialize(std::string_view bytes, const Options& options);

  static const std::vector<DetectorInfo>& Detectors();

  // Hosts (source addresses) held, and the approximate heap bytes of the state.
  size_t num_hosts() const;
  size_t MemoryBytes() const;
  const Options& options() const { return options_; }

 private:
  CaptureFacts MakeCaptureFacts() const;

  Options options_;
  std::unique_ptr<HostTables> tables_;
};

}  // namespace botrecon::detect
