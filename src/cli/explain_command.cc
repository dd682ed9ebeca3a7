#include "cli/explain_command.h"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/option_groups.h"
#include "cli/output.h"
#include "cli/subcommand.h"
#include "core/error.h"
#include "core/ip_address.h"
#include "pipeline/scan.h"
#include "report/evidence.h"
#include "report/output_target.h"

namespace botrecon::cli {
namespace {

struct ExplainArgs {
  std::string host;
  std::vector<std::string> inputs;
  ModelOptions model;
  JobsOptions jobs;
  InputOptions input;
  DetectionOptions detection;
};

bool ParseExplainArgs(int argc, char** argv, ExplainArgs& args) {
  CLI::App app{"Explain one host: its flows and mean model score, then window by window the behaviour\n"
               "statistics the detectors see and the evidence that fired (with --detect all by default).",
               "botrecon explain"};
  app.set_help_flag("-h,--help", "Show this message and exit.");
  app.add_option("host", args.host, "The source host to explain")->required();
  app.add_option("inputs", args.inputs, "Flow files, scanned as one capture")->required()->expected(1, -1);
  args.detection.detect = "all";
  args.model.Add(app);
  args.jobs.Add(app);
  args.input.Add(app);
  args.detection.Add(app);
  app.get_option("--detect")->default_str("all");
  if (!ParseSubcommand(app, argc, argv, "explain")) return false;
  args.model.Validate("explain");
  args.jobs.Validate("explain");
  args.input.Validate("explain");
  args.detection.Validate();
  if (!args.detection.enabled()) throw core::UsageError("explain: --detect model has no behaviour to explain");
  return true;
}

std::string HostLine(const ExplainArgs& args, const pipeline::ScanResult& result, const std::string& host) {
  for (const auto& h : result.hosts) {
    if (h.host != host) continue;
    return "Host " + host + ": " + std::to_string(h.flow_count) + " flows, mean score " +
           PythonFloatRepr(h.mean_score) + " (" + args.model.Name() + ")\n";
  }
  return "";
}

std::string FormatTimeline(const std::vector<detect::HostBehaviour>& timeline) {
  std::string out;
  for (const auto& window : timeline) {
    std::string from = report::FormatTime(window.evidence.empty() ? NAN : window.evidence.front().window_start);
    out += "\nWindow " + (from.empty() ? std::string("(no start times)") : from + " UTC") + ": " +
           std::to_string(window.flows) + " flows, seen " + report::FormatTime(window.first_seen) + " .. " +
           report::FormatTime(window.last_seen) + "\n";
    for (const auto& e : window.evidence) {
      out += "  " + e.detector + ": " + e.summary;
      if (!e.examples.empty()) {
        out += " (e.g. ";
        for (size_t i = 0; i < e.examples.size(); ++i) out += (i ? ", " : "") + e.examples[i];
        out += ")";
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace

int RunExplainCommand(int argc, char** argv) {
  ExplainArgs args;
  if (!ParseExplainArgs(argc, argv, args)) return 0;
  auto address = core::ParseIpAddress(args.host);
  const std::string host = address ? core::FormatIpAddress(*address) : args.host;
  auto model = args.model.Load();
  Detection detection = MakeDetection(args.detection, args.jobs.Threads());
  pipeline::ScanResult result =
      pipeline::RunScan(MakeScanOptions(args.inputs, args.input, args.jobs, model.get(), detection.table.get()));
  std::string text = HostLine(args, result, host);
  if (text.empty()) throw core::UsageError("explain: host '" + args.host + "' has no flows in the input");
  std::vector<detect::HostBehaviour> timeline = detection.table->Timeline(host);
  size_t fired = 0;
  for (const auto& window : timeline) fired += window.evidence.size() - 1;  // minus the statistics line
  text += std::to_string(timeline.size()) + " windows of " + PythonFloatRepr(args.detection.window_seconds) +
          " s; " + std::to_string(fired) + " detector firings\n";
  for (const auto& note : result.behaviour_notes) text += "Note: " + note + "\n";
  report::WriteStdout(text + FormatTimeline(timeline));
  return 0;
}

}  // namespace botrecon::cli
