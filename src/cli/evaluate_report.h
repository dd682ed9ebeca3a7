// The report of `botrecon evaluate`: a table for the terminal and JSON.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/metrics.h"

namespace botrecon::cli {

struct EvaluationReport {
  // The model: a built-in name or the -M path.
  std::string model;
  bool builtin = true;
  std::string model_type;  // "rforest", ...
  std::string score_kind;  // "probability" or "decision"
  double model_threshold = 0;
  double threshold = 0;             // the one used (model's or --threshold)
  std::vector<std::string> inputs;  // as given (FILE[@FROM:TO])
  // Where the flow labels came from: "column", "fixed" (--label),
  // "infected" (the source host is in --infected) or "mixed".
  std::string flow_labels;
  uint64_t excluded = 0;  // flows left out by --exclude
  eval::FlowMetrics flow;
  // Host ground truth: "labels" (a host with a botnet flow) or "infected" (--infected).
  std::string host_truth;
  int64_t min_count = 0;
  int64_t fp_min_flows = 0;
  bool have_normal = false;  // --normal given
  eval::HostMetrics host;
  // Detector quality, unless --detect model.
  std::optional<eval::DetectionQuality> quality;
  std::string detect_level;  // "default" or "all"
};

// The report as a readable table, ending with a newline.
std::string FormatEvaluationTable(const EvaluationReport& report);

// The report as a JSON object (stable key names; undefined metrics are null).
std::string FormatEvaluationJson(const EvaluationReport& report);

}  // namespace botrecon::cli
