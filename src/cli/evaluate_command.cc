#include "cli/evaluate_command.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cli/evaluate_report.h"
#include "cli/input_spec.h"
#include "cli/subcommand.h"
#include "core/error.h"
#include "eval/metrics.h"
#include "filter/address_filter.h"
#include "pipeline/flow_source.h"
#include "pipeline/run.h"

namespace botrecon::cli {
namespace {

constexpr const char* kDescription =
    "Measure a model on labelled flows: flow-level precision, recall, F1, accuracy,\n"
    "ROC-AUC, PR-AUC (average precision) and confusion matrix; host-level infected\n"
    "hosts found and missed and false-positive hosts, with the scan's semantics (a\n"
    "host is flagged when the mean score of its flows reaches the threshold); and,\n"
    "unless --detect model, the behaviour detectors' quality: per detector and for\n"
    "the combined verdict (model or detector), infected hosts found and missed and\n"
    "normal hosts flagged (among hosts with >= --fp-min-flows flows, 20 if unset).\n\n"
    "Flow labels come from a label column (CTU-13 style: a label containing\n"
    "From-Botnet is botnet, anything else is not; or 0/1), or --label for every row.\n"
    "Host truth: with --infected, the hosts listed (CTU-13 publishes such lists);\n"
    "otherwise a host is infected when any of its flows is labelled botnet. A file\n"
    "without a label column can be evaluated with --infected alone: each flow is\n"
    "then labelled by its source host. Flows are streamed: memory does not grow\n"
    "with the number of flows.\n";

// Normal hosts counted by the detector quality table when --fp-min-flows is unset.
constexpr int64_t kQualityMinFlows = 20;

// Everything built from the arguments before reading.
struct EvaluateSetup {
  std::vector<InputSpec> specs;
  std::unique_ptr<filter::AddressFilter> infected, normal;  // host truth, known normal hosts
  std::vector<std::unique_ptr<filter::AddressFilter>> file_infected;  // per spec; null without #infected=
  std::unordered_set<std::string> excluded_keys;
  std::unique_ptr<models::Model> model;
  Detection detection;
};

void Validate(EvaluateArgs& args) {
  if (args.label != -1 && args.label != 0 && args.label != 1) throw core::UsageError("evaluate: --label must be 0 or 1");
  args.jobs.Validate("evaluate");
  if (args.fp_min_flows < 0) throw core::UsageError("evaluate: --fp-min-flows must not be negative");
  if (args.threshold && !std::isfinite(*args.threshold)) {
    throw core::UsageError("evaluate: --threshold must be a finite number");
  }
  args.model.Validate("evaluate");
  args.input.Validate("evaluate");
  args.detection.Validate();
}

EvaluateSetup Setup(const EvaluateArgs& args) {
  EvaluateSetup s;
  std::vector<std::string> truth = args.infected;  // --infected, plus every file's own #infected= hosts
  for (const auto& input : args.inputs) {
    s.specs.push_back(ParseInputSpec(input, "evaluate"));
    s.file_infected.push_back(FileInfectedFilter(s.specs.back()));
    truth.insert(truth.end(), s.specs.back().infected.begin(), s.specs.back().infected.end());
  }
  if (!truth.empty()) {
    s.infected = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(truth, "--infected"));
  }
  if (!args.normal.empty()) {
    s.normal = std::make_unique<filter::AddressFilter>(filter::AddressFilter::FromEntries(args.normal, "--normal"));
  }
  s.model = args.model.Load();
  for (const auto& path : args.exclude) {
    auto keys = pipeline::LoadFlowKeys(path, std::nullopt);
    s.excluded_keys.insert(keys.begin(), keys.end());
  }
  s.detection = MakeDetection(args.detection, args.jobs.Threads());
  return s;
}

pipeline::SourceOptions SourceOf(const EvaluateArgs& args, const EvaluateSetup& s) {
  pipeline::LabelOptions base;
  base.label_column = args.label_column;
  if (args.label >= 0) base.fixed_label = args.label;
  // Without a label column, --infected labels the flows (unless a column was named).
  base.allow_missing_label = s.infected != nullptr && !args.label_column_given;
  base.missing_label_infected = s.infected.get();
  base.missing_label_hint =
      "name one with --label-column, give --label 0|1 for the whole file, or list the infected hosts with "
      "--infected";
  if (!args.exclude.empty()) base.exclude = &s.excluded_keys;
  pipeline::SourceOptions source;
  for (size_t i = 0; i < s.specs.size(); ++i) {
    source.inputs.push_back({s.specs[i].path, FileLabelOptions(s.specs[i], base, s.file_infected[i].get())});
  }
  source.type = args.input.type;
  source.reader = args.input.Reader();
  source.columns = args.input.columns;
  source.labels = true;
  source.extras = s.detection.table != nullptr;
  return source;
}

std::string FlowLabels(const std::vector<pipeline::LabelSource>& sources) {
  const std::set<pipeline::LabelSource> distinct(sources.begin(), sources.end());
  if (distinct.size() > 1) return "mixed";
  switch (*distinct.begin()) {
    case pipeline::LabelSource::kColumn: return "column";
    case pipeline::LabelSource::kFixed: return "fixed";
    case pipeline::LabelSource::kNone:
    case pipeline::LabelSource::kInfected: break;
  }
  return "infected";
}

// The detector quality table from the behaviour stage's findings.
eval::DetectionQuality Quality(const EvaluateArgs& args, const detect::BehaviourTable& behaviour,
                               const std::vector<eval::HostScore>& hosts, const eval::HostEvalOptions& options) {
  std::unordered_map<std::string, std::vector<std::string>> fired;
  for (const auto& host : behaviour.Finish()) {
    auto& ids = fired[host.host];
    for (const auto& evidence : host.evidence) ids.push_back(evidence.detector);
  }
  std::vector<std::string> detectors;
  for (const auto& info : detect::BehaviourTable::Detectors()) {
    if (info.tier == 1 || args.detection.detect == "all") detectors.push_back(info.id);
  }
  return eval::EvaluateDetection(hosts, fired, detectors, options,
                                 args.fp_min_flows > 0 ? args.fp_min_flows : kQualityMinFlows);
}

EvaluationReport Report(const EvaluateArgs& args, const EvaluateSetup& s, const models::Model& model) {
  EvaluationReport report;
  report.builtin = args.model.custom_model.empty();
  report.model = args.model.Name();
  report.model_type = model.type_name();
  report.score_kind = model.score_kind() == models::ScoreKind::kProbability ? "probability" : "decision";
  report.model_threshold = model.threshold();
  report.threshold = args.threshold.value_or(model.threshold());
  report.inputs = args.inputs;
  report.host_truth = s.infected ? "infected" : "labels";
  report.min_count = args.min_count;
  report.fp_min_flows = args.fp_min_flows;
  report.have_normal = s.normal != nullptr;
  report.detect_level = args.detection.detect;
  return report;
}

}  // namespace

