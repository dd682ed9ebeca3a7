#include "cli/evaluate_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "cli/json_writer.h"

namespace botrecon::cli {
namespace {

std::string Metric(const std::optional<double>& value) { return value ? fmt::format("{:.6f}", *value) : "n/a"; }

std::string Score(double value) { return fmt::format("{:.6f}", value); }

std::string LabelText(const std::string& flow_labels) {
  if (flow_labels == "column") return "from the label column";
  if (flow_labels == "fixed") return "from --label or #label=";
  if (flow_labels == "infected") return "by source host (--infected or #infected=)";
  return "from the label column, --label or --infected, per file";
}

// A list of hosts with their scores; `botnet_column` adds the number of flows
// labelled botnet, `flagged_column` whether the host was flagged.
std::string HostList(const std::string& title, const std::vector<eval::HostScore>& hosts, const EvaluationReport& r,
                     bool botnet_column, const std::vector<eval::HostScore>* flagged = nullptr) {
  std::string out = title + ":";
  if (hosts.empty() && flagged == nullptr) return out + " none\n";
  std::vector<eval::HostScore> all = hosts;
  std::vector<bool> is_flagged(hosts.size(), false);
  if (flagged != nullptr) {
    // Known normal hosts: flagged ones first, then the rest.
    all = *flagged;
    all.insert(all.end(), hosts.begin(), hosts.end());
    is_flagged.assign(flagged->size(), true);
    is_flagged.resize(all.size(), false);
    if (all.empty()) return out + " none in the data\n";
  }
  out += "\n";
  size_t wh = 4;
  for (const auto& h : all) wh = std::max(wh, h.host.size());
  std::string header = fmt::format("  {:<{}}  {:>10}  {:>10}", "Host", wh, "Mean Score", "Flow Count");
  if (botnet_column) header += fmt::format("  {:>12}", "Botnet Flows");
  if (flagged != nullptr) header += "  Flagged";
  out += header + "\n";
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& h = all[i];
    std::string line = fmt::format("  {:<{}}  {:>10}  {:>10}", h.host, wh, Score(h.mean_score), h.flow_count);
    if (botnet_column) line += fmt::format("  {:>12}", h.detail.botnet);
    if (flagged != nullptr) line += is_flagged[i] ? "  yes" : "  no";
    if (r.min_count > 0 && h.flow_count < static_cast<uint64_t>(r.min_count)) {
      line += fmt::format("  (not evaluated: fewer than {} flows)", r.min_count);
    }
    out += line + "\n";
  }
  return out;
}

void WriteHosts(JsonWriter& w, const std::string& key, const std::vector<eval::HostScore>& hosts,
                const EvaluationReport& r) {
  w.Key(key);
  w.BeginArray();
  for (const auto& h : hosts) {
    w.BeginObject();
    w.Key("host");
    w.String(h.host);
    w.Key("mean_score");
    w.Number(h.mean_score);
    w.Key("flow_count");
    w.UInt(h.flow_count);
    w.Key("botnet_flows");
    w.UInt(h.detail.botnet);
    w.Key("evaluated");
    w.Bool(r.min_count <= 0 || h.flow_count >= static_cast<uint64_t>(r.min_count));
    w.EndObject();
  }
  w.EndArray();
}

// The detector quality section (see eval::EvaluateDetection).
std::string QualityTable(const EvaluationReport& r) {
  const eval::DetectionQuality& q = *r.quality;
  std::string out = fmt::format(
      "\nDetection quality (--detect {}; infected hosts: {}; normal hosts with >= {} flows: {})\n", r.detect_level,
      q.infected, q.min_flows, q.normal_hosts);
  constexpr const char* kCombined = "model or detector";
  size_t wn = std::string_view(kCombined).size();
  for (const auto& v : q.verdicts) wn = std::max(wn, v.name.size());
  out += fmt::format("  {:<{}}  {:>5}  {:>6}  {:>14}\n", "Verdict", wn, "Found", "Missed", "Normal flagged");
  for (const auto& v : q.verdicts) {
    const std::string rate =
        q.normal_hosts == 0 ? "" : fmt::format(" ({:.2f} %)", 100.0 * static_cast<double>(v.normal_flagged) /
                                                                static_cast<double>(q.normal_hosts));
    out += fmt::format("  {:<{}}  {:>5}  {:>6}  {:>14}\n", v.name == "combined" ? kCombined : v.name, wn,
                       v.found, v.missed, fmt::format("{}{}", v.normal_flagged, rate));
  }
  return out;
}

void WriteQuality(JsonWriter& w, const EvaluationReport& r) {
  const eval::DetectionQuality& q = *r.quality;
  w.Key("detection_quality");
  w.BeginObject();
  w.Key("detect");
  w.String(r.detect_level);
  w.Key("min_flows");
  w.Int(q.min_flows);
  w.Key("infected");
  w.UInt(q.infected);
  w.Key("normal_hosts");
  w.UInt(q.normal_hosts);
  w.Key("verdicts");
  w.BeginArray();
  for (const auto& v : q.verdicts) {
    w.BeginObject();
    w.Key("name");
    w.String(v.name);
    w.Key("found");
    w.UInt(v.found);
    w.Key("missed");
    w.UInt(v.missed);
    w.Key("normal_flagged");
    w.UInt(v.normal_flagged);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string FormatEvaluationTable(const EvaluationReport& r) {
  const eval::FlowMetrics& f = r.flow;
  const eval::HostMetrics& h = r.host;
  std::string out;
  out += fmt::format("Model:      {} ({}; {} scores, threshold {})\n", r.model, r.builtin ? "built-in" : "model file",
                     r.score_kind, r.threshold);
  std::string inputs;
  for (const auto& input : r.inputs) inputs += (inputs.empty() ? "" : ", ") + input;
  out += fmt::format("Input:      {}\n", inputs);
  out += fmt::format("Flows:      {} ({} botnet, {} not; labelled {})", f.positives + f.negatives, f.positives,
                     f.negatives, LabelText(r.flow_labels));
  if (r.excluded > 0) out += fmt::format("; {} excluded", r.excluded);
  out += "\n\n";

  out += fmt::format("Flow level (botnet when the score is >= {})\n", r.threshold);
  out += fmt::format("  Precision  {}\n", Metric(f.precision));
  out += fmt::format("  Recall     {}\n", Metric(f.recall));
  out += fmt::format("  F1         {}\n", Metric(f.f1));
  out += fmt::format("  Accuracy   {}\n", Metric(f.accuracy));
  out += fmt::format("  ROC-AUC    {}\n", Metric(f.roc_auc));
  out += fmt::format("  PR-AUC     {}  (average precision)\n\n", Metric(f.pr_auc));
  const auto& c = f.confusion;
  const size_t wn = std::max<size_t>({16, fmt::formatted_size("{}", c.tp), fmt::formatted_size("{}", c.fp)});
  const size_t wp = std::max<size_t>({13, fmt::formatted_size("{}", c.fn), fmt::formatted_size("{}", c.tn)});
  out += fmt::format("  Confusion matrix  {:>{}}  {:>{}}\n", "predicted botnet", wn, "predicted not", wp);
  out += fmt::format("  botnet            {:>{}}  {:>{}}\n", fmt::format("TP {}", c.tp), wn, fmt::format("FN {}", c.fn),
                     wp);
  out += fmt::format("  not botnet        {:>{}}  {:>{}}\n\n", fmt::format("FP {}", c.fp), wn,
                     fmt::format("TN {}", c.tn), wp);

  out += fmt::format("Host level (flagged when the mean score is >= {}", r.threshold);
  if (r.min_count > 0) out += fmt::format("; hosts with >= {} flows evaluated", r.min_count);
  out += r.host_truth == "infected" ? "; infected = listed with --infected)\n"
                                    : "; infected = has a flow labelled botnet)\n";
  out += fmt::format("  Hosts            {} ({} evaluated)\n", h.hosts, h.evaluated);
  out += fmt::format("  Flagged          {}\n", h.flagged);
  const size_t infected = h.found.size() + h.missed.size();
  out += fmt::format("  Infected found   {} of {}  (recall {})\n", h.found.size(), infected, Metric(h.recall));
  out += fmt::format("  Infected missed  {}\n", h.missed.size());
  std::string among = r.fp_min_flows > 0 ? fmt::format(" with >= {} flows", r.fp_min_flows) : "";
  out +=
      fmt::format("  False positives  {} of {} other hosts{}  (precision {}, FP rate {})\n", h.false_positives.size(),
                  h.clean_hosts, among, Metric(h.precision), Metric(h.false_positive_rate));
  if (h.false_positives_below_fp_min_flows > 0) {
    out += fmt::format("                   not counted: {} more flagged hosts with fewer than {} flows\n",
                       h.false_positives_below_fp_min_flows, r.fp_min_flows);
  }
  if (r.have_normal) {
    out += fmt::format("  Known normal     {} flagged of {} in the data\n", h.normal_flagged.size(),
                       h.normal_flagged.size() + h.normal_not_flagged.size());
  }
  out += "\n";
  const bool botnet_column = r.flow_labels != "infected";
  out += HostList("Infected hosts found", h.found, r, botnet_column);
  out += HostList("Infected hosts missed", h.missed, r, botnet_column);
  out += HostList("False-positive hosts" + among, h.false_positives, r, botnet_column);
  if (r.have_normal) out += HostList("Known normal hosts", h.normal_not_flagged, r, botnet_column, &h.normal_flagged);
  if (r.quality) out += QualityTable(r);
  return out;
}

std::string FormatEvaluationJson(const EvaluationReport& r) {
  const eval::FlowMetrics& f = r.flow;
  const eval::HostMetrics& h = r.host;
  JsonWriter w;
  w.BeginObject();
  w.Key("model");
  w.BeginObject();
  w.Key("name");
  w.String(r.model);
  w.Key("builtin");
  w.Bool(r.builtin);
  w.Key("type");
  w.String(r.model_type);
  w.Key("score_kind");
  w.String(r.score_kind);
  w.Key("threshold");
  w.Number(r.model_threshold);
  w.EndObject();
  w.Key("inputs");
  w.BeginArray();
  for (const auto& input : r.inputs) w.String(input);
  w.EndArray();
  w.Key("threshold");
  w.Number(r.threshold);

  w.Key("flows");
  w.BeginObject();
  w.Key("total");
  w.UInt(f.positives + f.negatives);
  w.Key("botnet");
  w.UInt(f.positives);
  w.Key("not_botnet");
  w.UInt(f.negatives);
  w.Key("excluded");
  w.UInt(r.excluded);
  w.Key("labels");
  w.String(r.flow_labels);
  w.EndObject();

  w.Key("flow_metrics");
  w.BeginObject();
  w.Key("confusion_matrix");
  w.BeginObject();
  w.Key("tp");
  w.UInt(f.confusion.tp);
  w.Key("fp");
  w.UInt(f.confusion.fp);
  w.Key("tn");
  w.UInt(f.confusion.tn);
  w.Key("fn");
  w.UInt(f.confusion.fn);
  w.EndObject();
  w.Key("precision");
  w.Number(f.precision);
  w.Key("recall");
  w.Number(f.recall);
  w.Key("f1");
  w.Number(f.f1);
  w.Key("accuracy");
  w.Number(f.accuracy);
  w.Key("roc_auc");
  w.Number(f.roc_auc);
  w.Key("pr_auc");
  w.Number(f.pr_auc);
  w.EndObject();

  w.Key("host_metrics");
  w.BeginObject();
  w.Key("truth");
  w.String(r.host_truth);
  w.Key("min_count");
  w.Int(r.min_count);
  w.Key("fp_min_flows");
  w.Int(r.fp_min_flows);
  w.Key("hosts");
  w.UInt(h.hosts);
  w.Key("evaluated");
  w.UInt(h.evaluated);
  w.Key("flagged");
  w.UInt(h.flagged);
  w.Key("infected");
  w.UInt(h.found.size() + h.missed.size());
  w.Key("found");
  w.UInt(h.found.size());
  w.Key("missed");
  w.UInt(h.missed.size());
  w.Key("false_positives");
  w.UInt(h.false_positives.size());
  w.Key("false_positives_below_fp_min_flows");
  w.UInt(h.false_positives_below_fp_min_flows);
  w.Key("clean_hosts");
  w.UInt(h.clean_hosts);
  w.Key("precision");
  w.Number(h.precision);
  w.Key("recall");
  w.Number(h.recall);
  w.Key("false_positive_rate");
  w.Number(h.false_positive_rate);
  WriteHosts(w, "found_hosts", h.found, r);
  WriteHosts(w, "missed_hosts", h.missed, r);
  WriteHosts(w, "false_positive_hosts", h.false_positives, r);
  WriteHosts(w, "normal_flagged_hosts", h.normal_flagged, r);
  WriteHosts(w, "normal_not_flagged_hosts", h.normal_not_flagged, r);
  w.EndObject();
  if (r.quality) WriteQuality(w, r);
  w.EndObject();
  return w.str();
}

}  // namespace botrecon::cli
