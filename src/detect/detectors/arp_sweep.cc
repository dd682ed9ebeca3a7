// arp-sweep: ARP requests for many addresses (discovery of the local network).
#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  const WindowState& window = context.window;
  uint64_t targets = window.arp_dsts.Estimate();
  if (targets < thresholds::kArpMinTargets) return;
  Evidence evidence;
  evidence.detector = "arp-sweep";
  evidence.window_start = context.window_start;
  evidence.flows = window.arp_flows;
  evidence.summary = fmt::format("ARP for {} addresses", targets);
  evidence.examples = window.examples.Texts(WindowExamples::kArp);
  out.push_back(std::move(evidence));
}

}  // namespace

Detector ArpSweepDetector() {
  return {{"arp-sweep", 1, "ARP requests for many addresses",
           fmt::format(">= {} addresses in a window", thresholds::kArpMinTargets), "DstAddr, Proto"},
          kFieldDst | kFieldProto,
          Check};
}

}  // namespace botrecon::detect
