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

const std::array<std::vector<std::string>, kNumExtraColumns>& ExtraColumnAliases() {
  static const std::array<std::vector<std::string>, kNumExtraColumns> kAliases{{
      {"dstaddr", "dstaddress", "destinationaddr", "destinationaddress", "daddr", "id.resp_h", "da", "dest_ip"},
      {"starttime", "stime", "ts", "start", "timestamp", "firstseen", "first_seen"},
      {"totpkts", "pkts", "packets", "totalpackets", "tpkts"},
      {},  // the second packets column comes from a pair (PacketsPairs)
  }};
  return kAliases;
}

std::vector<int> ColumnResolution::Projection(bool extras) const {
  std::vector<int> out;
  for (int index : column_index) {
    if (index >= 0) out.push_back(index);  // a model column may be absent (missing_model_columns)
  }
  if (totbytes_second >= 0) out.push_back(totbytes_second);
  if (extras) {
    for (int index : extra_index) {
      if (index >= 0) out.push_back(index);
    }
  }
  return out;
}

int ColumnResolution::Slot(Feature feature) const {
  const int f = static_cast<int>(feature);
  if (column_index[f] < 0) return -1;
  int slot = 0;
  for (int i = 0; i < f; ++i) slot += column_index[i] >= 0 ? 1 : 0;
  return slot;
}

int ColumnResolution::TotBytesSecondSlot() const {
  if (totbytes_second < 0) return -1;
  int slot = 0;
  for (int index : column_index) slot += index >= 0 ? 1 : 0;
  return slot;
}

int ColumnResolution::ExtraSlot(Extra extra) const {
  const int e = static_cast<int>(extra);
  if (extra_index[e] < 0) return -1;
  int slot = (totbytes_second >= 0 ? 1 : 0);
  for (int index : column_index) slot += index >= 0 ? 1 : 0;
  for (int i = 0; i < e; ++i) slot += extra_index[i] >= 0 ? 1 : 0;
  return slot;
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

// Packet counts per direction that together make the flow's packets.
constexpr TotalBytesPair kPacketsPairs[] = {{"orig_pkts", "resp_pkts"}, {"ipkt", "opkt"}};

void ResolveExtras(const io::Schema& schema, const std::vector<std::string>& normalized, ColumnResolution& out) {
  const auto& aliases = ExtraColumnAliases();
  for (int e = 0; e < static_cast<int>(Extra::kPktsSecond); ++e) out.extra_index[e] = FindColumn(normalized, aliases[e]);
  const int pkts = static_cast<int>(Extra::kPkts);
  if (out.extra_index[pkts] < 0) {
    for (const auto& pair : kPacketsPairs) {
      int first = FindColumn(normalized, {pair.first});
      int second = FindColumn(normalized, {pair.second});
      if (first >= 0 && second >= 0) {
        out.extra_index[pkts] = first;
        out.extra_index[static_cast<int>(Extra::kPktsSecond)] = second;
        break;
      }
    }
  }
  for (int e = 0; e < kNumExtraColumns; ++e) {
    if (out.extra_index[e] >= 0) out.extra_names[e] = schema.names[out.extra_index[e]];
  }
}

}  // namespace

ColumnResolution ResolveColumns(const io::Schema& schema, const std::string& source_name,
                                bool model_columns_optional) {
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
  ResolveExtras(schema, normalized, resolution);
  // The detectors need the source, the protocol, the destination port and
  // the destination address: a file lacking any of these is refused as before.
  const auto& index = resolution.column_index;
  const bool detectors_can_run = index[static_cast<int>(Feature::kSrcAddr)] >= 0 &&
                                 index[static_cast<int>(Feature::kProto)] >= 0 &&
                                 index[static_cast<int>(Feature::kDport)] >= 0 &&
                                 resolution.extra_index[static_cast<int>(Extra::kDstAddr)] >= 0;
  if (num_missing > 0 && model_columns_optional && detectors_can_run) {
    resolution.missing_model_columns = missing;
    return resolution;
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
