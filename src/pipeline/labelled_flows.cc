#include "pipeline/labelled_flows.h"

#include <algorithm>
#include <cmath>

#include "aggregate/host_table.h"
#include "core/error.h"
#include "core/text.h"
#include "features/extract.h"
#include "pipeline/flow_source.h"
#include "pipeline/run.h"

namespace botrecon::pipeline {

std::string FlowKey(std::string_view srcaddr, std::string_view dstaddr, const features::FlowBatch& flows, size_t r) {
  auto num = [](double v) { return std::to_string(static_cast<long long>(std::llround(v * 1e6))); };
  std::string key;
  key.reserve(96);
  key.append(srcaddr).append("|").append(dstaddr).append("|").append(flows.proto[r]).append("|");
  key += num(flows.sport[r]) + "|" + num(flows.dport[r]) + "|" + num(flows.dur[r]) + "|" + num(flows.totbytes[r]) +
         "|" + num(flows.srcbytes[r]);
  return key;
}

std::unordered_set<std::string> LoadFlowKeys(const std::string& path, std::optional<io::InputType> type) {
  SourceOptions options;
  options.inputs.push_back({path, {}});
  options.type = type;
  options.dst = true;
  FlowSource source(std::move(options));
  std::unordered_set<std::string> keys;
  Stages stages;
  stages.hosts = false;
  stages.collect = [&](const SourceBatch& batch, std::span<const double>) {
    for (size_t r = 0; r < batch.flows.num_rows; ++r) {
      if (batch.flows.keep[r]) keys.insert(FlowKey(batch.flows.srcaddr[r], batch.dst[r], batch.flows, r));
    }
  };
  Run(source, stages, 1);
  return keys;
}

int ParseLabel(std::string_view text) {
  std::string s = core::AsciiLower(text);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  if (s.find("from-botnet") != std::string::npos) return 1;
  if (s == "1" || s == "1.0" || s == "true" || s == "botnet" || s.rfind("malicious", 0) == 0 ||
      s.rfind("malware", 0) == 0) {
    return 1;
  }
  return 0;
}

std::optional<double> ParseStartTime(std::string_view text) {
  const double seconds = features::ParseTimestamp(text);
  if (std::isnan(seconds)) return std::nullopt;
  return seconds;
}

size_t LabelledFlows::positives() const { return static_cast<size_t>(std::count(labels_.begin(), labels_.end(), 1)); }

std::string_view LabelledFlows::Intern(std::string_view s) {
  if (s.empty()) return {};
  return *strings_.emplace(s).first;
}

LabelSource LabelledFlows::Append(const std::string& path, std::optional<io::InputType> type,
                                  const LabelOptions& options, const io::ReaderOptions& reader,
                                  const features::ColumnMapping& columns) {
  SourceOptions source_options;
  source_options.inputs.push_back({path, options});
  source_options.type = type;
  source_options.reader = reader;
  source_options.columns = columns;
  source_options.labels = true;
  FlowSource source(std::move(source_options));
  Stages stages;
  stages.hosts = false;
  stages.collect = [&](const SourceBatch& batch, std::span<const double>) { Add(batch); };
  // One thread: the rows are kept in file order (training depends on it).
  RunResult run = Run(source, stages, 1);
  excluded_ += run.counts.excluded;
  return source.label_sources().front();
}

void LabelledFlows::Add(const SourceBatch& batch) {
  const features::FlowBatch& part = batch.flows;
  for (size_t r = 0; r < part.num_rows; ++r) {
    if (!part.keep[r]) continue;
    flows_.srcaddr.push_back(Intern(part.srcaddr[r]));
    flows_.proto.push_back(Intern(part.proto[r]));
    flows_.state.push_back(Intern(part.state[r]));
    flows_.dport.push_back(part.dport[r]);
    flows_.sport.push_back(part.sport[r]);
    flows_.dur.push_back(part.dur[r]);
    flows_.totbytes.push_back(part.totbytes[r]);
    flows_.srcbytes.push_back(part.srcbytes[r]);
    flows_.bps.push_back(part.bps[r]);
    flows_.keep.push_back(1);
    flows_.line.push_back(part.line[r]);
    flows_.row.push_back(part.row[r]);
    labels_.push_back(batch.labels[r] == static_cast<uint8_t>(aggregate::LabelClass::kBotnet) ? 1 : 0);
  }
  flows_.num_rows = labels_.size();
}

}  // namespace botrecon::pipeline
