#include "cli/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "cli/json_writer.h"
#include "core/error.h"

namespace botrecon::cli {

std::string PythonFloatRepr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  // Shortest round-trip digits and exponent, then Python's layout rules:
  // fixed notation when -4 <= exponent < 16, else d.ddde+XX.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, end);
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::stoi(sci.substr(e + 1));
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(-exponent - 1, '0') + digits;
    } else if (static_cast<size_t>(exponent + 1) >= digits.size()) {
      out += digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp_buf[16];
  std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp_buf;
}

namespace {

// pandas' float column layout: six decimals, trailing zeros trimmed together
// while every value ends in zero (keeping one decimal).
std::vector<std::string> FormatFloatColumn(const std::vector<double>& values) {
  std::vector<std::string> out;
  bool scientific = false;
  for (double v : values) {
    double a = std::fabs(v);
    if ((a != 0 && a < 1e-6) || a >= 1e16) scientific = true;
  }
  char buf[64];
  for (double v : values) {
    std::snprintf(buf, sizeof buf, scientific ? "%.6e" : "%.6f", v);
    out.emplace_back(buf);
  }
  if (scientific) return out;
  for (;;) {
    bool all_trimmable = !out.empty();
    for (const auto& s : out) {
      size_t dot = s.find('.');
      if (s.back() != '0' || s.size() - dot <= 2) all_trimmable = false;
    }
    if (!all_trimmable) break;
    for (auto& s : out) s.pop_back();
  }
  return out;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

namespace {

const detect::HostBehaviour* Find(const report::EvidenceIndex* evidence, const std::string& host) {
  if (evidence == nullptr) return nullptr;
  auto it = evidence->find(host);
  return it == evidence->end() ? nullptr : it->second;
}

}  // namespace

std::string FormatTable(const std::vector<aggregate::HostResult>& hosts, const report::EvidenceIndex* evidence) {
  std::vector<std::string> index, host, score, count, why;
  std::vector<double> scores;
  for (size_t i = 0; i < hosts.size(); ++i) {
    index.push_back(std::to_string(i));
    host.push_back(hosts[i].host);
    scores.push_back(hosts[i].mean_score);
    count.push_back(std::to_string(hosts[i].flow_count));
    const detect::HostBehaviour* b = Find(evidence, hosts[i].host);
    why.push_back(b ? report::ShortEvidence(*b) : "-");
  }
  score = FormatFloatColumn(scores);
  auto width = [](const std::vector<std::string>& column, const std::string& header) {
    size_t w = header.size();
    for (const auto& s : column) w = std::max(w, s.size());
    return w;
  };
  const size_t wi = width(index, ""), wh = width(host, "Host"), ws = width(score, "Mean Score"),
               wc = width(count, "Flow Count");
  std::string out = PadLeft("", wi) + "  " + PadLeft("Host", wh) + "  " + PadLeft("Mean Score", ws) + "  " +
                    PadLeft("Flow Count", wc) + (evidence ? "  Evidence" : "") + "\n";
  for (size_t i = 0; i < hosts.size(); ++i) {
    out += index[i] + std::string(wi - index[i].size(), ' ') + "  " + PadLeft(host[i], wh) + "  " +
           PadLeft(score[i], ws) + "  " + PadLeft(count[i], wc) + (evidence ? "  " + why[i] : "") + "\n";
  }
  return out;
}

namespace {

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string FormatCsv(const std::vector<aggregate::HostResult>& hosts, const report::EvidenceIndex* evidence) {
  std::string out = std::string(",Host,Mean Score,Flow Count") +
                    (evidence ? ",Detectors,Evidence,First Seen,Last Seen" : "") + "\n";
  for (size_t i = 0; i < hosts.size(); ++i) {
    out += std::to_string(i) + "," + CsvField(hosts[i].host) + "," + PythonFloatRepr(hosts[i].mean_score) + "," +
           std::to_string(hosts[i].flow_count);
    if (evidence) {
      const detect::HostBehaviour* b = Find(evidence, hosts[i].host);
      if (b) {
        out += "," + CsvField(report::DetectorList(*b)) + "," + CsvField(report::LongEvidence(*b)) + "," +
               report::FormatTime(b->first_seen) + "," + report::FormatTime(b->last_seen);
      } else {
        out += ",,,,";
      }
    }
    out += "\n";
  }
  return out;
}

namespace {

void JsonEvidence(JsonWriter& json, const detect::HostBehaviour& b) {
  json.Key("detectors");
  json.BeginArray();
  std::string list = report::DetectorList(b);
  for (size_t start = 0; start < list.size();) {
    size_t end = list.find(';', start);
    if (end == std::string::npos) end = list.size();
    json.String(list.substr(start, end - start));
    start = end + 1;
  }
  json.EndArray();
  json.Key("evidence");
  json.BeginArray();
  for (const auto& e : b.evidence) {
    json.BeginObject();
    json.Key("detector");
    json.String(e.detector);
    json.Key("window_start");
    if (std::isfinite(e.window_start)) json.String(report::FormatTime(e.window_start)); else json.Null();
    json.Key("flows");
    json.UInt(e.flows);
    json.Key("summary");
    json.String(e.summary);
    json.Key("examples");
    json.BeginArray();
    for (const auto& x : e.examples) json.String(x);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("first_seen");
  if (std::isfinite(b.first_seen)) json.String(report::FormatTime(b.first_seen)); else json.Null();
  json.Key("last_seen");
  if (std::isfinite(b.last_seen)) json.String(report::FormatTime(b.last_seen)); else json.Null();
}

}  // namespace

std::string FormatJsonLines(const std::vector<aggregate::HostResult>& hosts, const std::string& model,
                            double threshold, const report::EvidenceIndex* evidence) {
  std::string out;
  for (const auto& host : hosts) {
    JsonWriter json(0);
    json.BeginObject();
    json.Key("host");
    json.String(host.host);
    json.Key("mean_score");
    json.Number(host.mean_score);
    json.Key("flow_count");
    json.UInt(host.flow_count);
    json.Key("model");
    json.String(model);
    json.Key("threshold");
    json.Number(threshold);
    if (evidence) {
      const detect::HostBehaviour* b = Find(evidence, host.host);
      if (b) {
        JsonEvidence(json, *b);
      } else {
        json.Key("detectors");
        json.BeginArray();
        json.EndArray();
      }
    }
    json.EndObject();
    std::string line = json.str();
    while (!line.empty() && line.back() == '\n') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string StartLine() {
  struct timeval tv {};
  gettimeofday(&tv, nullptr);
  struct tm local {};
  localtime_r(&tv.tv_sec, &local);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  char full[96];
  std::snprintf(full, sizeof full, "[%s.%06ld] BotRecon starting", buf, static_cast<long>(tv.tv_usec));
  return full;
}

}  // namespace botrecon::cli
