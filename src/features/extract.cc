#include "features/extract.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.h"

namespace botrecon::features {
namespace {

inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  if (s.empty() || (!IsBlank(s.front()) && !IsBlank(s.back()))) return s;  // the usual case
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Missing-value spellings: pandas' and Zeek's ("-", "(empty)").
bool IsNanText(std::string_view s) {
  if (s.empty()) return false;
  switch (s.front()) {
    case 'n': case 'N': case '-': case '(': break;
    default: return false;  // digits: the usual case
  }
  return s == "nan" || s == "NaN" || s == "NAN" || s == "NA" || s == "null" || s == "None" || s == "-" ||
         s == "(empty)";
}

// Exact fast path for plain decimals ("132", "0.000499"): at most 19
// significant digits giving a mantissa below 2^53 and at most 22 decimals; the
// result is then one correctly rounded division, identical to strtod's.
// Returns false when the text needs the general parser.
bool ParseSimpleDecimal(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  uint64_t mantissa = 0;
  size_t i = 0, digits = 0;
  const size_t n = s.size();
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    mantissa = mantissa * 10 + static_cast<uint64_t>(s[i] - '0');
    ++i;
    if (++digits > 18) return false;
  }
  if (i == 0) return false;
  size_t decimals = 0;
  if (i < n) {
    if (s[i] != '.') return false;
    ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      mantissa = mantissa * 10 + static_cast<uint64_t>(s[i] - '0');
      ++i;
      ++decimals;
      if (++digits > 18) return false;
    }
    if (i != n) return false;
  }
  if (mantissa >= (1ULL << 53) || decimals > 22) return false;
  out = static_cast<double>(mantissa) / kPow10[decimals];
  return true;
}

bool ParseDouble(std::string_view s, double& out) {
  if (ParseSimpleDecimal(s, out)) return true;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

// Number formatting for messages about numeric cells.
std::string NumberText(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? ptr : buf);
}

}  // namespace

bool ParsePort(std::string_view text, double& out) {
  text = Trim(text);
  if (text.empty() || IsNanText(text)) {
    out = kMissing;
    return true;
  }
  // Fast path: plain digits, optionally followed by ".0".
  uint32_t value = 0;
  size_t i = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    // Hex may be up to 32 bits: Argus writes an IPsec SPI (esp flows) there.
    if (text.size() > 10) return false;
    auto [ptr, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), value, 16);
    if (ec != std::errc() || ptr != text.data() + text.size()) return false;
    out = value;
    return true;
  }
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i < 6) value = value * 10 + (text[i++] - '0');
  if (i == text.size() && i > 0 && i < 6 && value <= 65535) {
    out = value;
    return true;
  }
  double d;
  if (!ParseDouble(text, d) || d < 0 || d > 65535 || d != std::floor(d)) return false;
  out = d;
  return true;
}

bool ParseNonNegative(std::string_view text, double& out) {
  text = Trim(text);
  if (text.empty() || IsNanText(text)) {
    out = kMissing;
    return true;
  }
  double d;
  if (!ParseDouble(text, d) || d < 0) return false;
  out = d;
  return true;
}

core::SourceLocation FeatureExtractor::Locate(const core::ColumnBatch& batch, size_t row, Feature feature) const {
  core::SourceLocation loc;
  loc.file = source_name_;
  loc.line = row < batch.lines.size() ? batch.lines[row] : 0;
  loc.row = batch.first_row + row + 1;
  loc.column = resolution_.names[static_cast<int>(feature)];
  loc.column_number = resolution_.column_index[static_cast<int>(feature)] + 1;
  return loc;
}

