#include "pipeline/labelled_flows.h"
#include "core/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.h"
#include "core/ip_address.h"
#include "features/columns.h"
#include "features/extract.h"

namespace botrecon::pipeline {
namespace {

int FindColumn(const io::Schema& schema, const std::string& wanted) {
  std::string norm = features::NormalizeName(wanted);
  for (size_t i = 0; i < schema.names.size(); ++i) {
    if (features::NormalizeName(schema.names[i]) == norm) return static_cast<int>(i);
  }
  return -1;
}

bool ParseInt(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int FindDstColumn(const io::Schema& schema) {
  // Argus, CTU-13 and the original's names; Zeek's id.resp_h; nfdump's da.
  for (const char* name : {"dstaddr", "dstaddress", "destinationaddr", "destinationaddress", "daddr", "id.resp_h", "da"}) {
    int idx = FindColumn(schema, name);
    if (idx >= 0) return idx;
  }
  return -1;
}

}  // namespace

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
  io::ReaderOptions reader_options;
  reader_options.is_header = features::LooksLikeHeader;
  auto reader = io::OpenReader(path, type, reader_options);
  features::ColumnResolution resolution = features::ResolveColumns(reader->schema(), reader->source_name());
  int dst_idx = FindDstColumn(reader->schema());
  if (dst_idx < 0) throw core::InputError(reader->source_name() + ": flows to exclude need a DstAddr column");
  std::vector<int> projection = resolution.Projection();
  projection.push_back(dst_idx);
  reader->SetProjection(projection);
  features::FeatureExtractor extractor(resolution, reader->source_name(), false);
  std::unordered_set<std::string> keys;
  core::ColumnBatch batch;
  features::FlowBatch flows;
  uint64_t skipped = 0;
  std::string reason;
  while (auto chunk = reader->NextChunk()) {
    chunk->Decode(batch);
    extractor.Extract(batch, flows, skipped, reason);
    const core::Column& dst = batch.columns.back();
    for (size_t r = 0; r < flows.num_rows; ++r) {
      std::string_view d = dst.type == core::ColumnType::kString ? dst.strings[r] : std::string_view();
      while (!d.empty() && d.front() == ' ') d.remove_prefix(1);
      keys.insert(FlowKey(flows.srcaddr[r], d, flows, r));
    }
  }
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
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double epoch;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (ec == std::errc() && p == text.data() + text.size()) return epoch;
  // YYYY/MM/DD HH:MM:SS[.frac]
  if (text.size() < 19) return std::nullopt;
  int y, mo, d, h, mi, se;
  if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), mo) || !ParseInt(text.substr(8, 2), d) ||
      !ParseInt(text.substr(11, 2), h) || !ParseInt(text.substr(14, 2), mi) || !ParseInt(text.substr(17, 2), se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  double frac = 0;
  if (text.size() > 19) {
    if (text[19] != '.') return std::nullopt;
    std::string f = "0" + std::string(text.substr(19));
    auto [q, ec2] = std::from_chars(f.data(), f.data() + f.size(), frac);
    if (ec2 != std::errc() || q != f.data() + f.size()) return std::nullopt;
  }
  return static_cast<double>(DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) + frac;
}

size_t LabelledFlows::positives() const { return static_cast<size_t>(std::count(labels_.begin(), labels_.end(), 1)); }

std::string_view LabelledFlows::Intern(std::string_view s) {
  if (s.empty()) return {};
  return *strings_.emplace(s).first;
}

