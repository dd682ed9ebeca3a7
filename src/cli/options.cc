#include "cli/options.h"
#include "cli/input_spec.h"
#include "core/text.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <iostream>

#include "core/error.h"

namespace botrecon::cli {
namespace {

constexpr const char* kDescription =
    "Get a list of infected hosts based on network traffic\n\n"
    "BotRecon reads network flows (Argus/CTU-13 binetflow, nfdump or any table\n"
    "with the right columns), scores every flow with a machine-learning model and\n"
    "reports the source hosts whose mean score marks them as infected by botnet\n"
    "malware.\n\n"
    "INPUT_FILE is the file with captured NetFlow traffic (\"-\" reads stdin). It\n"
    "should be csv unless a different --type is given. BotRecon expects these\n"
    "columns (names compared lower-cased without spaces; aliases in README.md):\n"
    "  source address, protocol, destination port, source port, state,\n"
    "  duration, total bytes, source bytes\n"
    "A file without a header row must have exactly these 8 columns in this order.\n\n"
    "OUTPUT_FILE is where to save the result as csv (written atomically). It is\n"
    "only replaced when it does not exist, is a previous botrecon result or is a\n"
    "FIFO/device; use -o/--output OUT to name the output and scan several inputs:\n"
    "  botrecon -o infected.csv day1.csv day2.binetflow\n\n"
    "Other commands: botrecon train ... (train a model; see botrecon train -h),\n"
    "botrecon evaluate ... (measure a model on labelled flows; see botrecon evaluate -h),\n"
    "botrecon explain HOST FILE... (one host's behaviour, window by window).\n"
    "To scan a file named like a command, write it as ./train or put -- before it.";

}  // namespace

uint64_t BatchSpec::NumBatches() const {
  switch (kind) {
    case Kind::kNone:
      return 0;
    case Kind::kPercent:
      return static_cast<uint64_t>(std::ceil(100.0 / value - 1e-9));
    case Kind::kBatches:
      return static_cast<uint64_t>(value);
  }
  return 0;
}

std::string BatchSpec::ToString() const {
  std::string v = std::to_string(value);
  v.erase(v.find_last_not_of('0') + 1);
  if (!v.empty() && v.back() == '.') v.pop_back();
  return v + (kind == Kind::kPercent ? " %" : " batches");
}

namespace {

// What the parser fills besides ScanArgs, validated after parsing.
struct RawScanArgs {
  std::pair<std::string, std::string> batch;
  std::vector<std::string> files;
  double threshold = 0;
  CLI::Option* threshold_option = nullptr;
};

void DeclareScanOptions(CLI::App& app, ScanArgs& args, RawScanArgs& raw) {
  args.model.Add(app);
  args.jobs.Add(app);
  app.add_option("-c,--min-count", args.min_count,
                 "Minimum number of flows a host needs to be evaluated; hosts with fewer are skipped. "
                 "0 or lower: no hosts are skipped.")
      ->default_str("0");
  app.add_option("-b,--batchify", raw.batch,
                 "Process the data in batches and show a progress bar on a terminal: VALUE % (0 < VALUE "
                 "< 100) or VALUE batches (a positive integer lower than the number of rows). Results "
                 "are the same as without batching. Example: --batchify 5 %")
      ->type_name("<FLOAT TEXT>");
  app.add_flag("-v,--verbose", args.verbose, "Print a message for each stage.");
  app.add_flag("-s,--silent", args.silent, "Print nothing (errors still print one line on stderr).");
  app.add_flag("-d,--debug", args.debug, "Full error detail and a line per batch; implies --verbose.");
  app.add_flag("-i,--ignore-invalid,--ignore-invalid-addresses", args.ignore_invalid,
               "With --ip: skip rows whose source address is not a valid IP address instead of failing.");
  app.add_option("-r,--range,--ip", args.ranges,
                 "An IP address, a network (10.0.0.0/8 or 10.0.0.0/255.0.0.0), or a file with one of "
                 "either per line. Only matching hosts are evaluated. Can be given several times.")
      ->type_name("TEXT")
      ->allow_extra_args(false);
  app.add_flag("-y,--yes,--confirm", args.yes,
               "Answer yes to any question (the only one: printing more than 50 infected hosts).");
  app.add_flag("--jsonl", args.jsonl,
               "Write the infected hosts as JSON Lines (one object per host: host, mean_score, flow_count, "
               "model, threshold) to OUTPUT_FILE or stdout, without the start line or questions.");
  raw.threshold_option = app.add_option(
      "--threshold", raw.threshold,
      "Report hosts whose mean score is at least this (default: the model's own, 0.5 for probabilities, 0 for "
      "svm decision values).");
  args.input.Add(app);
  args.detection.Add(app);
  app.add_option("--from", args.window.from_minutes,
                 "Keep flows starting at least MINUTES after each input's first flow (needs a StartTime column); "
                 "FILE@FROM:TO sets a window for one file.")
      ->type_name("MINUTES");
  app.add_option("--to", args.window.to_minutes,
                 "Keep flows starting less than MINUTES after each input's first flow.")
      ->type_name("MINUTES");
  app.add_option("-o,--output", args.output,
                 "Write the result (csv, or JSON Lines with --jsonl) to FILE ('-': stdout); every positional "
                 "argument is then an input file.")
      ->type_name("FILE");
  app.add_flag("--force", args.force,
               "Replace an existing OUTPUT_FILE even when it is not a botrecon result (never an input file).");
  app.add_option("files", raw.files, "INPUT_FILE [OUTPUT_FILE], or INPUT_FILE... with -o")->expected(1, -1)->required();
}

BatchSpec ParseBatch(const std::pair<std::string, std::string>& batch) {
  double value = 0;
  try {
    size_t used = 0;
    value = std::stod(batch.first, &used);
    if (used != batch.first.size() || !std::isfinite(value)) throw std::invalid_argument("x");
  } catch (const std::exception&) {
    throw core::UsageError("Invalid value for '-b' / '--batchify': '" + batch.first + "' is not a number.");
  }
  std::string kind = core::AsciiLower(batch.second);
  if (kind == "%" || kind == "percent") {
    if (!(value > 0 && value < 100)) {
      throw core::UsageError("Invalid value for '-b' / '--batchify': " + batch.first +
                             " % is out of range; a percentage must be greater than 0 and lower than 100.");
    }
    return {BatchSpec::Kind::kPercent, value};
  }
  if (kind == "batches" || kind == "batch") {
    if (!(value >= 1)) {
      throw core::UsageError("Invalid value for '-b' / '--batchify': " + batch.first +
                             " batches; the number of batches must be a positive integer.");
    }
    return {BatchSpec::Kind::kBatches, std::floor(value)};
  }
  throw core::UsageError("Invalid value for '-b' / '--batchify': batch type '" + batch.second +
                         "' is not one of '%', 'percent', 'batches'.");
}

void FinishScanArgs(const CLI::App& app, const RawScanArgs& raw, ScanArgs& args) {
  if (raw.threshold_option->count() > 0) {
    if (!std::isfinite(raw.threshold)) {
      throw core::UsageError("Invalid value for '--threshold': must be a finite number.");
    }
    args.threshold = raw.threshold;
  }
  args.output_explicit = app.count("--output") > 0;
  if (args.output_explicit || raw.files.size() != 2) {
    args.inputs = raw.files;  // with -o, or one input, or three and more: all inputs
  } else {
    args.inputs = {raw.files[0]};  // the original's INPUT_FILE OUTPUT_FILE
    args.output = raw.files[1];
  }
  if (!raw.batch.first.empty() || !raw.batch.second.empty()) args.batch = ParseBatch(raw.batch);
  for (const char* name : {"--from", "--to"}) {
    const double value = std::string(name) == "--from" ? args.window.from_minutes : args.window.to_minutes;
    if (app.count(name) > 0 && !(value >= 0 && std::isfinite(value))) {
      throw core::UsageError(std::string("Invalid value for '") + name + "': must be a number of minutes >= 0.");
    }
  }
  WindowedInputs windowed = SplitWindows(args.inputs, "");
  args.inputs = std::move(windowed.paths);
  args.input_windows = std::move(windowed.windows);
  args.jobs.Validate("");
  args.model.Validate("");
  args.input.Validate("");
  args.detection.Validate();
  if (args.debug && !args.silent) args.verbose = true;
}

}  // namespace

ParseOutcome ParseScanArgs(int argc, char** argv, ScanArgs& args) {
  CLI::App app{kDescription, "botrecon"};
  app.get_formatter()->column_width(34);
  app.set_help_flag("-h,--help", "Show this message and exit.");
  app.set_version_flag("-V,--version", std::string("botrecon, version ") + BOTRECON_VERSION,
                       "Show the version and exit.");
  RawScanArgs raw;
  DeclareScanOptions(app, args, raw);
  app.footer("For more detail see README.md.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::cout << "Usage: botrecon [OPTIONS] INPUT_FILE [OUTPUT_FILE]\n"
                 "       botrecon [OPTIONS] -o OUTPUT_FILE INPUT_FILE...\n\n"
              << app.help("", CLI::AppFormatMode::Normal);
    return ParseOutcome::kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return ParseOutcome::kExitOk;
  } catch (const CLI::RequiredError& e) {
    throw core::UsageError("Missing argument 'INPUT_FILE'.");
  } catch (const CLI::ParseError& e) {
    throw core::UsageError(e.what());
  }
  FinishScanArgs(app, raw, args);
  return ParseOutcome::kRun;
}

}  // namespace botrecon::cli
