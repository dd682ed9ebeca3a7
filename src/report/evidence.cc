#include "report/evidence.h"

#include <cmath>
#include <ctime>

namespace botrecon::report {

EvidenceIndex IndexEvidence(const std::vector<detect::HostBehaviour>& hosts) {
  EvidenceIndex index;
  for (const auto& host : hosts) {
    if (!host.evidence.empty()) index.emplace(host.host, &host);
  }
  return index;
}

namespace {

// Detector ids in order of first firing, with how many windows each fired in.
std::vector<std::pair<std::string, int>> FiredDetectors(const detect::HostBehaviour& host) {
  std::vector<std::pair<std::string, int>> fired;
  for (const auto& e : host.evidence) {
    bool found = false;
    for (auto& [id, windows] : fired) {
      if (id == e.detector) {
        ++windows;
        found = true;
      }
    }
    if (!found) fired.emplace_back(e.detector, 1);
  }
  return fired;
}

}  // namespace

std::string ShortEvidence(const detect::HostBehaviour& host) {
  std::string out;
  for (const auto& [id, windows] : FiredDetectors(host)) {
    if (!out.empty()) out += ", ";
    out += id;
    if (windows > 1) out += " (" + std::to_string(windows) + " windows)";
  }
  return out;
}

std::string DetectorList(const detect::HostBehaviour& host) {
  std::string out;
  for (const auto& [id, windows] : FiredDetectors(host)) out += (out.empty() ? "" : ";") + id;
  return out;
}

std::string LongEvidence(const detect::HostBehaviour& host) {
  std::string out;
  for (const auto& e : host.evidence) {
    if (!out.empty()) out += "; ";
    std::string when = FormatTime(e.window_start);
    if (!when.empty()) out += when + " ";
    out += e.detector + ": " + e.summary;
    if (!e.examples.empty()) {
      out += " (e.g. ";
      for (size_t i = 0; i < e.examples.size(); ++i) out += (i ? ", " : "") + e.examples[i];
      out += ")";
    }
  }
  return out;
}

std::string FormatTime(double epoch_seconds) {
  if (!std::isfinite(epoch_seconds)) return {};
  const time_t t = static_cast<time_t>(std::floor(epoch_seconds));
  struct tm utc {};
  if (gmtime_r(&t, &utc) == nullptr) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &utc);
  return buf;
}

}  // namespace botrecon::report
