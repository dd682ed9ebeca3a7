#include "cli/options.h"
#include "cli/input_spec.h"
#include "cli/version.h"
#include "core/text.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <iostream>

#include "core/error.h"

namespace botrecon::cli {
namespace {

constexpr const char* kUsage =
    "Usage: botrecon [OPTIONS] INPUT_FILE [OUTPUT_FILE]\n"
    "       botrecon [OPTIONS] -o OUTPUT_FILE INPUT... \n"
    "       botrecon train|evaluate|explain ...\n"
    "(botrecon train -h, botrecon evaluate -h, botrecon explain -h for the commands)\n";

constexpr const char* kDescription =
    "Finds botnet-infected hosts in network flows: every flow is scored by a\n"
    "machine-learning model and watched by behaviour detectors; the source hosts\n"
    "whose mean score reaches the threshold, or whose behaviour a detector flags,\n"
    "are reported with their evidence.\n\n"
    "INPUT is a flow file (csv/binetflow, Zeek conn.log, nfdump csv, json,\n"
    "parquet, feather, excel, stata, pickle; compressed or not), a capture\n"
    "(pcap/pcapng through Argus, .argus, nfcapd.*), a directory of such files,\n"
    "or - for stdin. Several inputs are scanned as one capture. Columns are found\n"
    "by name (aliases in README.md): source address, protocol, destination and\n"
    "source port, state, duration, total and source bytes.\n\n"
    "OUTPUT_FILE (the original's second positional) is written as csv only when\n"
    "it does not exist or is a previous botrecon result; -o names it explicitly.";

constexpr const char* kExamples =
    "Examples:\n"
    "  botrecon capture.binetflow                    infected hosts as a table\n"
    "  botrecon -o infected.csv day1.csv day2.csv flows/   several inputs as one capture\n"
    "  botrecon capture.pcap                         a pcap, turned into flows by Argus\n"
    "  botrecon --jsonl --exit-code capture.csv      for scripts: JSON Lines, exit 1 if any host\n"
    "  zcat big.csv.gz | botrecon -b 5% -            stdin, with a progress line\n"
    "  botrecon --detect all --home-net 10.0.0.0/8 capture.csv\n"
    "  botrecon explain 147.32.84.165 capture.binetflow   why was this host reported?\n\n"
    "Exit status: 0 done (with --exit-code: no host reported), 1 hosts reported\n"
    "(--exit-code only), 2 bad usage or input, 3 internal error. A file named like\n"
    "a command is scanned when written as ./train or after --. See README.md.";

// The scan's help: our usage lines and positionals instead of CLI11's.
class ScanFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string) const override { return kUsage; }
  std::string make_positionals(const CLI::App*) const override {
    return "\nArguments:\n"
           "  INPUT                           flow file, capture, directory, or - (stdin);\n"
           "                                  FILE@FROM:TO keeps minutes FROM..TO of FILE\n"
           "  OUTPUT_FILE                     csv result (see above); or -o FILE\n";
  }
};