bool IsServiceName(std::string_view text) {
  text = Trim(text);
  if (text.empty() || !((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'))) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == '+' || c == '/';
    if (!ok) return false;
  }
  return !IsNanText(text);
}

void FeatureExtractor::Fail(const core::ColumnBatch& batch, size_t row, Feature feature, std::string_view value,
                            const char* expected, FlowBatch& out, uint64_t& skipped,
                            std::string& first_reason) const {
  const bool port = feature == Feature::kDport || feature == Feature::kSport;
  if (port && IsServiceName(value)) {
    // `ra` without -n writes ports as service names (http, domain): most rows
    // would be bad, so the message says how to export numbers instead.
    std::string message = Locate(batch, row, feature).ToString() + ": port '" + std::string(Trim(value)) +
                          "' is a service name, not a number; export the flows with numeric ports (ra -n)";
    if (!skip_bad_rows_) throw core::InputError(message);
    if (out.keep[row] != 0) {
      out.keep[row] = 0;
      if (skipped == 0 && first_reason.empty()) first_reason = message;
      ++skipped;
    }
    return;
  }
  std::string message = Locate(batch, row, feature).ToString() + ": invalid value '" + std::string(value) +
                        "'; expected " + expected;
  if (!skip_bad_rows_) throw core::InputError(message + " (use --skip-bad-rows to skip such rows)");
  if (out.keep[row] != 0) {
    out.keep[row] = 0;
    if (skipped == 0 && first_reason.empty()) first_reason = message;
    ++skipped;
  }
}

void FeatureExtractor::Extract(const core::ColumnBatch& batch, FlowBatch& out, uint64_t& skipped,
                               std::string& first_reason) const {
  const size_t n = batch.num_rows;
  out.Resize(n, extras_);
  for (size_t r = 0; r < n; ++r) {
    out.line[r] = r < batch.lines.size() ? batch.lines[r] : 0;
    out.row[r] = batch.first_row + r + 1;
  }
  auto column = [&](Feature f) -> const core::Column& { return batch.columns[resolution_.Slot(f)]; };

  // Text features.
  auto text_feature = [&](Feature f, std::vector<std::string_view>& dest, bool lower) {
    if (resolution_.Slot(f) < 0) {  // a model column the file lacks: every value missing
      std::fill(dest.begin(), dest.begin() + static_cast<std::ptrdiff_t>(n), std::string_view{});
      return;
    }
    const core::Column& col = column(f);
    if (col.type == core::ColumnType::kString) {
      for (size_t r = 0; r < n; ++r) {
        std::string_view v = Trim(col.strings[r]);
        if (lower) {
          bool has_upper = false;
          for (char c : v) has_upper |= (c >= 'A' && c <= 'Z');
          if (has_upper) {
            std::string s(v);
            for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            out.lower_arena.push_back(std::move(s));
            v = out.lower_arena.back();
          }
        }
        dest[r] = v;
      }
    } else {
      // Numbers where text is expected (e.g. a numeric protocol column).
      for (size_t r = 0; r < n; ++r) {
        double v = col.numbers[r];
        if (std::isnan(v)) {
          dest[r] = {};
        } else {
          out.lower_arena.push_back(NumberText(v));
          dest[r] = out.lower_arena.back();
        }
      }
    }
  };
  text_feature(Feature::kSrcAddr, out.srcaddr, false);
  text_feature(Feature::kProto, out.proto, true);
  text_feature(Feature::kState, out.state, false);
  for (size_t r = 0; r < n; ++r) {
    if (out.proto[r] == "man") {  // Argus management record, not a flow
      out.keep[r] = 0;
      ++out.management_records;
    }
  }

  // Numeric features.
  auto numeric_feature = [&](Feature f, std::vector<double>& dest, bool port) {
    if (resolution_.Slot(f) < 0) {
      std::fill(dest.begin(), dest.begin() + static_cast<std::ptrdiff_t>(n), kMissing);
      return;
    }
    const core::Column& col = column(f);
    const char* expected = port ? "a port number 0-65535 (80, 80.0 or hex 0x0050)" : "a number >= 0";
    if (col.type == core::ColumnType::kString) {
      for (size_t r = 0; r < n; ++r) {
        bool ok = port ? ParsePort(col.strings[r], dest[r]) : ParseNonNegative(col.strings[r], dest[r]);
        if (!ok) {
          dest[r] = kMissing;
          Fail(batch, r, f, col.strings[r], expected, out, skipped, first_reason);
        }
      }
    } else {
      for (size_t r = 0; r < n; ++r) {
        double v = col.numbers[r];
        if (std::isnan(v)) {
          dest[r] = kMissing;
        } else if (!std::isfinite(v) || v < 0 || (port && (v > 65535 || v != std::floor(v)))) {
          dest[r] = kMissing;
          Fail(batch, r, f, NumberText(v), expected, out, skipped, first_reason);
        } else {
          dest[r] = v;
        }
      }
    }
  };
  numeric_feature(Feature::kDport, out.dport, true);
  numeric_feature(Feature::kSport, out.sport, true);
  numeric_feature(Feature::kDur, out.dur, false);
  numeric_feature(Feature::kTotBytes, out.totbytes, false);
  numeric_feature(Feature::kSrcBytes, out.srcbytes, false);
  if (resolution_.totbytes_second >= 0) {
    // Total bytes = both directions; missing if either is.
    const core::Column& col = batch.columns[resolution_.TotBytesSecondSlot()];
    for (size_t r = 0; r < n; ++r) {
      double second;
      bool ok = col.type == core::ColumnType::kString ? ParseNonNegative(col.strings[r], second)
                                                       : (std::isnan(col.numbers[r]) ? (second = kMissing, true)
                                                                                      : (second = col.numbers[r]) >= 0);
      if (!ok) {
        core::SourceLocation loc = Locate(batch, r, Feature::kTotBytes);
        loc.column = resolution_.totbytes_second_name;
        loc.column_number = resolution_.totbytes_second + 1;
        std::string message = loc.ToString() + ": invalid value; expected a number >= 0";
        if (!skip_bad_rows_) throw core::InputError(message + " (use --skip-bad-rows to skip such rows)");
        if (out.keep[r]) {
          out.keep[r] = 0;
          if (skipped == 0 && first_reason.empty()) first_reason = message;
          ++skipped;
        }
        continue;
      }
      out.totbytes[r] = (out.totbytes[r] == kMissing || second == kMissing) ? kMissing : out.totbytes[r] + second;
    }
  }
  for (size_t r = 0; r < n; ++r) out.bps[r] = BitsPerSecond(out.totbytes[r], out.dur[r]);
  if (extras_) ExtractExtras(batch, out);
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Reads exactly `width` digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t width, unsigned& out) {
  if (pos + width > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

double ParseDateTime(std::string_view s) {
  unsigned y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, y) || (s.size() > 4 && s[4] != '/' && s[4] != '-') || !Digits(s, 5, 2, mo) ||
      (s.size() > 7 && s[7] != s[4]) || !Digits(s, 8, 2, d)) {
    return NAN;
  }
  if (s.size() == 10) return static_cast<double>(DaysFromCivil(y, mo, d)) * 86400.0;
  if (s.size() < 19 || (s[10] != ' ' && s[10] != 'T') || !Digits(s, 11, 2, h) || s[13] != ':' ||
      !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, sec)) {
    return NAN;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return NAN;
  double fraction = 0;
  std::string_view rest = s.substr(19);
  // A UTC offset: Z, +HH:MM, +HHMM or +HH (Suricata writes +0200).
  double offset = 0;
  if (!rest.empty() && rest.back() == 'Z') {
    rest.remove_suffix(1);
  } else if (const size_t sign = rest.find_first_of("+-"); sign != std::string_view::npos) {
    std::string_view zone = rest.substr(sign + 1);
    unsigned oh = 0, om = 0;
    if (!Digits(zone, 0, 2, oh)) return NAN;
    if (zone.size() == 5 && zone[2] == ':') {
      if (!Digits(zone, 3, 2, om)) return NAN;
    } else if (zone.size() == 4) {
      if (!Digits(zone, 2, 2, om)) return NAN;
    } else if (zone.size() != 2) {
      return NAN;
    }
    if (oh > 23 || om > 59) return NAN;
    offset = (rest[sign] == '-' ? -1.0 : 1.0) * (oh * 3600.0 + om * 60.0);
    rest = rest.substr(0, sign);
  }
  if (!rest.empty()) {
    if (rest.front() != '.' || !ParseDouble(std::string("0") + std::string(rest), fraction)) return NAN;
  }
  return static_cast<double>(DaysFromCivil(y, mo, d)) * 86400.0 + h * 3600.0 + mi * 60.0 + sec + fraction - offset;
}

}  // namespace

double ParseTimestamp(std::string_view text) {
  text = Trim(text);
  if (text.empty() || IsNanText(text)) return NAN;
  double value;
  if (text.size() >= 5 && text[4] >= '0' && text[4] <= '9' && ParseDouble(text, value)) return value;
  return ParseDateTime(text);
}

void FeatureExtractor::ExtractExtras(const core::ColumnBatch& batch, FlowBatch& out) const {
  const size_t n = batch.num_rows;
  const int dst_slot = resolution_.ExtraSlot(Extra::kDstAddr);
  const int start_slot = resolution_.ExtraSlot(Extra::kStartTime);
  const int pkts_slot = resolution_.ExtraSlot(Extra::kPkts);
  const int pkts2_slot = resolution_.ExtraSlot(Extra::kPktsSecond);
  out.has_dstaddr = dst_slot >= 0;
  out.has_start = start_slot >= 0;
  out.has_pkts = pkts_slot >= 0;
  // A number as written, or kMissing when it is not a number >= 0: these
  // columns only inform the detectors, so a bad cell is missing, not an error.
  auto number = [&](int slot, size_t r) {
    const core::Column& col = batch.columns[slot];
    double v = kMissing;
    if (col.type == core::ColumnType::kString) {
      if (!ParseNonNegative(col.strings[r], v)) v = kMissing;
    } else if (std::isfinite(col.numbers[r]) && col.numbers[r] >= 0) {
      v = col.numbers[r];
    }
    return v;
  };
  for (size_t r = 0; r < n; ++r) {
    if (dst_slot >= 0) {
      const core::Column& col = batch.columns[dst_slot];
      out.dstaddr[r] = col.type == core::ColumnType::kString ? Trim(col.strings[r]) : std::string_view{};
    }
    if (start_slot >= 0) {
      const core::Column& col = batch.columns[start_slot];
      out.start[r] = col.type == core::ColumnType::kString ? ParseTimestamp(col.strings[r]) : col.numbers[r];
    } else {
      out.start[r] = NAN;
    }
    if (pkts_slot >= 0) {
      double p = number(pkts_slot, r);
      if (pkts2_slot >= 0 && p != kMissing) {
        double second = number(pkts2_slot, r);
        p = second == kMissing ? kMissing : p + second;
      }
      out.pkts[r] = p;
    } else {
      out.pkts[r] = kMissing;
    }
  }
}

}  // namespace botrecon::features
