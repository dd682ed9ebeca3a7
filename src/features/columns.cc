#include "features/columns.h"

#include <algorithm>
#include <tuple>

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
      // "host" last: Suricata's eve.json has "host" (the sensor) beside src_ip.
      {"srcaddr", "srcaddress", "sourceaddr", "sourceaddress", "id.orig_h", "saddr", "sa", "src_ip", "host"},
      {"proto", "protocol", "pr"},
      {"dport", "destinationport", "dstport", "id.resp_p", "dp", "dest_port"},
      {"sport", "sourceport", "srcport", "id.orig_p", "sp", "src_port"},
      {"state", "st", "conn_state", "flg", "flow.state"},
      {"dur", "duration", "td", "flow.age"},
      {"totbytes", "totalbytes", "tbytes"},
      {"srcbytes", "sourcebytes", "orig_ip_bytes", "ibyt", "flow.bytes_toserver"},
  }};
  return kAliases;
}

const std::array<std::vector<std::string>, kNumExtraColumns>& ExtraColumnAliases() {
  static const std::array<std::vector<std::string>, kNumExtraColumns> kAliases{{
      {"dstaddr", "dstaddress", "destinationaddr", "destinationaddress", "daddr", "id.resp_h", "da", "dest_ip"},
      {"starttime", "stime", "ts", "start", "flow.start", "timestamp", "firstseen", "first_seen"},
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
  static const std::vector<TotalBytesPair> kPairs{
      {"orig_ip_bytes", "resp_ip_bytes"}, {"ibyt", "obyt"}, {"flow.bytes_toserver", "flow.bytes_toclient"}};
  return kPairs;
}

namespace {

// How many aliases of each feature the spec defines; the rest are other tools' names.
// (SrcAddr's "host" is last, after the other tools' names.)
constexpr std::array<size_t, kNumInputColumns> kSpecAliases{4, 2, 3, 3, 2, 2, 3, 2};

int FindColumn(const std::vector<std::string>& normalized, const std::vector<std::string>& aliases) {
  for (const auto& alias : aliases) {
    auto it = std::find(normalized.begin(), normalized.end(), alias);
    if (it != normalized.end()) return static_cast<int>(it - normalized.begin());
  }
  return -1;
}

// Packet counts per direction that together make the flow's packets.
constexpr TotalBytesPair kPacketsPairs[] = {
    {"orig_pkts", "resp_pkts"}, {"ipkt", "opkt"}, {"flow.pkts_toserver", "flow.pkts_toclient"}};

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

namespace {

constexpr std::array<const char*, kNumFields> kFieldNames{"SrcAddr", "Proto",    "Dport",     "Sport",
                                                          "State",   "Dur",      "TotBytes",  "SrcBytes",
                                                          "DstAddr", "StartTime", "TotPkts", "Label"};

// Lower-cased, letters and digits only: "Src_IP" -> "srcip". Compares names
// for suggestions, where separators and punctuation do not matter.
std::string Squash(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

// Spellings other tools and people use, only for suggestions (squashed).
const std::array<std::vector<std::string>, kNumFields>& SuggestionNames() {
  static const std::array<std::vector<std::string>, kNumFields> kNames{{
      {"srcip", "sourceip", "src", "source", "ipsrc", "srcaddr", "clientip", "origh", "origip"},
      {"protocol", "proto", "ipproto", "l4proto", "transport"},
      {"dstport", "destport", "dport", "destinationport", "port", "dpt", "respp", "serverport"},
      {"srcport", "sourceport", "sport", "spt", "origp", "clientport"},
      {"state", "connstate", "flags", "tcpflags", "status", "flowstate"},
      {"duration", "dur", "elapsed", "flowduration", "age"},
      {"totbytes", "totalbytes", "bytes", "octets", "totaloctets", "size"},
      {"srcbytes", "sourcebytes", "bytesout", "outbytes", "sentbytes", "bytessent", "origbytes", "bytestoserver",
       "clientbytes", "sbytes"},
      {"dstaddr", "dstip", "destip", "destinationip", "dst", "destination", "ipdst", "serverip", "resph"},
      {"starttime", "stime", "start", "timestamp", "time", "ts", "date", "firstseen"},
      {"totpkts", "packets", "pkts", "totalpackets", "pktcount"},
      {"label", "class", "labels", "tag", "category"},
  }};
  return kNames;
}

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

// The columns found, for messages: at most 20 names and about 240 characters.
std::string FoundText(const std::vector<std::string>& names) {
  if (names.empty()) return "no columns";
  std::string out;
  size_t shown = 0;
  for (const auto& name : names) {
    if (shown > 0 && (shown >= 20 || out.size() + name.size() > 240)) break;
    out += (shown ? ", " : "") + (name.empty() ? std::string("''") : name);
    ++shown;
  }
  if (shown < names.size()) out += ", ... (" + std::to_string(names.size()) + " columns)";
  return out;
}

// A header that is one column holding what looks like several names: the
// file was split with the wrong separator.
std::string SingleColumnNote(const std::vector<std::string>& names) {
  if (names.size() != 1) return "";
  for (char c : {';', ',', '\t', '|'}) {
    if (names[0].find(c) == std::string::npos) continue;
    std::string sep = c == '\t' ? "TAB" : std::string("'") + c + "'";
    return " (one column: the separator seems to be " + sep + ")";
  }
  return "";
}

bool Has(const std::vector<std::string>& normalized, std::string_view name) {
  return std::find(normalized.begin(), normalized.end(), name) != normalized.end();
}

// Zeek JSON logs have no #path: which log, from a field only that log has.
std::string ZeekJsonLogKind(const std::vector<std::string>& normalized) {
  static const std::pair<const char*, const char*> kSignatures[] = {
      {"trans_id", "dns"},   {"qtype_name", "dns"},   {"method", "http"},        {"uri", "http"},
      {"server_name", "ssl"}, {"ssl_history", "ssl"}, {"cipher", "ssl"},         {"msg_types", "dhcp"},
      {"assigned_addr", "dhcp"}, {"mailfrom", "smtp"}, {"auth_success", "ssh"},  {"fuid", "files"},
      {"note", "notice"},    {"peer", "weird"},       {"client_addr", "dhcp"},  {"is_orig", "files"},
  };
  for (const auto& [field, kind] : kSignatures) {
    if (Has(normalized, field)) return kind;
  }
  return "";
}

// The message for an input that is a known kind of file other than flows, or
// "" when it is not one.
std::string OtherKindOfFile(const io::Schema& schema, const std::vector<std::string>& normalized) {
  const std::string& path = schema.zeek_path;
  if (!path.empty() && path.rfind("conn", 0) != 0) {
    return "a Zeek " + path + " log; botrecon needs Zeek's conn.log (the connections)";
  }
  if (path.empty() && Has(normalized, "uid") && Has(normalized, "id.orig_h") && !Has(normalized, "conn_state")) {
    const std::string kind = ZeekJsonLogKind(normalized);
    return (kind.empty() ? std::string("a Zeek log other than conn.log") : "a Zeek " + kind + " log") +
           "; botrecon needs Zeek's conn.log (the connections)";
  }
  return "";
}

// Argus output (`ra`, binetflow): its own column names.
bool LooksLikeArgus(const std::vector<std::string>& normalized) {
  if (Has(normalized, "flgs")) return true;
  return Has(normalized, "dir") && (Has(normalized, "srcaddr") || Has(normalized, "saddr")) &&
         (Has(normalized, "dstaddr") || Has(normalized, "daddr"));
}

// The `ra` command that exports the fields botrecon reads (as tools/captures.sh).
constexpr const char* kRaCommand =
    "ra -r CAPTURE.argus -n -u -Z b -c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes "
    "sbytes";

// The schema column `header` names: the same text, else the same normalized name; -1 if none.
int FindHeader(const io::Schema& schema, const std::string& header) {
  for (size_t i = 0; i < schema.names.size(); ++i) {
    if (schema.names[i] == header) return static_cast<int>(i);
  }
  const std::string norm = NormalizeName(header);
  for (size_t i = 0; i < schema.names.size(); ++i) {
    if (NormalizeName(schema.names[i]) == norm) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

const char* FieldName(Field field) { return kFieldNames[static_cast<int>(field)]; }

std::optional<Field> ParseField(std::string_view name) {
  const std::string norm = NormalizeName(name);
  for (int f = 0; f < kNumFields; ++f) {
    if (NormalizeName(kFieldNames[f]) == norm) return static_cast<Field>(f);
  }
  return std::nullopt;
}

std::string FieldList() {
  std::string out;
  for (int f = 0; f < kNumFields; ++f) out += (f ? ", " : "") + std::string(kFieldNames[f]);
  return out;
}

const std::string* ColumnMapping::Find(Field field) const {
  for (const auto& [f, header] : entries) {
    if (f == field) return &header;
  }
  return nullptr;
}

bool ColumnMapping::Add(std::string_view text, std::string& problem) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    problem = "expected FIELD=HEADER (e.g. SrcAddr=src_ip)";
    return false;
  }
  const std::string_view name = text.substr(0, eq);
  const std::string header(text.substr(eq + 1));
  const std::optional<Field> field = ParseField(name);
  if (!field) {
    problem = "unknown field '" + std::string(name) + "'; the fields are " + FieldList();
    return false;
  }
  if (NormalizeName(header).empty()) {
    problem = "no header name after '='";
    return false;
  }
  if (Find(*field) != nullptr) {
    problem = std::string(FieldName(*field)) + " is mapped twice";
    return false;
  }
  entries.emplace_back(*field, header);
  return true;
}

int MappedColumn(const io::Schema& schema, const std::string& source_name, const ColumnMapping& mapping, Field field) {
  const std::string* header = mapping.Find(field);
  if (header == nullptr) return -1;
  const std::string given = std::string(FieldName(field)) + "=" + *header;
  if (!schema.has_header) {
    throw ColumnsError(source_name + ": no header row (the first line is data), so no column is named " +
                           Quoted(*header) + " (for " + FieldName(field) + ")",
                       ColumnsError::Remedy::kFixMapping, given);
  }
  const int idx = FindHeader(schema, *header);
  if (idx < 0) {
    throw ColumnsError(source_name + ": no column " + Quoted(*header) + " (for " + FieldName(field) +
                           "); found: " + FoundText(schema.names) + SingleColumnNote(schema.names),
                       ColumnsError::Remedy::kFixMapping, given);
  }
  return idx;
}

ColumnResolution ResolveColumns(const io::Schema& schema, const std::string& source_name,
                                bool model_columns_optional, const ColumnMapping& mapping) {
  const auto& aliases = ColumnAliases();
  ColumnResolution resolution;
  if (!schema.has_header) {
    if (!mapping.empty()) MappedColumn(schema, source_name, mapping, mapping.entries.front().first);  // throws
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
  if (std::string other = OtherKindOfFile(schema, normalized); !other.empty()) {
    throw ColumnsError(source_name + ": " + other, ColumnsError::Remedy::kNone);
  }
  // Every mapped header must exist, also of fields this command does not read.
  for (const auto& entry : mapping.entries) MappedColumn(schema, source_name, mapping, entry.first);
  std::string missing;  // the old wording, for missing_model_columns
  std::vector<Field> missing_fields;
  for (int f = 0; f < kNumInputColumns; ++f) {
    int idx = MappedColumn(schema, source_name, mapping, static_cast<Field>(f));
    if (idx < 0) idx = FindColumn(normalized, aliases[f]);
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
    missing_fields.push_back(static_cast<Field>(f));
    if (!missing.empty()) missing += ", ";
    missing += aliases[f].front();
    if (kSpecAliases[f] > 1) {
      missing += " (any of: ";
      for (size_t a = 0; a < kSpecAliases[f]; ++a) missing += (a ? ", " : "") + aliases[f][a];
      missing += ")";
    }
  }
  ResolveExtras(schema, normalized, resolution);
  const int extra_fields[] = {static_cast<int>(Field::kDstAddr), static_cast<int>(Field::kStartTime),
                              static_cast<int>(Field::kTotPkts)};
  for (int e = 0; e < 3; ++e) {
    const int idx = MappedColumn(schema, source_name, mapping, static_cast<Field>(extra_fields[e]));
    if (idx < 0) continue;
    resolution.extra_index[e] = idx;
    resolution.extra_names[e] = schema.names[idx];
    if (e == static_cast<int>(Extra::kPkts)) {
      resolution.extra_index[static_cast<int>(Extra::kPktsSecond)] = -1;
      resolution.extra_names[static_cast<int>(Extra::kPktsSecond)].clear();
    }
  }
  // The detectors need the source, the protocol, the destination port and
  // the destination address: a file lacking any of these is refused as before.
  const auto& index = resolution.column_index;
  const bool detectors_can_run = index[static_cast<int>(Feature::kSrcAddr)] >= 0 &&
                                 index[static_cast<int>(Feature::kProto)] >= 0 &&
                                 index[static_cast<int>(Feature::kDport)] >= 0 &&
                                 resolution.extra_index[static_cast<int>(Extra::kDstAddr)] >= 0;
  std::vector<bool> taken(schema.names.size(), false);
  for (int idx : resolution.Projection(true)) taken[idx] = true;
  for (const auto& entry : mapping.entries) taken[MappedColumn(schema, source_name, mapping, entry.first)] = true;
  const std::vector<std::string> closest = ClosestHeaders(missing_fields, schema.names, taken);
  std::string suggestions;
  for (size_t i = 0; i < missing_fields.size(); ++i) {
    if (closest[i].empty()) continue;
    suggestions += (suggestions.empty() ? "" : ", ") + std::string(FieldName(missing_fields[i])) + " ~ " + closest[i];
  }
  if (!missing_fields.empty() && model_columns_optional && detectors_can_run) {
    resolution.missing_model_columns = missing;
    if (!suggestions.empty()) resolution.missing_model_columns += " (closest: " + suggestions + ")";
    if (LooksLikeArgus(normalized)) {
      resolution.missing_model_columns += " (Argus output: export the flows with " + std::string(kRaCommand) + ")";
    }
    return resolution;
  }
  if (!missing_fields.empty()) {
    std::string message = source_name + ": missing column" + (missing_fields.size() > 1 ? "s " : " ");
    for (size_t i = 0; i < missing_fields.size(); ++i) message += (i ? ", " : "") + std::string(FieldName(missing_fields[i]));
    message += "; found: " + FoundText(schema.names);
    if (const std::string note = SingleColumnNote(schema.names); !note.empty()) {
      // The header was split at the wrong separator: no name is worth suggesting.
      throw ColumnsError(message + note, ColumnsError::Remedy::kSeparator);
    }
    if (!suggestions.empty()) message += "; closest: " + suggestions;
    if (LooksLikeArgus(normalized)) {
      // Argus output without the fields botrecon reads: export them.
      message += "; Argus output: export the flows with " + std::string(kRaCommand);
      throw ColumnsError(message, suggestions.empty() ? ColumnsError::Remedy::kNone : ColumnsError::Remedy::kMapColumns);
    }
    throw ColumnsError(message, ColumnsError::Remedy::kMapColumns);
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

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> ClosestHeaders(const std::vector<Field>& missing, const std::vector<std::string>& names,
                                        const std::vector<bool>& taken) {
  // Every (distance, field, header) pair close enough; the best pairs win,
  // each field and header used once.
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t m = 0; m < missing.size(); ++m) {
    const int f = static_cast<int>(missing[m]);
    std::vector<std::string> candidates = SuggestionNames()[f];
    if (f < kNumInputColumns) {
      for (const auto& alias : ColumnAliases()[f]) candidates.push_back(Squash(alias));
    }
    for (size_t h = 0; h < names.size(); ++h) {
      if (h < taken.size() && taken[h]) continue;
      const std::string header = Squash(names[h]);
      if (header.empty()) continue;
      double best = 1.0;
      for (const auto& candidate : candidates) {
        if (candidate.empty()) continue;
        const double longer = static_cast<double>(std::max(header.size(), candidate.size()));
        double score = static_cast<double>(EditDistance(header, candidate)) / longer;
        if (longer <= 4 && score > 0) score = 1.0;  // "dir" is not "dur": short names must be equal
        // One name inside the other ("srcipaddr" holds "srcip"): close, if not tiny.
        if (std::min(header.size(), candidate.size()) >= 4 &&
            (header.find(candidate) != std::string::npos || candidate.find(header) != std::string::npos)) {
          score = std::min(score, 0.3);
        }
        best = std::min(best, score);
      }
      if (best <= 0.34) pairs.emplace_back(best, m, h);
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  std::vector<std::string> out(missing.size());
  std::vector<bool> header_used(names.size(), false);
  for (const auto& [score, m, h] : pairs) {
    if (!out[m].empty() || header_used[h]) continue;
    out[m] = names[h];
    header_used[h] = true;
  }
  return out;
}

}  // namespace botrecon::features
