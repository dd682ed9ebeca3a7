#include "features/columns.h"

#include <algorithm>

#include "core/error.h"
#include "core/ip_address.h"

namespace botrecon::features {

std::string NormalizeName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    out.push_back(static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c));
  }
  return out;
}

const std::array<std::vector<std::string>, kNumInputColumns>& ColumnAliases() {
  static const std::array<std::vector<std::string>, kNumInputColumns> kAliases{{
      {"srcaddr", "srcaddress", "sourceaddr", "sourceaddress", "host", "id.orig_h", "saddr", "sa"},
      {"proto", "protocol", "pr"},
      {"dport", "destinationport", "dstport", "id.resp_p", "dp"},
      {"sport", "sourceport", "srcport", "id.orig_p", "sp"},
      {"state", "st", "conn_state", "flg"},
      {"dur", "duration", "td"},
      {"totbytes", "totalbytes", "tbytes"},
      {"srcbytes", "sourcebytes", "orig_ip_bytes", "ibyt"},
  }};
  return kAliases;
}

const std::vector<TotalBytesPair>& TotalBytesPairs() {
  static const std::vector<TotalBytesPair> kPairs{{"orig_ip_bytes", "resp_ip_bytes"}, {"ibyt", "obyt"}};
  return kPairs;
}

namespace {

// How many aliases of each feature the spec defines; the rest are other tools' names.
constexpr std::array<size_t, kNumInputColumns> kSpecAliases{5, 2, 3, 3, 2, 2, 3, 2};

int FindColumn(const std::vector<std::string>& normalized, const std::vector<std::string>& aliases) {
  for (const auto& alias : aliases) {
    auto it = std::find(normalized.begin(), normalized.end(), alias);
    if (it != normalized.end()) return static_cast<int>(it - normalized.begin());
  }
  return -1;
}

}  // namespace

ColumnResolution ResolveColumns(const io::Schema& schema, const std::string& source_name) {
  const auto& aliases = ColumnAliases();
  ColumnResolution resolution;
  if (!schema.has_header) {
    if (schema.names.size() != kNumInputColumns) {
      throw core::InputError(source_name + ": the first line is data, not a header row, and it has " +
                             std::to_string(schema.names.size()) +
                             " columns; a file without a header must have exactly 8 columns, in this order: "
                             "srcaddr, proto, dport, sport, state, dur, totbytes, srcbytes");
    }
    for (int f = 0; f < kNumInputColumns; ++f) {
      resolution.column_index[f] = f;
      resolution.names[f] = aliases[f].front();
    }
    return resolution;
  }
  std::vector<std::string> normalized;
  normalized.reserve(schema.names.size());
  for (const auto& name : schema.names) normalized.push_back(NormalizeName(name));
  std::string missing;
  int num_missing = 0;
  for (int f = 0; f < kNumInputColumns; ++f) {
    int idx = FindColumn(normalized, aliases[f]);
    if (idx < 0 && f == static_cast<int>(Feature::kTotBytes)) {
      for (const auto& pair : TotalBytesPairs()) {
        int first = FindColumn(normalized, {pair.first});
        int second = FindColumn(normalized, {pair.second});
        if (first >= 0 && second >= 0) {
          idx = first;
          resolution.totbytes_second = second;
          resolution.totbytes_second_name = schema.names[second];
          break;
        }
      }
    }
    resolution.column_index[f] = idx;
    if (idx >= 0) {
      resolution.names[f] = schema.names[idx];
      continue;
    }
    ++num_missing;
    if (!missing.empty()) missing += ", ";
    missing += aliases[f].front();
    if (kSpecAliases[f] > 1) {
      missing += " (any of: ";
      for (size_t a = 0; a < kSpecAliases[f]; ++a) missing += (a ? ", " : "") + aliases[f][a];
      missing += ")";
    }
  }
  if (num_missing > 0) {
    throw core::InputError(source_name + ": missing required column" + (num_missing > 1 ? "s: " : ": ") + missing +
                           "; names are compared lower-cased with spaces removed");
  }
  return resolution;
}

bool LooksLikeHeader(const std::vector<std::string>& fields) {
  const auto& aliases = ColumnAliases();
  for (const auto& field : fields) {
    std::string norm = NormalizeName(field);
    for (const auto& list : aliases) {
      if (std::find(list.begin(), list.end(), norm) != list.end()) return true;
    }
  }
  for (const auto& field : fields) {
    if (core::ParseIpAddress(field)) return false;
  }
  return true;
}

}  // namespace botrecon::features
