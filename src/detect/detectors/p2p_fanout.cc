// p2p-fanout: a failing peer-to-peer botnet tries many peers on high ports, most of them gone.
#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  using namespace thresholds;
  const WindowState& window = context.window;
  uint64_t peers = window.p2p_dsts.Estimate(), ports = window.p2p_ports.Estimate();
  double failed_share = Share(window.p2p_failed, window.p2p_flows);
  if (peers < kP2pMinPeers || ports < kP2pMinPorts || failed_share < kP2pMinFailedShare) return;
  Evidence evidence;
  evidence.detector = "p2p-fanout";
  evidence.window_start = context.window_start;
  evidence.flows = window.p2p_flows;
  evidence.summary = fmt::format("{} peers on {} high ports, {} unanswered or rejected", peers, ports,
                                 Percent(failed_share));
  evidence.examples = window.examples.Texts(WindowExamples::kP2p);
  out.push_back(std::move(evidence));
}

}  // namespace

Detector P2pFanoutDetector() {
  return {{"p2p-fanout", 2, "many peers on high ports (both >= 1024), mostly unanswered or rejected",
           fmt::format(">= {} peers and >= {} distinct destination ports in a window, >= {} of those flows failed",
                       thresholds::kP2pMinPeers, thresholds::kP2pMinPorts, Percent(thresholds::kP2pMinFailedShare)),
           "DstAddr, Sport, Dport, Proto, State (or SrcBytes+TotBytes)"},
          kFieldDst | kFieldSport | kFieldDport | kFieldProto | kFieldAnswer,
          Check};
}

}  // namespace botrecon::detect
