// no-dns-fanout: many public addresses contacted without a single DNS lookup (hard-coded peers or C&C).
#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  const WindowState& window = context.window;
  if (!context.host_is_home) return;  // an outside host's lookups are not in the capture
  uint64_t publics = window.public_dsts.Estimate();
  if (publics < thresholds::kNoDnsMinPublic || window.dns_flows > 0) return;
  Evidence evidence;
  evidence.detector = "no-dns-fanout";
  evidence.window_start = context.window_start;
  evidence.flows = window.public_flows;
  evidence.summary = fmt::format("{} public addresses, no DNS flow from the host in the window", publics);
  evidence.examples = window.examples.Texts(WindowExamples::kPublics);
  out.push_back(std::move(evidence));
}

}  // namespace

Detector NoDnsFanoutDetector() {
  return {{"no-dns-fanout", 2, "a home-net host contacts many public (outside home net) addresses with no DNS traffic",
           fmt::format(">= {} public destinations in a window and 0 DNS flows (53/853/5353) from the host",
                       thresholds::kNoDnsMinPublic),
           "DstAddr, Dport, Proto"},
          kFieldDst | kFieldDport | kFieldProto,
          Check};
}

}  // namespace botrecon::detect
