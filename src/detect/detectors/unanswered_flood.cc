// unanswered-flood: a flood of connection attempts that get no answer (DoS, scanning, dead C&C).
#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  using namespace thresholds;
  const WindowState& window = context.window;
  double failed_share = Share(window.failed, window.classified);
  if (window.failed < kFloodMinFailed || failed_share < kFloodMinFailedShare) return;
  Evidence evidence;
  evidence.detector = "unanswered-flood";
  evidence.window_start = context.window_start;
  evidence.flows = window.failed;
  evidence.summary = fmt::format("{} unanswered or rejected flows ({} of {}) to {} destinations", window.failed,
                                 Percent(failed_share), window.classified, window.failed_dsts.Estimate());
  evidence.examples = window.FailedExamples();
  out.push_back(std::move(evidence));
}

}  // namespace

Detector UnansweredFloodDetector() {
  return {{"unanswered-flood", 1, "a flood of unanswered or rejected connection attempts",
           fmt::format(">= {} failed flows in a window, >= {} of the flows whose answer is known",
                       thresholds::kFloodMinFailed, Percent(thresholds::kFloodMinFailedShare)),
           "DstAddr, State (or SrcBytes+TotBytes)"},
          kFieldDst | kFieldAnswer,
          Check};
}

}  // namespace botrecon::detect