// The help's option groups, by an option's first long name.
const char* GroupOf(const std::string& name) {
  static const std::pair<const char*, const char*> kGroups[] = {
      {"--custom-model", "Model"}, {"--model", "Model"}, {"--threshold", "Model"}, {"--min-count", "Model"},
      {"--detect", "Detection"}, {"--window", "Detection"}, {"--home-net", "Detection"}, {"--safelist", "Detection"},
      {"--output", "Output"}, {"--force", "Output"}, {"--jsonl", "Output"}, {"--yes", "Output"},
      {"--exit-code", "Output"}, {"--range", "Selecting flows"}, {"--ignore-invalid", "Selecting flows"},
      {"--from", "Selecting flows"}, {"--to", "Selecting flows"},
  };
  for (const auto& [option, group] : kGroups) {
    if (name == option) return group;
  }
  return nullptr;
}

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
                 "Process the input in batches with a progress bar on a terminal (stdin and compressed "
                 "input: bytes read and rate): VALUE % (0 < VALUE < 100) or VALUE batches (a positive "
                 "integer lower than the number of rows). Results are the same. Example: -b 5% or -b 10 batches")
      ->type_name("<FLOAT TEXT>");
  app.add_flag("-v,--verbose", args.verbose, "Print a message for each stage.");
  app.add_flag("-s,--silent", args.silent,
               "No messages: no start line, summary or warnings (errors still print one line on stderr). "
               "Results you asked for (--jsonl, OUTPUT_FILE) are still written.");
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
               "model, threshold, evidence) to OUTPUT_FILE or stdout, then a {\"summary\": ...} record; "
               "never asks questions.");
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
  app.add_flag("--exit-code", args.exit_code,
               "Exit 1 when any host is reported, 0 when none (2 on error), as virus scanners do: for scripts and cron.");
  app.add_flag("--force", args.force,
               "Replace an existing OUTPUT_FILE even when it is not a botrecon result (never an input file).");
  app.add_option("files", raw.files, "INPUT [OUTPUT_FILE], or INPUT... with -o")->expected(1, -1)->required();
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

// "-b 5%", "-b5%", "--batchify=5%", "-b 10batches": the value and its type
// in one token, split into the two CLI11 expects (the original wants "5 %").
std::vector<std::string> SplitBatchTokens(int argc, char** argv) {
  std::vector<std::string> out;
  auto split = [&](const std::string& option, const std::string& value) {
    size_t end = 0;
    while (end < value.size() && (std::isdigit(static_cast<unsigned char>(value[end])) || value[end] == '.')) ++end;
    const std::string kind = core::AsciiLower(value.substr(end));
    if (end > 0 && end < value.size() &&
        (kind == "%" || kind == "percent" || kind == "batches" || kind == "batch")) {
      out.push_back(option);
      out.push_back(value.substr(0, end));
      out.push_back(value.substr(end));
      return true;
    }
    return false;
  };
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      for (; i < argc; ++i) out.emplace_back(argv[i]);
      break;
    }
    if ((arg == "-b" || arg == "--batchify") && i + 1 < argc && split(arg, argv[i + 1])) {
      ++i;
      continue;
    }
    if (arg.rfind("--batchify=", 0) == 0 && split("--batchify", arg.substr(11))) continue;
    if (arg.size() > 2 && arg.rfind("-b", 0) == 0 && arg[2] != '-' && split("-b", arg.substr(2))) continue;
    out.push_back(arg);
  }
  return out;
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
  auto formatter = std::make_shared<ScanFormatter>();
  formatter->column_width(34);
  app.formatter(formatter);
  app.set_help_flag("-h,--help", "Show this message and exit.");
  bool version = false;  // handled before parsing (below); declared for the help
  app.add_flag("-V,--version", version, "Show the version, the build and the built-in models, and exit.");
  RawScanArgs raw;
  DeclareScanOptions(app, args, raw);
  for (CLI::Option* option : app.get_options()) {
    if (!option->get_lnames().empty()) {
      if (const char* group = GroupOf("--" + option->get_lnames().front())) option->group(group);
    }
  }
  app.footer(kExamples);
  std::vector<std::string> tokens = SplitBatchTokens(argc, argv);
  std::vector<char*> split_argv;
  for (auto& token : tokens) split_argv.push_back(token.data());
  try {
    // -V wins over missing arguments, as with CLI11's own version flag.
    for (size_t i = 1; i < tokens.size() && tokens[i] != "--"; ++i) {
      if (tokens[i] == "-V" || tokens[i] == "--version") {
        std::cout << VersionText();
        return ParseOutcome::kExitOk;
      }
    }
    app.parse(static_cast<int>(split_argv.size()), split_argv.data());
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help("", CLI::AppFormatMode::Normal);
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