LabelSource LabelledFlows::Append(const std::string& path, std::optional<io::InputType> type,
                                  const LabelOptions& options) {
  io::ReaderOptions reader_options;
  reader_options.skip_bad_rows = options.skip_bad_rows;
  reader_options.is_header = features::LooksLikeHeader;
  auto reader = io::OpenReader(path, type, reader_options);
  const io::Schema& schema = reader->schema();
  features::ColumnResolution resolution = features::ResolveColumns(schema, reader->source_name());
  std::vector<int> projection = resolution.Projection();
  int label_idx = -1, time_idx = -1;
  const size_t label_column = projection.size();
  LabelSource source = options.fixed_label ? LabelSource::kFixed
                       : options.infected  ? LabelSource::kInfected
                                           : LabelSource::kColumn;
  if (source == LabelSource::kColumn) {
    label_idx = FindColumn(schema, options.label_column.empty() ? "label" : options.label_column);
    if (label_idx < 0 && options.allow_missing_label) source = LabelSource::kNone;
  }
  if (source == LabelSource::kColumn) {
    if (label_idx < 0) {
      throw core::InputError(reader->source_name() + ": no label column '" + options.label_column + "'; " +
                             options.missing_label_hint);
    }
    projection.push_back(label_idx);
  }
  int dst_column = -1;
  if (options.exclude != nullptr) {
    int dst_idx = FindDstColumn(schema);
    if (dst_idx < 0) throw core::InputError(reader->source_name() + ": excluding flows needs a DstAddr column");
    dst_column = static_cast<int>(projection.size());
    projection.push_back(dst_idx);
  }
  const bool windowed = options.from_minutes >= 0 || options.to_minutes >= 0;
  if (windowed) {
    time_idx = FindColumn(schema, "starttime");
    if (time_idx < 0) time_idx = FindColumn(schema, "stime");
    if (time_idx < 0) throw core::InputError(reader->source_name() + ": a time window needs a StartTime column");
    projection.push_back(time_idx);
  }
  reader->SetProjection(projection);
  features::FeatureExtractor extractor(resolution, reader->source_name(), options.skip_bad_rows);

  core::ColumnBatch batch;
  features::FlowBatch part;
  std::optional<double> origin;
  uint64_t skipped = 0;
  std::string first_reason;
  while (auto chunk = reader->NextChunk()) {
    chunk->Decode(batch);
    extractor.Extract(batch, part, skipped, first_reason);
    for (size_t r = 0; r < part.num_rows; ++r) {
      if (!part.keep[r]) continue;
      if (windowed) {
        const core::Column& col = batch.columns[projection.size() - 1];
        std::optional<double> t;
        if (col.type == core::ColumnType::kDouble) {
          if (!std::isnan(col.numbers[r])) t = col.numbers[r];
        } else {
          t = ParseStartTime(col.strings[r]);
        }
        if (!t) {
          throw core::InputError(reader->source_name() + ":" + std::to_string(batch.lines.empty() ? 0 : batch.lines[r]) +
                                 ": invalid StartTime; expected epoch seconds or YYYY/MM/DD HH:MM:SS.ffffff");
        }
        if (!origin) origin = *t;
        double minutes = (*t - *origin) / 60.0;
        if (options.from_minutes >= 0 && minutes < options.from_minutes) continue;
        if (options.to_minutes >= 0 && minutes >= options.to_minutes) continue;
      }
      if (dst_column >= 0) {
        const core::Column& dst = batch.columns[dst_column];
        std::string_view d = dst.type == core::ColumnType::kString ? dst.strings[r] : std::string_view();
        while (!d.empty() && d.front() == ' ') d.remove_prefix(1);
        if (options.exclude->count(FlowKey(part.srcaddr[r], d, part, r)) > 0) {
          ++excluded_;
          continue;
        }
      }
      auto by_host = [&](const filter::AddressFilter* infected) {
        if (infected == nullptr) return 0;
        auto address = core::ParseIpAddress(part.srcaddr[r]);
        return address && infected->Matches(*address) ? 1 : 0;
      };
      int label;
      if (source == LabelSource::kNone) {
        label = by_host(options.missing_label_infected);
      } else if (options.fixed_label) {
        label = *options.fixed_label;
      } else if (source == LabelSource::kInfected) {
        label = by_host(options.infected);
      } else {
        const core::Column& col = batch.columns[label_column];
        label = col.type == core::ColumnType::kDouble ? (col.numbers[r] == 1.0 ? 1 : 0) : ParseLabel(col.strings[r]);
      }
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
      labels_.push_back(static_cast<uint8_t>(label));
    }
  }
  flows_.num_rows = labels_.size();
  return source;
}

}  // namespace botrecon::pipeline
