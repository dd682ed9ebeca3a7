#include "cli/train_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/input_spec.h"
#include "cli/output.h"
#include "report/output_target.h"
#include "cli/subcommand.h"
#include "core/error.h"
#include "filter/address_filter.h"
#include "models/flow_encoder.h"
#include "models/model_file.h"
#include "models/train/forest_trainer.h"
#include "models/train/svm_trainer.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::cli {
namespace {

// Parses --log1p: "none" or comma-separated model input names.
std::array<models::InputTransform, models::FlowEncoder::kNumFeatures> ParseLog1p(const std::string& text) {
  std::array<models::InputTransform, models::FlowEncoder::kNumFeatures> transforms;
  transforms.fill(models::InputTransform::kIdentity);
  if (text == "none") return transforms;
  std::stringstream list(text);
  for (std::string name; std::getline(list, name, ',');) {
    const auto& names = models::FlowEncoder::kFeatureNames;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string known;
      for (std::string_view n : names) known += (known.empty() ? "" : ", ") + std::string(n);
      throw core::UsageError("train: --log1p: unknown input '" + name + "'; expected none or a comma-separated list of " +
                             known);
    }
    transforms[it - names.begin()] = models::InputTransform::kLog1p;
  }
  return transforms;
}

size_t Positives(const models::Dataset& dataset) {
  return static_cast<size_t>(std::count(dataset.y.begin(), dataset.y.end(), 1));
}

std::string Log1pList(const std::array<models::InputTransform, models::FlowEncoder::kNumFeatures>& transforms) {
  std::string list;
  for (size_t idx = 0; idx < transforms.size(); ++idx) {
    if (transforms[idx] != models::InputTransform::kLog1p) continue;
    list += (list.empty() ? "" : ",") + std::string(models::FlowEncoder::kFeatureNames[idx]);
  }
  return list.empty() ? "none" : list;
}

constexpr const char* kDescription =
    "Train a model from labelled flows and write it as a botrecon model file (.brm),\n"
    "usable with `botrecon -M FILE`. Labels come from a label column (CTU-13 style:\n"
    "a label containing From-Botnet is botnet, anything else is not; or 0/1),\n"
    "--label for every row of a single-class capture, or --infected for a capture\n"
    "whose infected hosts are known (their flows botnet, all others not).";
constexpr const char* kForestGroup = "rforest options";
constexpr const char* kSvmGroup = "svm options";

void AddForestOptions(CLI::App& app, models::ForestParams& params) {
  app.add_option("--trees", params.n_trees, "Number of trees")->default_val(params.n_trees);
  app.add_option("--max-depth", params.max_depth, "Maximum tree depth (0: unlimited)")->default_val(params.max_depth);
  app.add_option("--min-samples-leaf", params.min_samples_leaf, "Minimum rows per leaf")->default_val(params.min_samples_leaf);
  app.add_option("--min-samples-split", params.min_samples_split, "Minimum rows to split a node")->default_val(params.min_samples_split);
  app.add_option("--max-features", params.max_features, "Features tried per split (0: sqrt)")->default_val(params.max_features);
  for (const char* name : {"--trees", "--max-depth", "--min-samples-leaf", "--min-samples-split", "--max-features"}) {
    app.get_option(name)->group(kForestGroup);
  }
}

void AddSvmOptions(CLI::App& app, TrainArgs& args) {
  models::SvmParams& svm = args.svm;
  app.add_option("--components", svm.components, "Nystroem components (landmark flows)")
      ->default_val(svm.components)
      ->group(kSvmGroup);
  app.add_option("--gamma", svm.gamma, "RBF kernel width on the scaled inputs (0: 1/number of inputs = 1/8)")
      ->default_val(svm.gamma)
      ->group(kSvmGroup);
  app.add_option("--c", svm.c, "Linear SVM regularisation C")->default_val(svm.c)->group(kSvmGroup);
  app.add_option("--max-train-rows", svm.max_train_rows, "Train on a seeded random sample of this many rows (0: all)")
      ->default_val(svm.max_train_rows)
      ->group(kSvmGroup);
  args.log1p = Log1pList(svm.transforms);
  app.add_option("--log1p", args.log1p, "Inputs transformed with log(1 + x) before scaling: none or a list of " +
                                            std::string("proto,dport,sport,state,dur,totbytes,srcbytes,bps"))
      ->default_val(args.log1p)
      ->group(kSvmGroup);
}

void AddLabelOptions(CLI::App& app, TrainArgs& args) {
  app.add_option("--label-column", args.label_column, "Label column name")->default_str("label");
  app.add_option("--label", args.label, "Label every row 0 or 1 (no label column needed)");
  app.add_option("--infected", args.infected,
                 "Label by source host: flows from these addresses, networks (CIDR or netmask) or files of them "
                 "are botnet, every other flow normal; no label column needed; repeatable")
      ->allow_extra_args(false);
  app.add_option("--from-minutes", args.from_minutes, "Keep rows starting at least this many minutes after the first row");
  app.add_option("--to-minutes", args.to_minutes, "Keep rows starting less than this many minutes after the first row");
  app.add_option("--exclude", args.exclude,
                 "Leave out training flows that also occur in this file (e.g. an evaluation set); repeatable")
      ->allow_extra_args(false);
}

