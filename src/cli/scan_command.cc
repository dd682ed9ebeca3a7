#include "cli/scan_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>

#include "cli/output.h"
#include "cli/progress.h"
#include "cli/summary.h"
#include "core/text.h"
#include "io/input_files.h"
#include "core/error.h"
#include "filter/address_filter.h"
#include "models/model_file.h"
#include "models/registry.h"
#include "pipeline/scan.h"
#include "report/evidence.h"
#include "report/output_target.h"
#include "detect/behaviour.h"

namespace botrecon::cli {
namespace {

constexpr size_t kPromptAbove = 50;

// Messages for -v on stderr, so stdout keeps only the results.
class Log {
 public:
  explicit Log(const ScanArgs& args) : verbose_(args.verbose && !args.silent), start_(std::chrono::steady_clock::now()) {}
  void operator()(const std::string& message) const {
    if (!verbose_) return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "[%7.3fs] %s\n", s, message.c_str());
  }

 private:
  bool verbose_;
  std::chrono::steady_clock::time_point start_;
};


// Reads a line from the terminal; empty string at end of input.
std::string ReadAnswer() {
  std::string line;
  if (!std::getline(std::cin, line)) return {};
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

bool AskYesNo(const std::string& question) {
  for (;;) {
    std::fprintf(stderr, "%s [y/N]: ", question.c_str());
    std::fflush(stderr);
    std::string answer = ReadAnswer();
    if (answer.empty() || answer == "n" || answer == "N" || answer == "no") return false;
    if (answer == "y" || answer == "Y" || answer == "yes") return true;
    std::fprintf(stderr, "Error: invalid input\n");
  }
}

// Every input must exist before anything is read ("-" is stdin).
void CheckInputs(const ScanArgs& args) {
  for (const auto& input : args.inputs) {
    struct stat st {};
    if (input != "-" && stat(input.c_str(), &st) != 0) {
      throw core::UsageError("Invalid value for 'INPUT_FILE': Path '" + input + "' does not exist.");
    }
  }
}

std::unique_ptr<models::Model> LoadModel(const ScanArgs& args, const Log& log) {
  log((args.model.custom_model.empty() ? "Loading built-in model " : "Loading model file ") + args.model.Name());
  std::unique_ptr<models::Model> model = args.model.Load();
  log("Model: " + model->type_name() + ", threshold " + PythonFloatRepr(model->threshold()));
  return model;
}

std::string JoinInputs(const std::vector<std::string>& inputs) {
  std::string out;
  for (const auto& input : inputs) out += (out.empty() ? "" : ", ") + input;
  return out;
}

// -b: progress is measured in bytes of input, shown as batches done.
class BatchProgress {
 public:
  explicit BatchProgress(const ScanArgs& args) : args_(args), num_batches_(args.batch.NumBatches()) {}
  void Install(pipeline::ScanOptions& options) {
    if (num_batches_ == 0 || args_.silent) return;
    const bool show_bar = !args_.verbose && isatty(STDERR_FILENO);
    options.on_progress = [this, show_bar](const pipeline::ScanProgress& p) {
      if (p.bytes_total == 0 || p.bytes_consumed > p.bytes_total) {
        // Size unknown (stdin, compressed input): bytes read and rate instead.
        if (show_bar && !bar_) {
          if (!bytes_) bytes_ = std::make_unique<ByteProgress>();
          bytes_->Update(p.bytes_consumed, p.rows);
        }
        return;
      }
      uint64_t done = num_batches_ * p.bytes_consumed / p.bytes_total;
      if (show_bar) {
        if (!bar_) bar_ = std::make_unique<ProgressBar>(num_batches_);
        bar_->Update(done);
      } else if (args_.debug) {
        for (; reported_ < done; ++reported_) PrintBatch(p.rows);
      }
    };
  }
  void Finish() {
    if (bar_) bar_->Finish();
    if (bytes_) bytes_->Finish();
    if (!args_.debug || args_.silent) return;
    for (; num_batches_ > 0 && reported_ < num_batches_; ++reported_) PrintBatch(0);
  }

 private:
  void PrintBatch(uint64_t rows) const {
    std::fprintf(stderr, "Batch %llu/%llu done", static_cast<unsigned long long>(reported_ + 1),
                 static_cast<unsigned long long>(num_batches_));
    if (rows > 0) std::fprintf(stderr, " (%llu rows read)", static_cast<unsigned long long>(rows));
    std::fputc('\n', stderr);
  }
  const ScanArgs& args_;
  uint64_t num_batches_;
  uint64_t reported_ = 0;
  std::unique_ptr<ProgressBar> bar_;
  std::unique_ptr<ByteProgress> bytes_;
};

void ReportCounts(const ScanArgs& args, const pipeline::ScanResult& result, const Log& log) {
  log("Read " + std::to_string(result.rows_read) + " rows; " + std::to_string(result.rows_evaluated) +
      " evaluated; " + std::to_string(result.hosts_evaluated) + " hosts");
  if (result.bad_rows_skipped > 0 && !args.silent) {
    const uint64_t seen = result.rows_read + result.bad_rows_skipped;
    const double percent = seen > 0 ? 100.0 * static_cast<double>(result.bad_rows_skipped) / static_cast<double>(seen) : 0;
    std::fprintf(stderr, "Warning: skipped %llu rows (%.3g %% of the input) that could not be parsed%s; the first: %s\n",
                 static_cast<unsigned long long>(result.bad_rows_skipped), percent,
                 percent >= 10 ? ": the results leave them out — check the export" : "",
                 core::Printable(result.first_bad_row).c_str());
  }
  for (const auto& [name, rows] : result.input_rows) {
    if (rows == 0 && !args.silent) std::fprintf(stderr, "Warning: %s: no flows\n", core::Printable(name).c_str());
  }
  for (const auto& skipped : result.model_skipped) {
    if (!args.silent) {
      std::fprintf(stderr, "Warning: %s, which the model needs: the model was skipped, only the behaviour "
                   "detectors judged these flows\n", skipped.c_str());
    }
  }
  if (result.management_records_skipped > 0) {
    log("Skipped " + std::to_string(result.management_records_skipped) +
        " Argus management records (proto 'man'; not flows)");
  }
  if (result.invalid_addresses_skipped > 0) {
    log("Skipped " + std::to_string(result.invalid_addresses_skipped) + " rows with invalid source addresses (-i)");
  }
  if (args.batch.kind == BatchSpec::Kind::kBatches && args.batch.NumBatches() >= result.rows_evaluated) {
    throw core::UsageError("Invalid value for '-b' / '--batchify': " + args.batch.ToString() +
                           "; the number of batches must be lower than the number of rows (" +
                           std::to_string(result.rows_evaluated) + ")");
  }
}

// Without an output file and with many hosts on a terminal: asks whether to
// print them all; "no" asks for a file (opened under the same rules as OUTPUT_FILE).
std::optional<report::OutputTarget> AskForFile(const ScanArgs& args, size_t num_hosts) {
  if (args.silent || num_hosts <= kPromptAbove || args.yes || !isatty(STDIN_FILENO)) return std::nullopt;
  if (AskYesNo(std::to_string(num_hosts) + " infected hosts were found. Do you want to print them all?")) {
    return std::nullopt;
  }
  std::fprintf(stderr, "Path to the output file [output.csv]: ");
  std::fflush(stderr);
  std::string path = ReadAnswer();
  if (path.empty()) path = "output.csv";
  return report::OutputTarget::Open({path, false, false}, args.inputs);
}

void WriteResults(const ScanArgs& args, const std::vector<aggregate::HostResult>& infected, double threshold,
                  const report::EvidenceIndex* evidence, const report::OutputTarget& target,
                  const ScanSummary& summary, const Log& log) {
  const bool to_file = !args.output.empty();
  if (args.jsonl) {
    // Data the user asked for: written even with -s.
    target.Write(FormatJsonLines(infected, args.model.Name(), threshold, evidence) + FormatSummaryJson(summary));
    return;
  }
  std::optional<report::OutputTarget> asked;
  if (!to_file) asked = AskForFile(args, infected.size());
  if (to_file || asked) {
    (asked ? *asked : target).Write(FormatCsv(infected, evidence));
    log("Saved " + std::to_string(infected.size()) + " hosts to " + (asked ? asked->path() : target.path()));
    return;
  }
  if (args.silent) return;
  report::WriteStdout(infected.empty() ? std::string("No hosts were found to be infected.\n")
                                       : FormatTable(infected, evidence));
}

// The inputs with directories replaced by their flow files (and the output
// file, when it sits in a scanned directory, left out), windows kept per file.
struct ScanInputs {
  std::vector<std::string> paths;
  std::vector<std::optional<pipeline::TimeWindow>> windows;
};

ScanInputs ExpandScanInputs(const ScanArgs& args, const Log& log) {
  io::ExpandedInputs expanded = io::ExpandInputs(args.inputs);
  for (const auto& skipped : expanded.skipped) log("Skipped " + core::Printable(skipped));
  ScanInputs inputs;
  for (const auto& file : expanded.files) {
    const bool from_directory = file.path != args.inputs[file.from_input];
    if (from_directory && !args.output.empty() && report::SameFile(file.path, args.output)) {
      log("Skipped " + core::Printable(file.path) + ": the output file");
      continue;
    }
    inputs.paths.push_back(file.path);
    if (!args.input_windows.empty()) inputs.windows.push_back(args.input_windows[file.from_input]);
  }
  if (inputs.paths.size() != args.inputs.size()) log("Inputs: " + std::to_string(inputs.paths.size()) + " files");
  return inputs;
}

ScanSummary Summarise(const pipeline::ScanResult& result, size_t reported, size_t flagged, double threshold,
                      std::chrono::steady_clock::time_point start) {
  ScanSummary s;
  s.files = result.input_rows.size();
  s.rows_read = result.rows_read;
  s.bad_rows = result.bad_rows_skipped;
  s.management_records = result.management_records_skipped;
  s.invalid_addresses = result.invalid_addresses_skipped;
  const uint64_t accounted = result.rows_evaluated + result.management_records_skipped + result.invalid_addresses_skipped;
  s.filtered = result.rows_read > accounted ? result.rows_read - accounted : 0;
  s.hosts_scored = result.hosts_evaluated;
  s.hosts_reported = reported;
  s.hosts_flagged = flagged;
  s.model_scored = result.model_skipped.size() < result.input_rows.size() || result.input_rows.empty();
  s.top_host = result.top_host;
  s.threshold = threshold;
  s.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

}  // namespace

int RunScanCommand(const ScanArgs& original_args) {
  const auto start = std::chrono::steady_clock::now();
  Log log(original_args);
  CheckInputs(original_args);
  ScanInputs inputs = ExpandScanInputs(original_args, log);
  ScanArgs expanded_args = original_args;
  expanded_args.inputs = std::move(inputs.paths);
  expanded_args.input_windows = std::move(inputs.windows);
  const ScanArgs& args = expanded_args;
  // Decided before reading: a run that may not write its output reads nothing.
  const report::OutputTarget target =
      report::OutputTarget::Open({args.output, args.output_explicit, args.force}, args.inputs);
  // The start line is for people watching a terminal; on a pipe or a file,
  // stderr keeps only warnings, the summary and errors (one line each).
  if (!args.silent && isatty(STDERR_FILENO)) std::fprintf(stderr, "%s\n", StartLine().c_str());
  std::unique_ptr<filter::AddressFilter> address_filter;
  if (!args.ranges.empty()) {
    address_filter = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(args.ranges));
    log("Address filter: " + std::to_string(address_filter->num_entries()) + " entries");
  }
  std::unique_ptr<models::Model> model = LoadModel(args, log);

  Detection detection = MakeDetection(args.detection, args.jobs.Threads());
  pipeline::ScanOptions options =
      MakeScanOptions(args.inputs, args.input, args.jobs, model.get(), detection.table.get());
  options.address_filter = address_filter.get();
  options.ignore_invalid_addresses = args.ignore_invalid;
  options.window = args.window;
  options.input_windows = args.input_windows;
  const double threshold = args.threshold.value_or(model->threshold());
  options.min_score = threshold;
  options.min_count = args.min_count > 0 ? static_cast<uint64_t>(args.min_count) : 0;
  options.on_columns = [&](const std::string& text) { log("Columns: " + text); };
  if (detection.table) {
    log("Behaviour detection: " + args.detection.detect + ", windows of " +
        PythonFloatRepr(args.detection.window_seconds) + " s");
  }
  log("Reading " + JoinInputs(args.inputs) + (args.input.type ? std::string(" as ") + io::InputTypeName(*args.input.type) : "") +
      " with " + std::to_string(options.threads) + " thread(s)");
  BatchProgress progress(args);
  progress.Install(options);

  pipeline::ScanResult result = pipeline::RunScan(options);
  progress.Finish();
  ReportCounts(args, result, log);
  for (const auto& note : result.behaviour_notes) log("Detectors: " + note);
  std::unordered_set<std::string> flagged;
  for (const auto& host : result.behaviour) flagged.insert(host.host);
  auto infected = aggregate::SelectInfected(std::move(result.hosts), threshold, args.min_count, &flagged);
  log("Found " + std::to_string(infected.size()) + " infected hosts (" + std::to_string(flagged.size()) +
      " with behaviour evidence)");
  if (!result.model_skipped.empty() && result.model_skipped.size() == args.inputs.size()) {
    // No flow was scored: the mean scores mean nothing and the model flags nobody.
    std::vector<aggregate::HostResult> judged;
    for (auto& host : infected) {
      if (flagged.count(host.host) > 0) judged.push_back({host.host, NAN, host.flow_count});
    }
    infected = std::move(judged);
  }
  const ScanSummary summary = Summarise(result, infected.size(), flagged.size(), threshold, start);
  const report::EvidenceIndex evidence = report::IndexEvidence(result.behaviour);
  WriteResults(args, infected, threshold, detection.table ? &evidence : nullptr, target, summary, log);
  if (!args.silent) std::fputs(FormatSummaryLine(summary).c_str(), stderr);
  return args.exit_code && !infected.empty() ? 1 : 0;
}

}  // namespace botrecon::cli
