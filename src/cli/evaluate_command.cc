#include "cli/evaluate_command.h"
#include "core/text.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <unordered_set>

#include "cli/evaluate_report.h"
#include "cli/input_spec.h"
#include "cli/options.h"
#include "cli/subcommand.h"
#include "core/error.h"
#include "core/ip_address.h"
#include "eval/metrics.h"
#include "eval/score_flows.h"
#include "filter/address_filter.h"
#include "models/model_file.h"
#include "models/registry.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::cli {
namespace {

constexpr const char* kDescription =
    "Measure a model on labelled flows: flow-level precision, recall, F1, accuracy,\n"
    "ROC-AUC, PR-AUC (average precision) and confusion matrix; host-level infected\n"
    "hosts found and missed and false-positive hosts, with the scan's semantics (a\n"
    "host is flagged when the mean score of its flows reaches the threshold).\n\n"
    "Flow labels come from a label column (CTU-13 style: a label containing\n"
    "From-Botnet is botnet, anything else is not; or 0/1), or --label for every row.\n"
    "Host truth: with --infected, the hosts listed (CTU-13 publishes such lists);\n"
    "otherwise a host is infected when any of its flows is labelled botnet. A file\n"
    "without a label column can be evaluated with --infected alone: each flow is\n"
    "then labelled by its source host.\n";

const char* ScoreKindName(models::ScoreKind kind) {
  return kind == models::ScoreKind::kProbability ? "probability" : "decision";
}

}  // namespace