bool ParseEvaluateArgs(int argc, char** argv, EvaluateArgs& args) {
  CLI::App app{kDescription, "botrecon evaluate"};
  app.get_formatter()->column_width(30);
  app.set_help_flag("-h,--help", "Show this message and exit.");
  app.add_option("inputs", args.inputs,
                 "Labelled flow files; FILE@FROM:TO keeps rows starting FROM..TO minutes after the file's first row "
                 "(either bound may be empty); FILE#label=0|1 labels every row of that file; "
                 "FILE#infected=ADDR[,ADDR...] labels that file's flows by source host and adds those hosts to the "
                 "host truth (as --infected)")
      ->type_name("FILE[#label=0|1|#infected=ADDR,...][@FROM:TO]")
      ->required()
      ->expected(1, -1);
  args.model.Add(app);
  auto* label_column = app.add_option("--label-column", args.label_column, "Label column name")->default_str("label");
  app.add_option("--label", args.label, "Label every row 0 or 1 (no label column needed)")->excludes(label_column);
  app.add_option("--infected", args.infected,
                 "Infected hosts: an address, a network or a file of them (as for --ip); repeatable. Overrides "
                 "the host truth from labels")
      ->type_name("ADDR|FILE")
      ->allow_extra_args(false);
  app.add_option("--normal", args.normal,
                 "Known normal hosts (address, network or file; repeatable): reports which were flagged")
      ->type_name("ADDR|FILE")
      ->allow_extra_args(false);
  app.add_option("--fp-min-flows", args.fp_min_flows,
                 "Count false-positive hosts only among hosts with at least N flows (detector quality: 20 if unset)")
      ->default_str("0");
  app.add_option("-c,--min-count", args.min_count,
                 "Hosts with fewer flows are not evaluated (never flagged), as in the scan; 0 or lower: all")
      ->default_str("0");
  app.add_option("--threshold", args.threshold, "Flag flows and hosts at this score instead of the model's threshold");
  app.add_option("--exclude", args.exclude, "Leave out flows that also occur in this file; repeatable")
      ->allow_extra_args(false);
  app.add_flag("--json", args.json, "Write the report as JSON");
  args.jobs.Add(app, "Threads (negative: all cores); the result does not depend on it");
  args.input.Add(app);
  args.detection.Add(app);
  if (!ParseSubcommand(app, argc, argv, "evaluate")) return false;
  args.label_column_given = label_column->count() > 0;
  Validate(args);
  return true;
}

int RunEvaluate(const EvaluateArgs& args) {
  EvaluateSetup setup = Setup(args);
  EvaluationReport report = Report(args, setup, *setup.model);
  pipeline::FlowSource source(SourceOf(args, setup));
  pipeline::Stages stages;
  stages.model = setup.model.get();
  stages.behaviour = setup.detection.table.get();
  stages.host_details = true;
  stages.flow_metrics = true;
  stages.threshold = report.threshold;
  pipeline::RunResult run = pipeline::Run(source, stages, args.jobs.Threads());
  if (run.counts.rows_kept == 0) throw core::InputError("evaluate: no flows to evaluate");

  report.flow_labels = FlowLabels(source.label_sources());
  report.excluded = run.counts.excluded;
  report.flow = eval::ComputeFlowMetrics(run.confusion, run.scores, report.threshold);
  eval::HostEvalOptions host_options;
  host_options.threshold = report.threshold;
  host_options.min_count = args.min_count;
  host_options.fp_min_flows = args.fp_min_flows;
  host_options.infected = setup.infected.get();
  host_options.normal = setup.normal.get();
  std::vector<eval::HostScore> hosts = run.hosts.Collect();
  if (setup.detection.table) report.quality = Quality(args, *setup.detection.table, hosts, host_options);
  report.host = eval::EvaluateHosts(std::move(hosts), host_options);

  const std::string text = args.json ? FormatEvaluationJson(report) : FormatEvaluationTable(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return 0;
}

int RunEvaluateCommand(int argc, char** argv) {
  EvaluateArgs args;
  if (!ParseEvaluateArgs(argc, argv, args)) return 0;
  return RunEvaluate(args);
}

}  // namespace botrecon::cli
