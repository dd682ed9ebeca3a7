#include "cli/summary.h"

#include <cstdio>

#include "cli/json_writer.h"
#include "cli/output.h"
#include "core/text.h"

namespace botrecon::cli {

std::string GroupThousands(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

std::string Count(uint64_t n, const char* one, const char* many) {
  return GroupThousands(n) + " " + (n == 1 ? one : many);
}

// A score for people: four significant digits.
std::string ShortScore(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", score);
  return buf;
}

}  // namespace

std::string FormatSummaryLine(const ScanSummary& s) {
  std::string line = "Summary: " + Count(s.files, "file", "files") + ", " + Count(s.rows_read, "row", "rows") + " read";
  std::string skipped;
  auto add = [&](uint64_t n, const char* what) {
    if (n > 0) skipped += (skipped.empty() ? "" : ", ") + GroupThousands(n) + " " + what;
  };
  add(s.bad_rows, "unparsable");
  add(s.management_records, "Argus management records");
  add(s.invalid_addresses, "invalid addresses");
  add(s.filtered, "outside the window or ranges");
  if (!skipped.empty()) line += " (skipped: " + skipped + ")";
  line += ", " + Count(s.hosts_scored, "host", "hosts") + " scored, " + GroupThousands(s.hosts_reported) + " reported";
  if (s.hosts_flagged > 0) line += " (" + GroupThousands(s.hosts_flagged) + " by behaviour)";
  if (!s.model_scored) {
    line += "; the model scored nothing (columns missing)";
  } else if (s.top_host) {
    line += "; top score " + ShortScore(s.top_host->mean_score) + " (threshold " + ShortScore(s.threshold) + "): " +
            core::Printable(s.top_host->host) + ", " + Count(s.top_host->flow_count, "flow", "flows");
  }
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "; %.2f s", s.elapsed_seconds);
  return line + elapsed + "\n";
}

std::string FormatSummaryJson(const ScanSummary& s) {
  JsonWriter json(0);
  json.BeginObject();
  json.Key("summary");
  json.BeginObject();
  json.Key("files");
  json.UInt(s.files);
  json.Key("rows_read");
  json.UInt(s.rows_read);
  json.Key("rows_skipped");
  json.BeginObject();
  json.Key("unparsable");
  json.UInt(s.bad_rows);
  json.Key("management_records");
  json.UInt(s.management_records);
  json.Key("invalid_addresses");
  json.UInt(s.invalid_addresses);
  json.Key("filtered");
  json.UInt(s.filtered);
  json.EndObject();
  json.Key("hosts_scored");
  json.UInt(s.hosts_scored);
  json.Key("hosts_reported");
  json.UInt(s.hosts_reported);
  json.Key("hosts_flagged_by_behaviour");
  json.UInt(s.hosts_flagged);
  json.Key("model_scored");
  json.Bool(s.model_scored);
  json.Key("threshold");
  json.Number(s.threshold);
  json.Key("top_host");
  if (s.top_host && s.model_scored) {
    json.BeginObject();
    json.Key("host");
    json.String(s.top_host->host);
    json.Key("mean_score");
    json.Number(s.top_host->mean_score);
    json.Key("flow_count");
    json.UInt(s.top_host->flow_count);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("elapsed_seconds");
  json.Number(s.elapsed_seconds);
  json.EndObject();
  json.EndObject();
  std::string line = json.str();
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line + "\n";
}

}  // namespace botrecon::cli
