// The scan's closing summary, so that a miss never looks like "all clear":
// what was read and skipped, how many hosts were scored and reported, and how
// close the top host came. One line on stderr, or a {"summary": ...} JSON Lines
// record after the hosts.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "aggregate/host_table.h"

namespace botrecon::cli {

struct ScanSummary {
  uint64_t files = 0;
  uint64_t rows_read = 0;
  uint64_t bad_rows = 0;            // rows that could not be parsed (skipped)
  uint64_t management_records = 0;  // Argus "man" records (not flows)
  uint64_t invalid_addresses = 0;   // -i: source not an IP address
  uint64_t filtered = 0;            // outside the time window or the -r ranges
  uint64_t hosts_scored = 0;
  uint64_t hosts_reported = 0;
  uint64_t hosts_flagged = 0;  // with behaviour evidence
  bool model_scored = true;    // false: no input had the model's columns
  std::optional<aggregate::HostResult> top_host;
  double threshold = 0;
  double elapsed_seconds = 0;
};

// "Summary: 1 file, 3,000 rows read, 12 hosts scored, 0 reported (threshold
// 0.5); top host 10.0.0.1: 0.41 over 120 flows; 0.21 s"
std::string FormatSummaryLine(const ScanSummary& summary);

// {"summary":{"files":1,"rows_read":3000,...}} and a newline.
std::string FormatSummaryJson(const ScanSummary& summary);

// 1234567 -> "1,234,567".
std::string GroupThousands(uint64_t value);

}  // namespace botrecon::cli
