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

std::string FormatTable(const std::vector<aggregate::HostResult>& hosts) {
  std::vector<std::string> index, host, score, count;
  std::vector<double> scores;
  for (size_t i = 0; i < hosts.size(); ++i) {
    index.push_back(std::to_string(i));
    host.push_back(hosts[i].host);
    scores.push_back(hosts[i].mean_score);
    count.push_back(std::to_string(hosts[i].flow_count));
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
                    PadLeft("Flow Count", wc) + "\n";
  for (size_t i = 0; i < hosts.size(); ++i) {
    out += index[i] + std::string(wi - index[i].size(), ' ') + "  " + PadLeft(host[i], wh) + "  " +
           PadLeft(score[i], ws) + "  " + PadLeft(count[i], wc) + "\n";
  }
  return out;
}

std::string FormatCsv(const std::vector<aggregate::HostResult>& hosts) {
  std::string out = ",Host,Mean Score,Flow Count\n";
  for (size_t i = 0; i < hosts.size(); ++i) {
    const std::string& h = hosts[i].host;
    bool quote = h.find_first_of(",\"\n") != std::string::npos;
    std::string host = h;
    if (quote) {
      host = "\"";
      for (char c : h) host += c == '"' ? std::string("\"\"") : std::string(1, c);
      host += "\"";
    }
    out += std::to_string(i) + "," + host + "," + PythonFloatRepr(hosts[i].mean_score) + "," +
           std::to_string(hosts[i].flow_count) + "\n";
  }
  return out;
}

std::string FormatJsonLines(const std::vector<aggregate::HostResult>& hosts, const std::string& model,
                            double threshold) {
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
    json.EndObject();
    std::string line = json.str();
    while (!line.empty() && line.back() == '\n') line.pop_back();
    out += line + "\n";
  }
  return out;
}

void WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string dir = ".";
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  std::string tmpl = dir + "/.botrecon-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) throw core::IoError(path + ": cannot write output file: " + std::strerror(errno));
  auto fail = [&](const char* what) {
    int err = errno;
    close(fd);
    unlink(name.data());
    throw core::IoError(path + ": cannot write output file (" + what + "): " + std::strerror(err));
  };
  size_t done = 0;
  while (done < content.size()) {
    ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    done += static_cast<size_t>(w);
  }
  if (fchmod(fd, 0644) != 0) fail("chmod");
  if (fsync(fd) != 0) fail("fsync");
  if (close(fd) != 0) {
    int err = errno;
    unlink(name.data());
    throw core::IoError(path + ": cannot write output file: " + std::strerror(err));
  }
  if (std::rename(name.data(), path.c_str()) != 0) {
    int err = errno;
    unlink(name.data());
    throw core::IoError(path + ": cannot write output file: " + std::strerror(err));
  }
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
