// horizontal-scan: one destination port tried on many targets, mostly without answer.
#include <algorithm>

#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  using namespace thresholds;
  const WindowState& window = context.window;
  if (!window.scan) return;
  const ScanBucket* busiest = nullptr;
  for (const ScanBucket& bucket : window.scan->by_port) {
    if (!busiest || bucket.Busiest() > busiest->Busiest()) busiest = &bucket;
  }
  uint64_t targets = busiest->Busiest();
  double failed_share = Share(window.failed_dsts.Estimate(), window.dsts.Estimate());
  if (targets < kHorizontalMinTargets || failed_share < kHorizontalMinFailedShare) return;
  Evidence evidence;
  evidence.detector = "horizontal-scan";
  evidence.window_start = context.window_start;
  evidence.flows = window.failed;
  uint64_t ports = busiest->keys.Estimate();
  std::string port = busiest->example.hash != 0 && ports == 1 ? fmt::format("port {}", busiest->example.port)
                                                               : fmt::format("one of {} ports", ports);
  evidence.summary = fmt::format("{} targets failed on {}, {} of {} destinations unanswered or rejected", targets, port,
                                 Percent(failed_share), window.dsts.Estimate());
  evidence.examples = BucketExamples(window.scan->by_dst, nullptr);  // several targets
  out.push_back(std::move(evidence));
}

}  // namespace

Detector HorizontalScanDetector() {
  return {{"horizontal-scan", 1, "one destination port tried on many targets, mostly unanswered or rejected",
           fmt::format(">= {} failed targets on one port in a window and >= {} of the host's destinations failed",
                       thresholds::kHorizontalMinTargets, Percent(thresholds::kHorizontalMinFailedShare)),
           "DstAddr, Dport, Proto, State (or SrcBytes+TotBytes)"},
          kFieldDst | kFieldDport | kFieldProto | kFieldAnswer,
          Check};
}

}  // namespace botrecon::detect
