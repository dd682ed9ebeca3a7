// The per-window statistics line of `botrecon explain` (BehaviourTable::Timeline).
#include <algorithm>

#include <fmt/format.h>

#include "detect/detectors.h"

namespace botrecon::detect {

Evidence WindowSummary(const WindowState& window, double window_start, bool tier2) {
  Evidence line;
  line.detector = "window";
  line.window_start = window_start;
  line.flows = window.flows;
  uint64_t busiest_port = window.BusiestPortTargets(), busiest_dst = window.BusiestTargetPorts();
  line.summary = fmt::format(
      "{} flows to {} destinations; {} failed ({} of {} with a known answer) to {} destinations; "
      "busiest failed port {} targets, busiest failed target {} ports; mail {} servers ({} failed); "
      "ICMP echo {} targets; ARP {} addresses; high ports {} peers, {} ports ({} failed)",
      window.flows, window.dsts.Estimate(), window.failed, Percent(Share(window.failed, window.classified)),
      window.classified, window.failed_dsts.Estimate(), busiest_port, busiest_dst, window.smtp_dsts.Estimate(),
      Percent(Share(window.smtp_failed, window.smtp_flows)), window.icmp_dsts.Estimate(), window.arp_dsts.Estimate(),
      window.p2p_dsts.Estimate(), window.p2p_ports.Estimate(), Percent(Share(window.p2p_failed, window.p2p_flows)));
  if (tier2) {
    size_t pairs = window.beacons ? window.beacons->pairs.size() : 0;
    double best = 0;
    if (window.beacons) {
      for (const BeaconPair& pair : window.beacons->pairs) best = std::max(best, ScoreBeacon(pair).score);
    }
    line.summary += fmt::format("; public {} addresses, DNS {} flows; {} beacon pairs, best score {:.2f}",
                                window.public_dsts.Estimate(), window.dns_flows, pairs, best);
  }
  line.examples = window.FailedExamples();
  return line;
}

}  // namespace botrecon::detect
