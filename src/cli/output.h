// Writing results: the console table, the CSV file, float formatting.
#pragma once
#include <string>
#include <vector>

#include "aggregate/host_aggregator.h"

namespace botrecon::cli {

// Shortest text that reads back as the same double, written as Python's repr()
// writes floats (1.0, 0.5, 1e-05, 1.5e+16): what pandas puts in CSV files.
std::string PythonFloatRepr(double value);

// The table as pandas prints a DataFrame (index, Host, Mean Score, Flow Count),
// ending with a newline.
std::string FormatTable(const std::vector<aggregate::HostResult>& hosts);

// The CSV as pandas' to_csv writes it: ",Host,Mean Score,Flow Count" then one
// row per host with a 0-based index.
std::string FormatCsv(const std::vector<aggregate::HostResult>& hosts);

// JSON Lines for SIEM pipelines: one object per host
// {"host":...,"mean_score":...,"flow_count":...,"model":...,"threshold":...}.
std::string FormatJsonLines(const std::vector<aggregate::HostResult>& hosts, const std::string& model,
                            double threshold);

// Writes `content` to `path` atomically: a temporary file in the same
// directory, fsync, rename. Throws core::IoError naming the path.
void WriteFileAtomically(const std::string& path, const std::string& content);

// "[2026-11-27 22:07:48.123456] BotRecon starting"
std::string StartLine();

}  // namespace botrecon::cli
