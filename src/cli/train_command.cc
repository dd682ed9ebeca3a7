#include "cli/train_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/input_spec.h"
#include "cli/output.h"
#include "core/error.h"
#include "models/flow_encoder.h"
#include "models/model_file.h"
#include "models/train/forest_trainer.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::cli {

int RunTrainCommand(int argc, char** argv) {
  CLI::App app{
      "Train a model from labelled flows and write it as a botrecon model file (.brm),\n"
      "usable with `botrecon -M FILE`. Labels come from a label column (CTU-13 style:\n"
      "a label containing From-Botnet is botnet, anything else is not; or 0/1), or\n"
      "--label for every row of a single-class capture.",
      "botrecon train"};
  app.set_help_flag("-h,--help", "Show this message and exit.");
  std::vector<std::string> inputs;
  std::string output, model_type = "rforest", type, label_column = "label";
  int label = -1;
  double from_minutes = -1, to_minutes = -1;
  int jobs = -1;
  bool quiet = false, skip_bad_rows = false;
  models::ForestParams params;
  app.add_option("inputs", inputs, "Labelled flow files; FILE@FROM:TO keeps rows starting FROM..TO minutes after "
                 "the file's first row (either bound may be empty)")->required()->expected(1, -1);
  app.add_option("-o,--output", output, "Model file to write")->required();
  app.add_option("--model-type", model_type, "Model type: rforest")->default_str("rforest");
  app.add_option("-t,--type", type, "Input type (default: detected)");
  app.add_option("--label-column", label_column, "Label column name")->default_str("label");
  app.add_option("--label", label, "Label every row 0 or 1 (no label column needed)");
  app.add_option("--from-minutes", from_minutes, "Keep rows starting at least this many minutes after the first row");
  app.add_option("--to-minutes", to_minutes, "Keep rows starting less than this many minutes after the first row");
  std::vector<std::string> exclude_files;
  app.add_option("--exclude", exclude_files,
                 "Leave out training flows that also occur in this file (e.g. an evaluation set); repeatable")
      ->allow_extra_args(false);
  app.add_option("--trees", params.n_trees, "Number of trees")->default_val(params.n_trees);
  app.add_option("--max-depth", params.max_depth, "Maximum tree depth (0: unlimited)")->default_val(params.max_depth);
  app.add_option("--min-samples-leaf", params.min_samples_leaf, "Minimum rows per leaf")->default_val(params.min_samples_leaf);
  app.add_option("--min-samples-split", params.min_samples_split, "Minimum rows to split a node")->default_val(params.min_samples_split);
  app.add_option("--max-features", params.max_features, "Features tried per split (0: sqrt)")->default_val(params.max_features);
  app.add_option("--positive-weight", params.class_weight_positive,
                 "Weight of a botnet row relative to a normal one (class weight)")
      ->default_val(params.class_weight_positive);
  app.add_option("--seed", params.seed, "Random seed")->default_val(params.seed);
  app.add_option("-j,--jobs", jobs, "Threads (negative: all cores); the result does not depend on it")->default_val(jobs);
  app.add_flag("--skip-bad-rows", skip_bad_rows, "Skip rows that cannot be parsed");
  app.add_flag("-s,--silent", quiet, "Print nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    throw core::UsageError(std::string("train: ") + e.what());
  }
  if (model_type != "rforest") throw core::UsageError("train: unknown --model-type '" + model_type + "'; expected rforest");
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
  if (label >= 0) label_options.fixed_label = label;
  label_options.from_minutes = from_minutes;
  label_options.to_minutes = to_minutes;
  label_options.skip_bad_rows = skip_bad_rows;
  std::unordered_set<std::string> excluded_keys;
  for (const auto& path : exclude_files) {
    auto keys = pipeline::LoadFlowKeys(path, std::nullopt);
    excluded_keys.insert(keys.begin(), keys.end());
  }
  if (!exclude_files.empty()) label_options.exclude = &excluded_keys;
  pipeline::LabelledFlows data;
  for (const auto& spec : inputs) {
    // FILE@FROM:TO: a time window for this file only.
    InputSpec input_spec = ParseInputSpec(spec, "train");
    const std::string& input = input_spec.path;
    pipeline::LabelOptions file_options = label_options;
    if (input_spec.window) {
      file_options.from_minutes = input_spec.window->from_minutes;
      file_options.to_minutes = input_spec.window->to_minutes;
    }
    data.Append(input, input_type, file_options);
    if (!quiet) {
      std::fprintf(stderr, "[%6.1fs] %s: %zu rows so far (%zu excluded)\n", elapsed(), input.c_str(), data.size(),
                   data.excluded());
    }
  }
  if (data.size() == 0) throw core::InputError("train: no training rows");
  const auto& flows = data.flows();
  models::FlowEncoder encoder = models::FlowEncoder::Fit(flows.proto, flows.state);
  models::Dataset dataset;
  dataset.n_rows = data.size();
  dataset.n_features = models::FlowEncoder::kNumFeatures;
  dataset.x.resize(dataset.n_rows * dataset.n_features);
  encoder.EncodeBlock(flows, 0, flows.num_rows, dataset.x.data());
  dataset.y = data.labels();
  if (!quiet) {
    std::fprintf(stderr, "[%6.1fs] training %d trees on %zu rows (%zu botnet) with %d threads, seed %llu\n", elapsed(),
                 params.n_trees, data.size(), data.positives(), params.threads,
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
  WriteFileAtomically(output, bytes);
  if (!quiet) {
    std::fprintf(stderr, "[%6.1fs] wrote %s: %zu trees, %zu nodes, %zu bytes\n", elapsed(), output.c_str(),
                 forest->n_trees(), forest->n_nodes(), bytes.size());
  }
  return 0;
}

}  // namespace botrecon::cli
