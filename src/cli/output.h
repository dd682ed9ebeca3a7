// Writing results: the console table, the CSV file, float formatting.
#pragma once
#include <string>
#include <vector>

#include "aggregate/host_aggregator.h"
#include "report/evidence.h"

namespace botrecon::cli {

// Shortest text that reads back as the same double, written as Python's repr()
// writes floats (1.0, 0.5, 1e-05, 1.5e+16): what pandas puts in CSV files.
std::string PythonFloatRepr(double value);

// The table as pandas prints a DataFrame (index, Host, Mean Score, Flow Count),
// ending with a newline.
// With `evidence` (behaviour detection on): a fifth column, Evidence, with the
// detectors that fired for each host ("-" for hosts the model alone reports).
std::string FormatTable(const std::vector<aggregate::HostResult>& hosts,
                        const report::EvidenceIndex* evidence = nullptr);

// The CSV as pandas' to_csv writes it: ",Host,Mean Score,Flow Count" then one
// row per host with a 0-based index.
// With `evidence`, four columns follow the original four: Detectors,
// Evidence, First Seen, Last Seen.
std::string FormatCsv(const std::vector<aggregate::HostResult>& hosts,
                      const report::EvidenceIndex* evidence = nullptr);

// JSON Lines for SIEM pipelines: one object per host
// {"host":...,"mean_score":...,"flow_count":...,"model":...,"threshold":...}.
// With `evidence`: also "detectors", "evidence" (objects: detector,
// window_start, flows, summary, examples), "first_seen", "last_seen".
std::string FormatJsonLines(const std::vector<aggregate::HostResult>& hosts, const std::string& model,
                            double threshold, const report::EvidenceIndex* evidence = nullptr);

// "[2026-11-27 22:07:48.123456] BotRecon starting"
std::string StartLine();

}  // namespace botrecon::cli
