#include "cli/option_groups.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/error.h"
#include "core/text.h"
#include "models/model_file.h"
#include "models/registry.h"

namespace botrecon::cli {

const std::vector<std::string>& BuiltinModelNames() {
  static const std::vector<std::string> kNames{"rforest", "svm", "rforest-experimental"};
  return kNames;
}

void ModelOptions::Add(CLI::App& app) {
  app.add_option("-M,--custom-model", custom_model,
                 "Path to your own model file (botrecon's .brm format, made by `botrecon train`). "
                 "Overrides --model.")
      ->type_name("PATH");
  app.add_option("-m,--model", model,
                 "One of the built-in models: rforest, svm, rforest-experimental (case insensitive). "
                 "Ignored if --custom-model is given.")
      ->type_name("[rforest|svm|rforest-experimental]")
      ->default_str("rforest");
}

void ModelOptions::Validate(const std::string& command) {
  const std::string given = model;
  model = core::AsciiLower(model);
  const auto& names = BuiltinModelNames();
  if (custom_model.empty() && std::find(names.begin(), names.end(), model) == names.end()) {
    throw core::UsageError((command.empty() ? "Invalid" : command + ": invalid") + " value for '-m' / '--model': '" +
                           given + "' is not one of 'rforest', 'svm', 'rforest-experimental'" +
                           (command.empty() ? "." : ""));
  }
}

std::unique_ptr<models::Model> ModelOptions::Load() const {
  if (!custom_model.empty()) return models::LoadModelFile(custom_model);
  return models::LoadBuiltinModel(model);
}

void JobsOptions::Add(CLI::App& app, const std::string& help) {
  app.add_option("-j,--jobs", jobs, help)->default_str("-1");
}

void JobsOptions::Validate(const std::string& command) const {
  if (jobs != 0) return;
  if (command.empty()) {
    throw core::UsageError(
        "Invalid value for '-j' / '--jobs': 0 jobs; use a positive number, or a negative one for every core.");
  }
  throw core::UsageError(command + ": --jobs 0 is not allowed");
}

int JobsOptions::Threads() const {
  if (jobs > 0) return jobs;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

void InputOptions::Add(CLI::App& app) {
  app.add_option("-t,--type", type_name,
                 "Type of the input files. Default: detected from each file's extension and first bytes, else csv. "
                 "pcap (also pcapng), argus and nfdump captures are turned into flows by argus + ra, ra or "
                 "nfdump -B (Debian packages argus-server, argus-client, nfdump).")
      ->type_name("[csv|feather|fwf|stata|json|pickle|parquet|excel|pcap|argus|nfdump]");
  app.add_option("--sheet", sheet, "Excel input: the sheet to read (default: the first).")->type_name("NAME");
  app.add_flag("--skip-bad-rows", skip_bad_rows,
               "Skip rows that cannot be parsed (wrong number of fields, invalid numbers) and report "
               "how many were skipped, instead of stopping at the first one.");
  app.add_option("--separator", separator_text,
                 "Field separator of CSV input: , ; | or tab. Default: detected from each file's first lines.")
      ->type_name("C");
  app.add_option("--column", column_texts,
                 "Read FIELD from the column named HEADER (repeatable), e.g. --column SrcAddr=src_host --column "
                 "Dport=dst_port. Fields: " + features::FieldList() + " (case-insensitive).")
      ->type_name("FIELD=HEADER")
      ->allow_extra_args(false);
}

namespace {

// The separator `text` names: , ; | tab (also \t, a TAB, comma, semicolon, pipe); 0 if none.
char ParseSeparator(const std::string& text) {
  const std::string lower = core::AsciiLower(text);
  if (lower == "," || lower == "comma") return ',';
  if (lower == ";" || lower == "semicolon") return ';';
  if (lower == "|" || lower == "pipe" || lower == "bar") return '|';
  if (lower == "tab" || lower == "\\t" || lower == "\t") return '\t';
  return 0;
}

}  // namespace

void InputOptions::Validate(const std::string& command) {
  const std::string prefix = command.empty() ? "Invalid value for " : command + ": invalid value for ";
  if (!separator_text.empty()) {
    separator = ParseSeparator(separator_text);
    if (separator == 0) {
      throw core::UsageError(prefix + "'--separator': '" + separator_text +
                             "' is not one of ',', ';', '|', 'tab'" + (command.empty() ? "." : ""));
    }
  }
  columns = {};
  for (const auto& text : column_texts) {
    std::string problem;
    if (!columns.Add(text, problem)) {
      throw core::UsageError(prefix + "'--column': '" + text + "': " + problem + (command.empty() ? "." : ""));
    }
  }
  if (type_name.empty()) return;
  type = io::ParseInputType(type_name);
  if (type) return;
  if (command.empty()) {
    throw core::UsageError("Invalid value for '-t' / '--type': '" + type_name +
                           "' is not one of 'csv', 'feather', 'fwf', 'stata', 'json', 'pickle', 'parquet', 'excel', "
                           "'pcap', 'argus', 'nfdump'.");
  }
  throw core::UsageError(command + ": unknown --type '" + type_name + "'");
}

io::ReaderOptions InputOptions::Reader() const {
  io::ReaderOptions options;
  options.skip_bad_rows = skip_bad_rows;
  options.sheet = sheet;
  options.separator = separator;
  return options;
}

void DetectionOptions::Add(CLI::App& app) {
  app.add_option("--detect", detect,
                 "Behaviour detection beside the model: model (the model only, as the original tool), default "
                 "(Tier 1: scans, sweeps, SMTP fan-out, unanswered floods), all (adds Tier 2: beaconing, fan-out "
                 "without DNS, failing P2P fan-out). A host is reported when the model or a detector flags it.")
      ->type_name("[model|default|all]")
      ->default_str("default");
  app.add_option("--window", window_text,
                 "Time window of the behaviour detectors (flows are keyed by start time): seconds or 90s, 30m, 1h, 2d.")
      ->type_name("DURATION")
      ->default_str("1h");
  app.add_option("--home-net", home_net,
                 "Addresses inside the monitored network, for the detectors: an address, a network or a file of "
                 "them; repeatable (default: the private ranges).")
      ->type_name("CIDR|FILE")
      ->allow_extra_args(false);
  app.add_option("--safelist", safelist,
                 "Addresses or networks (or files of them) never counted as evidence; repeatable.")
      ->type_name("CIDR|FILE")
      ->allow_extra_args(false);
}

void DetectionOptions::Validate() {
  detect = core::AsciiLower(detect);
  if (detect != "model" && detect != "default" && detect != "all") {
    throw core::UsageError("Invalid value for '--detect': '" + detect + "' is not one of 'model', 'default', 'all'.");
  }
  if (!window_text.empty() && !ParseDuration(window_text, window_seconds)) {
    throw core::UsageError("Invalid value for '--window': '" + window_text +
                           "' is not a duration (seconds, or a number with s, m, h or d: 30m, 1h).");
  }
}

Detection MakeDetection(const DetectionOptions& options, int threads) {
  Detection d;
  if (!options.enabled()) return d;
  d.options.window_seconds = options.window_seconds;
  d.options.level = options.detect == "all" ? detect::Level::kAll : detect::Level::kDefault;
  if (!options.home_net.empty()) {
    d.home_net = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(options.home_net, "--home-net"));
    d.options.home_net = d.home_net.get();
  }
  if (!options.safelist.empty()) {
    d.safelist = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(options.safelist, "--safelist"));
    d.options.safelist = d.safelist.get();
  }
  d.table = std::make_unique<detect::BehaviourTable>(d.options, threads);
  return d;
}

pipeline::ScanOptions MakeScanOptions(const std::vector<std::string>& inputs, const InputOptions& input,
                                      const JobsOptions& jobs, const models::Model* model,
                                      detect::BehaviourTable* behaviour) {
  pipeline::ScanOptions options;
  options.inputs = inputs;
  options.type = input.type;
  options.reader = input.Reader();
  options.columns = input.columns;
  options.model = model;
  options.behaviour = behaviour;
  options.threads = jobs.Threads();
  return options;
}

bool ParseDuration(const std::string& text, double& seconds) {
  if (text.empty()) return false;
  double unit = 1;
  std::string number = text;
  switch (text.back()) {
    case 's': unit = 1; number.pop_back(); break;
    case 'm': unit = 60; number.pop_back(); break;
    case 'h': unit = 3600; number.pop_back(); break;
    case 'd': unit = 86400; number.pop_back(); break;
    default: break;
  }
  try {
    size_t used = 0;
    double value = std::stod(number, &used);
    if (used != number.size() || !std::isfinite(value) || value <= 0) return false;
    seconds = value * unit;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace botrecon::cli
