// The detectors: one small unit each (src/detect/detectors/<id>.cc), listed in
// one table. A detector reads one host window's state and appends Evidence.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "detect/behaviour.h"
#include "detect/window_state.h"

namespace botrecon::detect {

// Flow fields a detector needs (bit mask).
inline constexpr uint32_t kFieldDst = 1;
inline constexpr uint32_t kFieldProto = 2;
inline constexpr uint32_t kFieldDport = 4;
inline constexpr uint32_t kFieldSport = 8;
inline constexpr uint32_t kFieldAnswer = 16;  // State, or TotBytes + SrcBytes
inline constexpr uint32_t kFieldStart = 32;
inline constexpr uint32_t kFieldDns = 64;     // at least one DNS flow in the capture

// What is known about the whole capture.
struct CaptureFacts {
  uint32_t fields = 0;  // Field bits present in at least one row
  // Distinct sources (saturating at SourceSet::kMax + 1) that contacted a destination.
  std::function<int(uint64_t dst_hash)> sources;
};

struct WindowContext {
  const WindowState& window;
  double window_start;  // NaN: no times
  const CaptureFacts& capture;
  bool host_is_home = false;  // the source host is inside home_net (its DNS would be seen)
};

using CheckFn = void (*)(const WindowContext& context, std::vector<Evidence>& out);

struct Detector {
  DetectorInfo info;
  uint32_t needs = 0;  // Field bits
  CheckFn check = nullptr;
};

// All detectors, Tier 1 first.
const std::vector<Detector>& AllDetectors();

// One per detector file.
Detector SmtpFanoutDetector();
Detector HorizontalScanDetector();
Detector VerticalScanDetector();
Detector IcmpSweepDetector();
Detector ArpSweepDetector();
Detector UnansweredFloodDetector();
Detector BeaconingDetector();
Detector NoDnsFanoutDetector();
Detector P2pFanoutDetector();

// Beacon regularity of one pair (exposed for tests).
struct BeaconScore {
  uint32_t intervals = 0;
  double median_interval = 0;  // seconds
  double interval_score = 0;   // 1 - |Bowley skew| and 1 - MAD/median, averaged
  double size_score = -1;      // 1 - coefficient of variation of bytes; -1: no sizes
  double score = 0;
};
BeaconScore ScoreBeacon(const BeaconPair& pair);

// The "window" line of Timeline(): every per-window statistic.
Evidence WindowSummary(const WindowState& window, double window_start, bool tier2);

// Examples of failed flows: `first`'s example, then the other buckets' (at most 3).
std::vector<std::string> BucketExamples(const std::array<ScanBucket, ScanState::kBuckets>& buckets, const ScanBucket* first);

// Helpers for summaries.
std::string Percent(double share);
double Share(uint64_t part, uint64_t whole);
// Field names for notes ("start times", "State or SrcBytes/TotBytes", ...).
std::string FieldNames(uint32_t fields);

}  // namespace botrecon::detect
