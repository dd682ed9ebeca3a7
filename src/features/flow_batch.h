// The derived per-flow features every model consumes.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace botrecon::features {

// Missing numeric values (empty cells) are encoded as this sentinel in every
// numeric feature, in training and scoring alike. All real values are >= 0.
inline constexpr double kMissing = -1.0;

// The eight canonical features, in the order of SPEC §1 "Columns".
enum class Feature : int { kSrcAddr = 0, kProto, kDport, kSport, kState, kDur, kTotBytes, kSrcBytes };
inline constexpr int kNumInputColumns = 8;

// Optional columns, read only when behaviour detection is on. Packets may be
// the sum of two columns (Zeek orig_pkts + resp_pkts, nfdump ipkt + opkt):
// kPktsSecond is then the second one.
enum class Extra : int { kDstAddr = 0, kStartTime, kPkts, kPktsSecond };
inline constexpr int kNumExtraColumns = 4;

// Features of one batch of flows, struct-of-arrays. String views point into
// the ColumnBatch they were derived from, which must outlive this.
struct FlowBatch {
  size_t num_rows = 0;
  std::vector<std::string_view> srcaddr;  // trimmed, as written
  std::vector<std::string_view> proto;    // lower-cased into `lower_arena` when needed
  std::vector<std::string_view> state;    // trimmed, as written
  std::vector<double> dport, sport;       // 0..65535 or kMissing
  std::vector<double> dur;                // seconds >= 0 or kMissing
  std::vector<double> totbytes, srcbytes; // >= 0 or kMissing
  // Bits per second: totbytes * 8 / dur. Zero when dur is 0 or either input is
  // missing (a one-packet flow has no rate).
  std::vector<double> bps;
  // Optional fields (filled only when the extractor reads extras; else empty).
  std::vector<std::string_view> dstaddr;  // trimmed, as written
  std::vector<double> start;              // epoch seconds, NaN when missing or unparseable
  std::vector<double> pkts;               // >= 0 or kMissing
  bool has_dstaddr = false, has_start = false, has_pkts = false;
  // 1 = row takes part; 0 = skipped (a bad row under --skip-bad-rows, an
  // Argus management record, or excluded by the address filter).
  std::vector<uint8_t> keep;
  // Rows of this batch that are Argus management records (proto "man": the
  // status records `ra` prints unless filtered with `- not man`). They are
  // not flows and are never scored (keep = 0).
  uint64_t management_records = 0;
  // 1-based source line (text formats) or 0, and 1-based data row, per row.
  std::vector<uint64_t> line, row;

  // Owns text made while extracting (lower-cased protocols, numbers as text).
  std::deque<std::string> lower_arena;

  void Resize(size_t n, bool extras = false);
};

// Bits per second as defined above; the one definition training and scoring share.
inline double BitsPerSecond(double totbytes, double dur) {
  if (dur <= 0 || totbytes < 0) return 0.0;
  return totbytes * 8.0 / dur;
}

}  // namespace botrecon::features
