// smtp-fanout: a spam bot delivers to many mail servers, and most refuse or ignore it.
#include <fmt/format.h>

#include "detect/detectors.h"
#include "detect/thresholds.h"

namespace botrecon::detect {
namespace {

void Check(const WindowContext& context, std::vector<Evidence>& out) {
  using namespace thresholds;
  const WindowState& window = context.window;
  uint64_t servers = window.smtp_dsts.Estimate();
  double failed_share = Share(window.smtp_failed, window.smtp_flows);
  if (servers < kSmtpMinServers || failed_share < kSmtpMinFailedShare) return;
  Evidence evidence;
  evidence.detector = "smtp-fanout";
  evidence.window_start = context.window_start;
  evidence.flows = window.smtp_flows;
  evidence.summary = fmt::format("{} mail servers on 25/465/587 tcp, {} unanswered or rejected", servers,
                                 Percent(failed_share));
  evidence.examples = window.examples.Texts(WindowExamples::kSmtp);
  out.push_back(std::move(evidence));
}

}  // namespace

Detector SmtpFanoutDetector() {
  return {{"smtp-fanout", 1, "many distinct mail servers (25/465/587 tcp), mostly unanswered or rejected",
           fmt::format(">= {} mail servers in a window and >= {} of the mail flows failed", thresholds::kSmtpMinServers,
                       Percent(thresholds::kSmtpMinFailedShare)),
           "DstAddr, Dport, Proto, State (or SrcBytes+TotBytes)"},
          kFieldDst | kFieldDport | kFieldProto | kFieldAnswer,
          Check};
}

}  // namespace botrecon::detect