// Options of one model type given with the other are errors.
void CheckGroups(const CLI::App& app, bool svm) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() == 0) continue;
    const std::string& group = option->get_group();
    if ((svm && group == kForestGroup) || (!svm && group == kSvmGroup)) {
      throw core::UsageError("train: " + option->get_name() + " applies to --model-type " +
                             (svm ? "rforest" : "svm") + " only");
    }
  }
}

void Validate(TrainArgs& args) {
  if (args.model_type != "rforest" && args.model_type != "svm") {
    throw core::UsageError("train: unknown --model-type '" + args.model_type + "'; expected rforest or svm");
  }
  if (args.feature_set != "original" && args.feature_set != "generalised") {
    throw core::UsageError("train: unknown --features '" + args.feature_set + "'; expected original or generalised");
  }
  if (args.is_svm() && args.feature_set == "generalised") {
    throw core::UsageError("train: --features generalised applies to --model-type rforest only");
  }
  if (args.is_svm()) {
    models::SvmParams& svm = args.svm;
    svm.transforms = ParseLog1p(args.log1p);
    svm.seed = args.forest.seed;
    svm.positive_weight = args.forest.class_weight_positive;
    if (svm.components < 1) throw core::UsageError("train: --components must be at least 1");
    if (!(svm.gamma >= 0)) throw core::UsageError("train: --gamma must be >= 0");
    if (!(svm.c > 0)) throw core::UsageError("train: --c must be > 0");
    if (svm.max_train_rows < 0) throw core::UsageError("train: --max-train-rows must be >= 0");
  }
  if (args.label != -1 && args.label != 0 && args.label != 1) throw core::UsageError("train: --label must be 0 or 1");
  if (args.forest.n_trees < 1) throw core::UsageError("train: --trees must be at least 1");
  args.jobs.Validate("train");
  args.forest.threads = args.jobs.Threads();
  args.input.Validate("train");
  if (args.label >= 0 && !args.infected.empty()) throw core::UsageError("train: give --label or --infected, not both");
}

// Prints "[   1.2s] ..." on stderr unless quiet.
class TrainLog {
 public:
  explicit TrainLog(bool quiet) : quiet_(quiet), start_(std::chrono::steady_clock::now()) {}
  template <class... Args>
  void operator()(const char* format, Args... args) const {
    if (quiet_) return;
    std::fprintf(stderr, "[%6.1fs] ", std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    std::fprintf(stderr, format, args...);
    std::fputc('\n', stderr);
  }
  bool quiet() const { return quiet_; }

 private:
  bool quiet_;
  std::chrono::steady_clock::time_point start_;
};

// Reads every input (in order: training depends on the row order).
pipeline::LabelledFlows ReadTrainingRows(const TrainArgs& args, const TrainLog& log) {
  pipeline::LabelOptions base;
  base.label_column = args.label_column;
  if (args.label >= 0) base.fixed_label = args.label;
  std::unique_ptr<filter::AddressFilter> infected;
  if (!args.infected.empty()) {
    infected = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(args.infected, "--infected"));
    base.infected = infected.get();
  }
  base.from_minutes = args.from_minutes;
  base.to_minutes = args.to_minutes;
  base.skip_bad_rows = args.input.skip_bad_rows;
  std::unordered_set<std::string> excluded_keys;
  for (const auto& path : args.exclude) {
    auto keys = pipeline::LoadFlowKeys(path, std::nullopt);
    excluded_keys.insert(keys.begin(), keys.end());
  }
  if (!args.exclude.empty()) base.exclude = &excluded_keys;
  pipeline::LabelledFlows data;
  for (const auto& spec : args.inputs) {
    // FILE#label=0|1, FILE#infected=A,B, FILE@FROM:TO: for this file only.
    InputSpec input_spec = ParseInputSpec(spec, "train");
    std::unique_ptr<filter::AddressFilter> file_infected = FileInfectedFilter(input_spec);
    data.Append(input_spec.path, args.input.type, FileLabelOptions(input_spec, base, file_infected.get()),
                args.input.Reader(), args.input.columns);
    log("%s: %zu rows so far, %zu botnet (%zu excluded)", input_spec.path.c_str(), data.size(), data.positives(),
        data.excluded());
  }
  if (data.size() == 0) throw core::InputError("train: no training rows");
  return data;
}

// The model file's bytes and what to say about it ("svm, 200 components").
struct Trained {
  std::string bytes;
  std::string summary;
};

