// Behaviour evidence as text: the short Evidence column of the table, the
// longer one of the CSV, and times.
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "detect/behaviour.h"

namespace botrecon::report {

// Hosts with evidence, by host text (as the host table prints it).
using EvidenceIndex = std::unordered_map<std::string, const detect::HostBehaviour*>;
EvidenceIndex IndexEvidence(const std::vector<detect::HostBehaviour>& hosts);

// "horizontal-scan (3 windows), smtp-fanout": each detector that fired once,
// in order of first firing.
std::string ShortEvidence(const detect::HostBehaviour& host);
// The detector ids that fired, ';'-separated.
std::string DetectorList(const detect::HostBehaviour& host);
// Every firing: "2011-08-16 10:00:00 horizontal-scan: 412 targets on 23/tcp, 97% unanswered
// (e.g. 1.2.3.4:23, 1.2.3.5:23)", '; '-separated.
std::string LongEvidence(const detect::HostBehaviour& host);
// "2011-08-16 10:01:46" (UTC) for epoch seconds; "" for NaN.
std::string FormatTime(double epoch_seconds);

}  // namespace botrecon::report
