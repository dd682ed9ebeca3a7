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

std::string Log1pList(const std::array<models::InputTransform, models::FlowEncoder::kNumFeatures>& transforms) {
  std::string list;
  for (size_t idx = 0; idx < transforms.size(); ++idx) {
    if (transforms[idx] != models::InputTransform::kLog1p) continue;
    list += (list.empty() ? "" : ",") + std::string(models::FlowEncoder::kFeatureNames[idx]);
  }
  return list.empty() ? "none" : list;
}

}  // namespace

int RunTrainCommand(int argc, char** argv) {
  CLI::App app{
      "Train a model from labelled flows and write it as a botrecon model file (.brm),\n"
      "usable with `botrecon -M FILE`. Labels come from a label column (CTU-13 style:\n"
      "a label containing From-Botnet is botnet, anything else is not; or 0/1),\n"
      "--label for every row of a single-class capture, or --infected for a capture\n"
      "whose infected hosts are known (their flows botnet, all others not).",
      "botrecon train"};
  app.set_help_flag("-h,--help", "Show this message and exit.");
  std::vector<std::string> inputs;
  std::string output, model_type = "rforest", type, label_column = "label", feature_set = "original";
  int label = -1;
  double from_minutes = -1, to_minutes = -1;
  int jobs = -1;
  bool quiet = false, skip_bad_rows = false;
  models::ForestParams params;
  models::SvmParams svm_params;
  std::string log1p = Log1pList(svm_params.transforms);
  app.add_option("inputs", inputs, "Labelled flow files; FILE@FROM:TO keeps rows starting FROM..TO minutes after "
                 "the file's first row (either bound may be empty); FILE#label=0|1 labels every row of that file; "
                 "FILE#infected=ADDR[,ADDR...] labels that file's flows by source host (as --infected); "
                 "a label and a window may be combined: FILE#label=1@:70")->required()->expected(1, -1);
  app.add_option("--features", feature_set,
                 "Feature set: original (the Python original's 8 inputs) or generalised (port classes, TCP flags "
                 "per direction, log-scaled sizes; rforest only)")
      ->default_str("original");
  app.add_option("-o,--output", output, "Model file to write")->required();
  app.add_option("--model-type", model_type, "Model type: rforest or svm")->default_str("rforest");
  app.add_option("-t,--type", type, "Input type (default: detected)");
  app.add_option("--label-column", label_column, "Label column name")->default_str("label");
  app.add_option("--label", label, "Label every row 0 or 1 (no label column needed)");
  std::vector<std::string> infected_entries;
  app.add_option("--infected", infected_entries,
                 "Label by source host: flows from these addresses, networks (CIDR or netmask) or files of them "
                 "are botnet, every other flow normal; no label column needed; repeatable")
      ->allow_extra_args(false);
  app.add_option("--from-minutes", from_minutes, "Keep rows starting at least this many minutes after the first row");
  app.add_option("--to-minutes", to_minutes, "Keep rows starting less than this many minutes after the first row");
  std::vector<std::string> exclude_files;
  app.add_option("--exclude", exclude_files,
                 "Leave out training flows that also occur in this file (e.g. an evaluation set); repeatable")
      ->allow_extra_args(false);
  const char* kForestGroup = "rforest options";
  const char* kSvmGroup = "svm options";
  app.add_option("--trees", params.n_trees, "Number of trees")->default_val(params.n_trees);
  app.add_option("--max-depth", params.max_depth, "Maximum tree depth (0: unlimited)")->default_val(params.max_depth);
  app.add_option("--min-samples-leaf", params.min_samples_leaf, "Minimum rows per leaf")->default_val(params.min_samples_leaf);
  app.add_option("--min-samples-split", params.min_samples_split, "Minimum rows to split a node")->default_val(params.min_samples_split);
  app.add_option("--max-features", params.max_features, "Features tried per split (0: sqrt)")->default_val(params.max_features);
  for (const char* name : {"--trees", "--max-depth", "--min-samples-leaf", "--min-samples-split", "--max-features"}) {
    app.get_option(name)->group(kForestGroup);
  }
  app.add_option("--components", svm_params.components, "Nystroem components (landmark flows)")
      ->default_val(svm_params.components)
      ->group(kSvmGroup);
  app.add_option("--gamma", svm_params.gamma, "RBF kernel width on the scaled inputs (0: 1/number of inputs = 1/8)")
      ->default_val(svm_params.gamma)
      ->group(kSvmGroup);
  app.add_option("--c", svm_params.c, "Linear SVM regularisation C")->default_val(svm_params.c)->group(kSvmGroup);
  app.add_option("--max-train-rows", svm_params.max_train_rows,
                 "Train on a seeded random sample of this many rows (0: all)")
      ->default_val(svm_params.max_train_rows)
      ->group(kSvmGroup);
  app.add_option("--log1p", log1p, "Inputs transformed with log(1 + x) before scaling: none or a list of " +
                                       std::string("proto,dport,sport,state,dur,totbytes,srcbytes,bps"))
      ->default_val(log1p)
      ->group(kSvmGroup);
  app.add_option("--positive-weight", params.class_weight_positive,
                 "Weight of a botnet row relative to a normal one (class weight)")
      ->default_val(params.class_weight_positive);
  app.add_option("--seed", params.seed, "Random seed")->default_val(params.seed);
  app.add_option("-j,--jobs", jobs, "Threads for rforest (negative: all cores; svm trains on one); the result does not depend on it")->default_val(jobs);
  app.add_flag("--skip-bad-rows", skip_bad_rows, "Skip rows that cannot be parsed");
  app.add_flag("-s,--silent", quiet, "Print nothing");
  if (!ParseSubcommand(app, argc, argv, "train")) return 0;
  if (model_type != "rforest" && model_type != "svm") {
    throw core::UsageError("train: unknown --model-type '" + model_type + "'; expected rforest or svm");
  }
  const bool svm = model_type == "svm";
  if (feature_set != "original" && feature_set != "generalised") {
    throw core::UsageError("train: unknown --features '" + feature_set + "'; expected original or generalised");
  }
  const bool generalised = feature_set == "generalised";
  if (svm && generalised) throw core::UsageError("train: --features generalised applies to --model-type rforest only");
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() == 0) continue;
    const std::string& group = option->get_group();
    if ((svm && group == kForestGroup) || (!svm && group == kSvmGroup)) {
      throw core::UsageError("train: " + option->get_name() + " applies to --model-type " +
                             (svm ? "rforest" : "svm") + " only");
    }
  }
  if (svm) {
    svm_params.transforms = ParseLog1p(log1p);
    svm_params.seed = params.seed;
    svm_params.positive_weight = params.class_weight_positive;
    if (svm_params.components < 1) throw core::UsageError("train: --components must be at least 1");
    if (!(svm_params.gamma >= 0)) throw core::UsageError("train: --gamma must be >= 0");
    if (!(svm_params.c > 0)) throw core::UsageError("train: --c must be > 0");
    if (svm_params.max_train_rows < 0) throw core::UsageError("train: --max-train-rows must be >= 0");
  }
  if (label != -1 && label != 0 && label != 1) throw core::UsageError("train: --label must be 0 or 1");
  if (params.n_trees < 1) throw core::UsageError("train: --trees must be at least 1");
  if (jobs == 0) throw core::UsageError("train: --jobs 0 is not allowed");
  params.threads = jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::optional<io::InputType> input_type;
  if (!type.empty()) {
    input_type = io::ParseInputType(type);
    if (!input_type) throw core::UsageError("train: unknown --type '" + type + "'");
  }

  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  pipeline::LabelOptions label_options;
  label_options.label_column = label_column;
  if (label >= 0 && !infected_entries.empty()) throw core::UsageError("train: give --label or --infected, not both");
  if (label >= 0) label_options.fixed_label = label;
  std::unique_ptr<filter::AddressFilter> infected;
  if (!infected_entries.empty()) {
    infected = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(infected_entries, "--infected"));
    label_options.infected = infected.get();
  }
  label_options.from_minutes = from_minutes;
  label_options.to_minutes = to_minutes;
  label_options.skip_bad_rows = skip_bad_rows;
  std::unordered_set<std::string> excluded_keys;
  for (const auto& path : exclude_files) {
    auto keys = pipeline::LoadFlowKeys(path, std::nullopt);
    excluded_keys.insert(keys.begin(), keys.end());
  }
  if (!exclude_files.empty()) label_options.exclude = &excluded_keys;
  // The model file is checked before reading: never an input, its folder writable.
  std::vector<std::string> input_paths;
  for (const auto& spec : inputs) input_paths.push_back(ParseInputSpec(spec, "train").path);
  input_paths.insert(input_paths.end(), exclude_files.begin(), exclude_files.end());
  const report::OutputTarget target = report::OutputTarget::Open({output, true, true, "model file"}, input_paths);
  pipeline::LabelledFlows data;
  for (const auto& spec : inputs) {
    // FILE#label=0|1: one label for every row of this file; FILE#infected=A,B:
    // labels by source host; FILE@FROM:TO: a time window for this file only
    // (a label and a window may be combined: FILE#label=1@:70).
    InputSpec input_spec = ParseInputSpec(spec, "train");
    std::unique_ptr<filter::AddressFilter> file_infected = FileInfectedFilter(input_spec);
    pipeline::LabelOptions file_options = FileLabelOptions(input_spec, label_options, file_infected.get());
    const std::string& input = input_spec.path;
    data.Append(input, input_type, file_options);
    if (!quiet) {
      std::fprintf(stderr, "[%6.1fs] %s: %zu rows so far, %zu botnet (%zu excluded)\n", elapsed(), input.c_str(),
                   data.size(), data.positives(), data.excluded());
    }
  }
  if (data.size() == 0) throw core::InputError("train: no training rows");
  const auto& flows = data.flows();
  models::FlowEncoder encoder =
      generalised ? models::FlowEncoder::Generalised() : models::FlowEncoder::Fit(flows.proto, flows.state);
  models::Dataset dataset;
  dataset.n_rows = data.size();
  dataset.n_features = encoder.n_features();
  dataset.x.resize(dataset.n_rows * dataset.n_features);
  encoder.EncodeBlock(flows, 0, flows.num_rows, dataset.x.data());
  dataset.y = data.labels();
  if (svm) {
    if (!quiet) {
      std::fprintf(stderr, "[%6.1fs] training an svm with %d components on %zu rows (%zu botnet), seed %llu, log1p %s\n",
                   elapsed(), svm_params.components, data.size(), data.positives(),
                   static_cast<unsigned long long>(svm_params.seed), Log1pList(svm_params.transforms).c_str());
    }
    auto model = models::TrainKernelSvm(dataset, encoder, svm_params, [&](const std::string& line) {
      if (!quiet) std::fprintf(stderr, "[%6.1fs] %s\n", elapsed(), line.c_str());
    });
    std::string bytes = models::SerializeModel(*model);
    target.Write(bytes);
    if (!quiet) {
      std::fprintf(stderr, "[%6.1fs] wrote %s: svm, %zu components, %zu bytes\n", elapsed(), output.c_str(),
                   model->n_components(), bytes.size());
    }
    return 0;
  }
  if (!quiet) {
    std::fprintf(stderr, "[%6.1fs] training %d trees on %zu rows (%zu botnet), features %s, with %d threads, seed %llu\n",
                 elapsed(), params.n_trees, data.size(), data.positives(), feature_set.c_str(), params.threads,
                 static_cast<unsigned long long>(params.seed));
  }
  const bool tty = !quiet && isatty(STDERR_FILENO);
  auto forest = models::TrainForest(dataset, encoder, params, [&](int done) {
    if (tty) {
      std::fprintf(stderr, "\r  trees: %d/%d", done, params.n_trees);
      std::fflush(stderr);
    }
  });
  if (tty) std::fputc('\n', stderr);
  std::string bytes = models::SerializeModel(*forest);
  target.Write(bytes);
  if (!quiet) {
    std::fprintf(stderr, "[%6.1fs] wrote %s: %zu trees, %zu nodes, %zu bytes\n", elapsed(), output.c_str(),
                 forest->n_trees(), forest->n_nodes(), bytes.size());
  }
  return 0;
}

}  // namespace botrecon::cli
