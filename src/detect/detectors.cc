#include "detect/detectors.h"

#include <cmath>

#include <fmt/format.h>

namespace botrecon::detect {

const std::vector<Detector>& AllDetectors() {
  static const std::vector<Detector> detectors = {
      SmtpFanoutDetector(), HorizontalScanDetector(), VerticalScanDetector(), IcmpSweepDetector(),
      ArpSweepDetector(),   UnansweredFloodDetector(), BeaconingDetector(),   NoDnsFanoutDetector(),
      P2pFanoutDetector(),
  };
  return detectors;
}

std::vector<std::string> BucketExamples(const std::array<ScanBucket, ScanState::kBuckets>& buckets, const ScanBucket* first) {
  std::vector<std::string> texts;
  if (first && first->example.hash != 0) texts.push_back(first->example.Text());
  for (const ScanBucket& bucket : buckets) {
    if (texts.size() >= 3) break;
    if (&bucket != first && bucket.example.hash != 0) texts.push_back(bucket.example.Text());
  }
  return texts;
}

double Share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string Percent(double share) { return fmt::format("{:.0f}%", std::floor(share * 100 + 0.5)); }

std::string FieldNames(uint32_t fields) {
  static const std::pair<uint32_t, const char*> kNames[] = {
      {kFieldDst, "destination addresses"}, {kFieldProto, "protocols"},
      {kFieldDport, "destination ports"},   {kFieldSport, "source ports"},
      {kFieldAnswer, "State (or SrcBytes and TotBytes)"}, {kFieldStart, "start times"},
      {kFieldDns, "DNS flows"},
  };
  std::string names;
  for (const auto& [bit, name] : kNames) {
    if (!(fields & bit)) continue;
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

}  // namespace botrecon::detect
