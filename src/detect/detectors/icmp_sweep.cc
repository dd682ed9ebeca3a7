// icmp-sweep: echo requests (ping) to many targets.
#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  const WindowState& window = context.window;
  uint64_t targets = window.icmp_dsts.Estimate();
  if (targets < thresholds::kIcmpMinTargets) return;
  Evidence evidence;
  evidence.detector = "icmp-sweep";
  evidence.window_start = context.window_start;
  evidence.flows = window.icmp_flows;
  evidence.summary = fmt::format("ICMP echo to {} targets", targets);
  evidence.examples = window.examples.Texts(WindowExamples::kIcmp);
  out.push_back(std::move(evidence));
}

}  // namespace

Detector IcmpSweepDetector() {
  return {{"icmp-sweep", 1, "ICMP echo requests (ping) to many targets",
           fmt::format(">= {} echo targets in a window", thresholds::kIcmpMinTargets), "DstAddr, Proto (State or Sport for the ICMP type)"},
          kFieldDst | kFieldProto,
          Check};
}

}  // namespace botrecon::detect
