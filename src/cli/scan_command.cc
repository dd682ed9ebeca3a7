#include "cli/scan_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "cli/output.h"
#include "cli/progress.h"
#include "core/error.h"
#include "filter/address_filter.h"
#include "models/model_file.h"
#include "models/registry.h"
#include "pipeline/scan.h"

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

int ThreadCount(int jobs) {
  if (jobs > 0) return jobs;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

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

}  // namespace

int RunScanCommand(const ScanArgs& args) {
  const bool quiet = args.silent;
  if (!quiet && !args.jsonl) std::printf("%s\n\n", StartLine().c_str());
  std::fflush(stdout);
  Log log(args);

  if (args.input != "-") {
    struct stat st {};
    if (stat(args.input.c_str(), &st) != 0) {
      throw core::UsageError("Invalid value for 'INPUT_FILE': Path '" + args.input + "' does not exist.");
    }
  }
  std::unique_ptr<filter::AddressFilter> address_filter;
  if (!args.ranges.empty()) {
    address_filter = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(args.ranges));
    log("Address filter: " + std::to_string(address_filter->num_entries()) + " entries");
  }
  std::unique_ptr<models::Model> model;
  if (!args.custom_model.empty()) {
    log("Loading model file " + args.custom_model);
    model = models::LoadModelFile(args.custom_model);
  } else {
    log("Loading built-in model " + args.model);
    model = models::LoadBuiltinModel(args.model);
  }
  log("Model: " + model->type_name() + ", threshold " + PythonFloatRepr(model->threshold()));

  pipeline::ScanOptions options;
  options.input = args.input;
  options.type = args.type;
  options.reader.skip_bad_rows = args.skip_bad_rows;
  options.reader.sheet = args.sheet;
  options.model = model.get();
  options.address_filter = address_filter.get();
  options.ignore_invalid_addresses = args.ignore_invalid;
  options.threads = ThreadCount(args.jobs);
  const double threshold = args.threshold.value_or(model->threshold());
  options.min_score = threshold;
  options.min_count = args.min_count > 0 ? static_cast<uint64_t>(args.min_count) : 0;
  options.on_columns = [&](const std::string& text) { log("Columns: " + text); };
  log("Reading " + args.input + (args.type ? std::string(" as ") + io::InputTypeName(*args.type) : "") + " with " +
      std::to_string(options.threads) + " thread(s)");

  // Batches: progress is measured in bytes of input, shown as batches done.
  const uint64_t num_batches = args.batch.NumBatches();
  std::unique_ptr<ProgressBar> bar;
  uint64_t batches_reported = 0;
  if (num_batches > 0 && !quiet) {
    const bool show_bar = !args.verbose && isatty(STDERR_FILENO);
    options.on_progress = [&, show_bar](const pipeline::ScanProgress& p) {
      if (p.bytes_total == 0) return;
      uint64_t done = num_batches * p.bytes_consumed / p.bytes_total;
      if (show_bar) {
        if (!bar) bar = std::make_unique<ProgressBar>(num_batches);
        bar->Update(done);
      } else if (args.debug) {
        for (; batches_reported < done; ++batches_reported) {
          std::fprintf(stderr, "Batch %llu/%llu done (%llu rows read)\n",
                       static_cast<unsigned long long>(batches_reported + 1),
                       static_cast<unsigned long long>(num_batches), static_cast<unsigned long long>(p.rows));
        }
      }
    };
  }

  pipeline::ScanResult result = pipeline::RunScan(options);
  if (bar) bar->Finish();
  if (args.debug && !quiet) {
    for (; num_batches > 0 && batches_reported < num_batches; ++batches_reported) {
      std::fprintf(stderr, "Batch %llu/%llu done\n", static_cast<unsigned long long>(batches_reported + 1),
                   static_cast<unsigned long long>(num_batches));
    }
  }
  log("Read " + std::to_string(result.rows_read) + " rows; " + std::to_string(result.rows_evaluated) +
      " evaluated; " + std::to_string(result.hosts_evaluated) + " hosts");
  if (result.bad_rows_skipped > 0 && !quiet) {
    std::fprintf(stderr, "Warning: skipped %llu rows that could not be parsed; the first: %s\n",
                 static_cast<unsigned long long>(result.bad_rows_skipped), result.first_bad_row.c_str());
  }
  if (result.management_records_skipped > 0) {
    log("Skipped " + std::to_string(result.management_records_skipped) +
        " Argus management records (proto 'man'; not flows)");
  }
  if (result.invalid_addresses_skipped > 0) {
    log("Skipped " + std::to_string(result.invalid_addresses_skipped) + " rows with invalid source addresses (-i)");
  }
  if (args.batch.kind == BatchSpec::Kind::kBatches && num_batches >= result.rows_evaluated) {
    throw core::UsageError("Invalid value for '-b' / '--batchify': " + args.batch.ToString() +
                           "; the number of batches must be lower than the number of rows (" +
                           std::to_string(result.rows_evaluated) + ")");
  }

  auto infected = aggregate::SelectInfected(std::move(result.hosts), threshold, args.min_count);
  log("Found " + std::to_string(infected.size()) + " infected hosts");

  if (args.jsonl) {
    std::string lines = FormatJsonLines(infected, args.custom_model.empty() ? args.model : args.custom_model, threshold);
    if (!args.output.empty()) {
      WriteFileAtomically(args.output, lines);
    } else if (!quiet) {
      std::fputs(lines.c_str(), stdout);
    }
    return 0;
  }
  std::string output_path = args.output;
  if (output_path.empty() && !quiet && infected.size() > kPromptAbove && !args.yes && isatty(STDIN_FILENO)) {
    if (!AskYesNo(std::to_string(infected.size()) + " infected hosts were found. Do you want to print them all?")) {
      std::fprintf(stderr, "Path to the output file [output.csv]: ");
      std::fflush(stderr);
      output_path = ReadAnswer();
      if (output_path.empty()) output_path = "output.csv";
    }
  }
  if (!output_path.empty()) {
    WriteFileAtomically(output_path, FormatCsv(infected));
    log("Saved " + std::to_string(infected.size()) + " hosts to " + output_path);
    return 0;
  }
  if (quiet) return 0;
  if (infected.empty()) {
    std::printf("No hosts were found to be infected.\n");
  } else {
    std::fputs(FormatTable(infected).c_str(), stdout);
  }
  return 0;
}

}  // namespace botrecon::cli
