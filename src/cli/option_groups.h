// Option groups shared by the commands (scan, train, evaluate, explain):
// each is declared once — names, defaults, help text and validation — and a
// command adds the groups it takes. Flag names live here and in the commands,
// never below cli/.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "detect/behaviour.h"
#include "features/columns.h"
#include "filter/address_filter.h"
#include "io/reader.h"
#include "models/model.h"
#include "pipeline/scan.h"

namespace botrecon::cli {

// -m/--model and -M/--custom-model.
struct ModelOptions {
  std::string custom_model;
  std::string model = "rforest";
  void Add(CLI::App& app);
  // Lower-cases and checks the built-in name; `command` prefixes messages ("" for the scan).
  void Validate(const std::string& command);
  // The model the options name: the custom file, else the built-in one.
  std::unique_ptr<models::Model> Load() const;
  // What the results call the model: the file path or the built-in name.
  const std::string& Name() const { return custom_model.empty() ? model : custom_model; }
};

// -j/--jobs.
struct JobsOptions {
  int jobs = -1;
  void Add(CLI::App& app, const std::string& help = "Number of threads. Negative values use every core; 0 is an error.");
  void Validate(const std::string& command) const;
  // Threads to use: jobs, or every core when negative.
  int Threads() const;
};

// -t/--type, --sheet, --skip-bad-rows, --separator, --column.
struct InputOptions {
  std::string type_name;
  std::optional<io::InputType> type;
  std::string sheet;
  bool skip_bad_rows = false;
  std::string separator_text;             // as given: , ; | tab \t
  char separator = 0;                     // 0: detected per file
  std::vector<std::string> column_texts;  // FIELD=HEADER, as given
  features::ColumnMapping columns;
  void Add(CLI::App& app);
  void Validate(const std::string& command);
  // The reader settings these options make (sheet, bad rows, separator).
  io::ReaderOptions Reader() const;
};


// --detect, --window, --home-net, --safelist.
struct DetectionOptions {
  std::string detect = "default";
  std::string window_text;
  double window_seconds = 3600;
  std::vector<std::string> home_net;
  std::vector<std::string> safelist;
  void Add(CLI::App& app);
  void Validate();
  bool enabled() const { return detect != "model"; }
};

// The behaviour stage built from DetectionOptions (table is null with --detect model).
struct Detection {
  std::unique_ptr<filter::AddressFilter> home_net, safelist;
  std::unique_ptr<detect::BehaviourTable> table;
  detect::Options options;
};
Detection MakeDetection(const DetectionOptions& options, int threads);

// The scan pipeline's options that the shared groups decide: inputs, input
// type and reader settings, model, behaviour stage, threads.
pipeline::ScanOptions MakeScanOptions(const std::vector<std::string>& inputs, const InputOptions& input,
                                      const JobsOptions& jobs, const models::Model* model,
                                      detect::BehaviourTable* behaviour);

// Parses a duration: seconds ("3600", "90.5") or with a unit ("90s", "30m",
// "1h", "2d"). Returns false when it is not a positive finite duration.
bool ParseDuration(const std::string& text, double& seconds);

// The names of the built-in models, for -m.
const std::vector<std::string>& BuiltinModelNames();

}  // namespace botrecon::cli
