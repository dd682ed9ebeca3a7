// vertical-scan: many destination ports tried on one target, without answer.
#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  const WindowState& window = context.window;
  if (!window.scan) return;
  const ScanBucket* busiest = nullptr;
  for (const ScanBucket& bucket : window.scan->by_dst) {
    if (!busiest || bucket.Busiest() > busiest->Busiest()) busiest = &bucket;
  }
  uint64_t ports = busiest->Busiest();
  if (ports < thresholds::kVerticalMinPorts) return;
  Evidence evidence;
  evidence.detector = "vertical-scan";
  evidence.window_start = context.window_start;
  evidence.flows = window.failed;
  std::string target = busiest->example.hash != 0 && busiest->keys.Estimate() == 1
                           ? core::FormatIpAddress(busiest->example.address)
                           : fmt::format("one of {} targets", busiest->keys.Estimate());
  evidence.summary = fmt::format("{} ports failed on {}", ports, target);
  evidence.examples = BucketExamples(window.scan->by_port, nullptr);  // several ports
  out.push_back(std::move(evidence));
}

}  // namespace

Detector VerticalScanDetector() {
  return {{"vertical-scan", 1, "many destination ports tried on one target, unanswered or rejected",
           fmt::format(">= {} failed ports on one target in a window", thresholds::kVerticalMinPorts),
           "DstAddr, Dport, Proto, State (or SrcBytes+TotBytes)"},
          kFieldDst | kFieldDport | kFieldProto | kFieldAnswer,
          Check};
}

}  // namespace botrecon::detect
