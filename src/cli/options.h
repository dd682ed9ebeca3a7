// Command-line options of `botrecon [OPTIONS] INPUT_FILE [OUTPUT_FILE]`: one
// source of truth for names, defaults, validation and help text.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  std::string output;        // empty: print to the console
  bool output_explicit = false;  // named with -o/--output (else the original's second positional)
  bool force = false;        // --force: replace an existing OUTPUT_FILE that is not a botrecon result
  std::string custom_model;  // -M
  std::string model = "rforest";
  int jobs = -1;
  int64_t min_count = 0;
  BatchSpec batch;
  bool verbose = false;
  bool silent = false;
  bool debug = false;
  bool ignore_invalid = false;
  bool yes = false;
  bool skip_bad_rows = false;
  std::vector<std::string> ranges;
  std::optional<double> threshold;  // overrides the model's threshold
  std::string sheet;                // --sheet: spreadsheet sheet name (excel)
  bool jsonl = false;               // --jsonl: JSON Lines instead of the table / CSV
  std::optional<io::InputType> type;
  // Behaviour detection (--detect model|default|all, --window, --home-net, --safelist).
  std::string detect = "default";
  double window_seconds = 3600;
  std::vector<std::string> home_net;
  std::vector<std::string> safelist;
};

// Parses a duration: seconds ("3600", "90.5") or with a unit ("90s", "30m",
// "1h", "2d"). Returns false when it is not a positive finite duration.
bool ParseDuration(const std::string& text, double& seconds);

enum class ParseOutcome { kRun, kExitOk };

// Parses argv (without subcommands). Prints help/version to stdout and
// returns kExitOk for -h/-V. Throws core::UsageError for bad usage.
ParseOutcome ParseScanArgs(int argc, char** argv, ScanArgs& args);

// Names of the built-in models, for -m.
const std::vector<std::string>& BuiltinModelNames();

}  // namespace botrecon::cli