int RunEvaluateCommand(int argc, char** argv) {
  CLI::App app{kDescription, "botrecon evaluate"};
  app.get_formatter()->column_width(30);
  app.set_help_flag("-h,--help", "Show this message and exit.");
  std::vector<std::string> inputs, infected_entries, normal_entries, exclude_files;
  std::string custom_model, model_name = "rforest", label_column = "label", type;
  int label = -1;
  int64_t fp_min_flows = 0, min_count = 0;
  double threshold = 0;
  bool json = false, skip_bad_rows = false;
  int jobs = -1;
  app.add_option("inputs", inputs,
                 "Labelled flow files; FILE@FROM:TO keeps rows starting FROM..TO minutes after the file's first row "
                 "(either bound may be empty); FILE#label=0|1 labels every row of that file; "
                 "FILE#infected=ADDR[,ADDR...] labels that file's flows by source host and adds those hosts to the "
                 "host truth (as --infected)")
      ->type_name("FILE[#label=0|1|#infected=ADDR,...][@FROM:TO]")
      ->required()
      ->expected(1, -1);
  app.add_option("-M,--custom-model", custom_model, "Model file (.brm, made by `botrecon train`); overrides --model")
      ->type_name("PATH");
  app.add_option("-m,--model", model_name, "Built-in model: rforest, svm, rforest-experimental (case insensitive)")
      ->default_str("rforest");
  auto* label_column_option = app.add_option("--label-column", label_column, "Label column name")->default_str("label");
  auto* label_option = app.add_option("--label", label, "Label every row 0 or 1 (no label column needed)");
  label_option->excludes(label_column_option);
  app.add_option("--infected", infected_entries,
                 "Infected hosts: an address, a network or a file of them (as for --ip); repeatable. Overrides "
                 "the host truth from labels")
      ->type_name("ADDR|FILE")
      ->allow_extra_args(false);
  app.add_option("--normal", normal_entries,
                 "Known normal hosts (address, network or file; repeatable): reports which were flagged")
      ->type_name("ADDR|FILE")
      ->allow_extra_args(false);
  app.add_option("--fp-min-flows", fp_min_flows, "Count false-positive hosts only among hosts with at least N flows")
      ->default_str("0");
  app.add_option("-c,--min-count", min_count,
                 "Hosts with fewer flows are not evaluated (never flagged), as in the scan; 0 or lower: all")
      ->default_str("0");
  auto* threshold_option =
      app.add_option("--threshold", threshold, "Flag flows and hosts at this score instead of the model's threshold");
  app.add_option("--exclude", exclude_files, "Leave out flows that also occur in this file; repeatable")
      ->allow_extra_args(false);
  app.add_flag("--json", json, "Write the report as JSON");
  app.add_option("-j,--jobs", jobs, "Threads for scoring (negative: all cores)")->default_str("-1");
  app.add_option("-t,--type", type, "Input type (default: detected)");
  app.add_flag("--skip-bad-rows", skip_bad_rows, "Skip rows that cannot be parsed");
  if (!ParseSubcommand(app, argc, argv, "evaluate")) return 0;

  if (label != -1 && label != 0 && label != 1) throw core::UsageError("evaluate: --label must be 0 or 1");
  if (jobs == 0) throw core::UsageError("evaluate: --jobs 0 is not allowed");
  if (fp_min_flows < 0) throw core::UsageError("evaluate: --fp-min-flows must not be negative");
  if (threshold_option->count() > 0 && !std::isfinite(threshold)) {
    throw core::UsageError("evaluate: --threshold must be a finite number");
  }
  model_name = core::AsciiLower(model_name);
  if (custom_model.empty()) {
    const auto& names = BuiltinModelNames();
    if (std::find(names.begin(), names.end(), model_name) == names.end()) {
      throw core::UsageError("evaluate: invalid value for '-m' / '--model': '" + model_name +
                             "' is not one of 'rforest', 'svm', 'rforest-experimental'");
    }
  }
  std::optional<io::InputType> input_type;
  if (!type.empty()) {
    input_type = io::ParseInputType(type);
    if (!input_type) throw core::UsageError("evaluate: unknown --type '" + type + "'");
  }
  std::vector<InputSpec> specs;
  for (const auto& input : inputs) specs.push_back(ParseInputSpec(input, "evaluate"));

  // Host truth: --infected, plus every file's own #infected= hosts.
  std::unique_ptr<filter::AddressFilter> infected, normal;
  std::vector<std::unique_ptr<filter::AddressFilter>> file_infected;  // per spec; null without #infected=
  std::vector<std::string> truth_entries = infected_entries;
  for (const auto& spec : specs) {
    file_infected.push_back(FileInfectedFilter(spec));
    truth_entries.insert(truth_entries.end(), spec.infected.begin(), spec.infected.end());
  }
  if (!truth_entries.empty()) {
    infected = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(truth_entries, "--infected"));
  }
  if (!normal_entries.empty()) {
    normal = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(normal_entries, "--normal"));
  }
  std::unique_ptr<models::Model> model =
      custom_model.empty() ? models::LoadBuiltinModel(model_name) : models::LoadModelFile(custom_model);

  pipeline::LabelOptions label_options;
  label_options.label_column = label_column;
  if (label >= 0) label_options.fixed_label = label;
  label_options.skip_bad_rows = skip_bad_rows;
  // Without a label column, --infected labels the flows (unless a column was named).
  label_options.allow_missing_label = infected != nullptr && label_column_option->count() == 0;
  label_options.missing_label_infected = infected.get();
  label_options.missing_label_hint =
      "name one with --label-column, give --label 0|1 for the whole file, or list the infected hosts with "
      "--infected";
  std::unordered_set<std::string> excluded_keys;
  for (const auto& path : exclude_files) {
    auto keys = pipeline::LoadFlowKeys(path, std::nullopt);
    excluded_keys.insert(keys.begin(), keys.end());
  }
  if (!exclude_files.empty()) label_options.exclude = &excluded_keys;

  pipeline::LabelledFlows data;
  std::unordered_set<pipeline::LabelSource> sources;
  for (size_t i = 0; i < specs.size(); ++i) {
    const InputSpec& spec = specs[i];
    pipeline::LabelOptions file_options = FileLabelOptions(spec, label_options, file_infected[i].get());
    sources.insert(data.Append(spec.path, input_type, file_options));
  }
  if (data.size() == 0) throw core::InputError("evaluate: no flows to evaluate");

  const features::FlowBatch& flows = data.flows();
  const std::vector<uint8_t>& labels = data.labels();

  const int threads = jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<double> scores = eval::ScoreFlows(*model, flows, threads);

  EvaluationReport report;
  report.builtin = custom_model.empty();
  report.model = report.builtin ? model_name : custom_model;
  report.model_type = model->type_name();
  report.score_kind = ScoreKindName(model->score_kind());
  report.model_threshold = model->threshold();
  report.threshold = threshold_option->count() > 0 ? threshold : model->threshold();
  report.inputs = inputs;
  if (sources.size() > 1) {
    report.flow_labels = "mixed";
  } else {
    switch (*sources.begin()) {
      case pipeline::LabelSource::kColumn:
        report.flow_labels = "column";
        break;
      case pipeline::LabelSource::kFixed:
        report.flow_labels = "fixed";
        break;
      case pipeline::LabelSource::kNone:
      case pipeline::LabelSource::kInfected:
        report.flow_labels = "infected";
        break;
    }
  }
  report.excluded = data.excluded();
  report.flow = eval::ComputeFlowMetrics(scores, labels, report.threshold);
  report.host_truth = infected ? "infected" : "labels";
  report.min_count = min_count;
  report.fp_min_flows = fp_min_flows;
  report.have_normal = normal != nullptr;
  eval::HostEvalOptions host_options;
  host_options.threshold = report.threshold;
  host_options.min_count = min_count;
  host_options.fp_min_flows = fp_min_flows;
  host_options.infected = infected.get();
  host_options.normal = normal.get();
  report.host = eval::EvaluateHosts(eval::AggregateHosts(flows.srcaddr, scores, labels), host_options);

  const std::string text = json ? FormatEvaluationJson(report) : FormatEvaluationTable(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace botrecon::cli
