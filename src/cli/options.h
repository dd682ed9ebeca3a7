// Command-line options of `botrecon [OPTIONS] INPUT_FILE [OUTPUT_FILE]`: one
// source of truth for names, defaults, validation and help text.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/option_groups.h"
#include "io/reader.h"

namespace botrecon::cli {

// -b VALUE TYPE: "%"/"percent" or "batches".
struct BatchSpec {
  enum class Kind { kNone, kPercent, kBatches };
  Kind kind = Kind::kNone;
  double value = 0;
  // Number of batches a run is divided into (0 when not batching).
  uint64_t NumBatches() const;
  std::string ToString() const;
};

struct ScanArgs {
  std::vector<std::string> inputs;  // one or more flow files ("-" = stdin), scanned as one capture
  // Per input: the window of its FILE@FROM:TO form (minutes after its first row), if given.
  std::vector<std::optional<pipeline::TimeWindow>> input_windows;
  pipeline::TimeWindow window;  // --from/--to: minutes after each input's first row
  std::string output;               // empty: print to the console
  bool output_explicit = false;     // named with -o/--output (else the original's second positional)
  bool force = false;               // --force: replace an existing OUTPUT_FILE that is not a botrecon result
  ModelOptions model;
  JobsOptions jobs;
  InputOptions input;
  DetectionOptions detection;
  int64_t min_count = 0;
  BatchSpec batch;
  bool verbose = false;
  bool silent = false;
  bool debug = false;
  bool ignore_invalid = false;
  bool yes = false;
  std::vector<std::string> ranges;
  std::optional<double> threshold;  // overrides the model's threshold
  bool jsonl = false;               // --jsonl: JSON Lines instead of the table / CSV
  bool exit_code = false;           // --exit-code: exit 1 when any host is reported
};

enum class ParseOutcome { kRun, kExitOk };

// Parses argv (without subcommands). Prints help/version to stdout and
// returns kExitOk for -h/-V. Throws core::UsageError for bad usage.
ParseOutcome ParseScanArgs(int argc, char** argv, ScanArgs& args);

}  // namespace botrecon::cli