Trained TrainSvm(const TrainArgs& args, const models::Dataset& dataset, const models::FlowEncoder& encoder,
                     const TrainLog& log) {
  log("training an svm with %d components on %zu rows (%zu botnet), seed %llu, log1p %s", args.svm.components,
      dataset.n_rows, Positives(dataset), static_cast<unsigned long long>(args.svm.seed),
      Log1pList(args.svm.transforms).c_str());
  auto model = models::TrainKernelSvm(dataset, encoder, args.svm, [&](const std::string& line) { log("%s", line.c_str()); });
  return {models::SerializeModel(*model), "svm, " + std::to_string(model->n_components()) + " components"};
}

Trained TrainRandomForest(const TrainArgs& args, const models::Dataset& dataset,
                              const models::FlowEncoder& encoder, const TrainLog& log) {
  const models::ForestParams& params = args.forest;
  log("training %d trees on %zu rows (%zu botnet), features %s, with %d threads, seed %llu", params.n_trees,
      dataset.n_rows, Positives(dataset), args.feature_set.c_str(), params.threads,
      static_cast<unsigned long long>(params.seed));
  const bool tty = !log.quiet() && isatty(STDERR_FILENO);
  auto forest = models::TrainForest(dataset, encoder, params, [&](int done) {
    if (!tty) return;
    std::fprintf(stderr, "\r  trees: %d/%d", done, params.n_trees);
    std::fflush(stderr);
  });
  if (tty) std::fputc('\n', stderr);
  return {models::SerializeModel(*forest),
          std::to_string(forest->n_trees()) + " trees, " + std::to_string(forest->n_nodes()) + " nodes"};
}

}  // namespace

bool ParseTrainArgs(int argc, char** argv, TrainArgs& args) {
  CLI::App app{kDescription, "botrecon train"};
  app.set_help_flag("-h,--help", "Show this message and exit.");
  app.add_option("inputs", args.inputs, "Labelled flow files; FILE@FROM:TO keeps rows starting FROM..TO minutes after "
                 "the file's first row (either bound may be empty); FILE#label=0|1 labels every row of that file; "
                 "FILE#infected=ADDR[,ADDR...] labels that file's flows by source host (as --infected); "
                 "a label and a window may be combined: FILE#label=1@:70")->required()->expected(1, -1);
  app.add_option("--features", args.feature_set,
                 "Feature set: original (the Python original's 8 inputs) or generalised (port classes, TCP flags "
                 "per direction, log-scaled sizes; rforest only)")
      ->default_str("original");
  app.add_option("-o,--output", args.output, "Model file to write")->required();
  app.add_option("--model-type", args.model_type, "Model type: rforest or svm")->default_str("rforest");
  args.input.Add(app);
  AddLabelOptions(app, args);
  AddForestOptions(app, args.forest);
  AddSvmOptions(app, args);
  app.add_option("--positive-weight", args.forest.class_weight_positive,
                 "Weight of a botnet row relative to a normal one (class weight)")
      ->default_val(args.forest.class_weight_positive);
  app.add_option("--seed", args.forest.seed, "Random seed")->default_val(args.forest.seed);
  args.jobs.Add(app, "Threads for rforest (negative: all cores; svm trains on one); the result does not depend on it");
  app.add_flag("-s,--silent", args.quiet, "Print nothing");
  if (!ParseSubcommand(app, argc, argv, "train")) return false;
  Validate(args);
  CheckGroups(app, args.is_svm());
  return true;
}

int RunTrain(const TrainArgs& args) {
  TrainLog log(args.quiet);
  // The model file is checked before reading: never an input, its folder writable.
  std::vector<std::string> input_paths;
  for (const auto& spec : args.inputs) input_paths.push_back(ParseInputSpec(spec, "train").path);
  input_paths.insert(input_paths.end(), args.exclude.begin(), args.exclude.end());
  const report::OutputTarget target = report::OutputTarget::Open({args.output, true, true, "model file"}, input_paths);
  pipeline::LabelledFlows data = ReadTrainingRows(args, log);
  const auto& flows = data.flows();
  models::FlowEncoder encoder = args.feature_set == "generalised" ? models::FlowEncoder::Generalised()
                                                                  : models::FlowEncoder::Fit(flows.proto, flows.state);
  models::Dataset dataset;
  dataset.n_rows = data.size();
  dataset.n_features = encoder.n_features();
  dataset.x.resize(dataset.n_rows * dataset.n_features);
  encoder.EncodeBlock(flows, 0, flows.num_rows, dataset.x.data());
  dataset.y = data.labels();
  const Trained trained =
      args.is_svm() ? TrainSvm(args, dataset, encoder, log) : TrainRandomForest(args, dataset, encoder, log);
  target.Write(trained.bytes);
  log("wrote %s: %s, %zu bytes", args.output.c_str(), trained.summary.c_str(), trained.bytes.size());
  return 0;
}

int RunTrainCommand(int argc, char** argv) {
  TrainArgs args;
  if (!ParseTrainArgs(argc, argv, args)) return 0;
  return RunTrain(args);
}

}  // namespace botrecon::cli
