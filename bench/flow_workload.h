// The benchmark workload (docs/benchmarks.md "Workload"), shared by gen_flows
// and the per-stage benchmarks: test.csv replicated to N rows, copy 0 with
// its own addresses, every later copy with each distinct source address
// renamed to its own 10.x.y.z address (unique across copies), rows shuffled
// with a fixed-seed splitmix64 Fisher-Yates shuffle, index renumbered 0..N-1.
// Header-only; no dependency on botrecon_core.
#pragma once
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace botrecon::bench {

inline constexpr uint64_t kDefaultSeed = 20240501;
// Ids 1 .. 2^24-1 give 10.0.0.1 .. 10.255.255.255.
inline constexpr uint64_t kMaxHostIds = (uint64_t{1} << 24) - 1;

struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) by multiply-shift (Lemire, without rejection: the
  // bias for bound < 2^32 is below 2^-32); fully determined by the seed.
  uint32_t Below(uint32_t bound) {
    __extension__ using U128 = unsigned __int128;
    return static_cast<uint32_t>((static_cast<U128>(Next()) * bound) >> 64);
  }
};

// The template rows, each split around its source address.
struct FlowTemplate {
  struct Row {
    std::string before;   // fields after the index up to the source address, with the trailing comma
    std::string address;  // the source address as written
    std::string after;    // from the comma after the address to the end ("" if last)
    uint32_t host = 0;    // index of the distinct source address
  };
  std::string header;  // the header line as written (no newline)
  std::vector<Row> rows;
  uint64_t num_hosts = 0;
};

namespace detail {

inline std::vector<std::string_view> SplitCommas(std::string_view line) {
  std::vector<std::string_view> fields;
  for (size_t pos = 0;;) {
    size_t comma = line.find(',', pos);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(pos));
      return fields;
    }
    fields.push_back(line.substr(pos, comma - pos));
    pos = comma + 1;
  }
}

inline bool IsSrcAddr(std::string_view name) {
  if (name.size() != 7) return false;
  for (size_t idx = 0; idx < 7; ++idx) {
    char c = name[idx];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != "srcaddr"[idx]) return false;
  }
  return true;
}

}  // namespace detail

// Parses a pandas-written flow CSV (leading index column, no quoted fields).
// Throws std::runtime_error naming the file.
inline FlowTemplate ParseFlowTemplate(const std::string& name, std::string_view text) {
  if (text.find('"') != std::string_view::npos) throw std::runtime_error(name + ": quoted fields are not supported");
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    pos = nl + 1;
  }
  if (lines.size() < 2) throw std::runtime_error(name + ": expected a header and at least one data row");
  const auto header = detail::SplitCommas(lines[0]);
  const size_t data_fields = detail::SplitCommas(lines[1]).size();
  // pandas writes its index under an empty name (older versions drop the cell).
  if (!(data_fields == header.size() + 1 || (data_fields == header.size() && header[0].empty()))) {
    throw std::runtime_error(name + ": expected a leading pandas index column");
  }
  const size_t header_offset = data_fields - header.size();
  size_t src_field = 0;
  for (size_t h = 0; h < header.size(); ++h) {
    if (detail::IsSrcAddr(header[h])) src_field = h + header_offset;
  }
  if (src_field == 0) throw std::runtime_error(name + ": no SrcAddr column");

  FlowTemplate out;
  out.header = std::string(lines[0]);
  std::unordered_map<std::string, uint32_t> host_ids;
  for (size_t line_idx = 1; line_idx < lines.size(); ++line_idx) {
    const auto fields = detail::SplitCommas(lines[line_idx]);
    if (fields.size() != data_fields) {
      throw std::runtime_error(name + ":" + std::to_string(line_idx + 1) + ": expected " +
                               std::to_string(data_fields) + " fields, got " + std::to_string(fields.size()));
    }
    FlowTemplate::Row row;
    for (size_t f = 1; f < fields.size(); ++f) {
      if (f < src_field) {
        row.before.append(fields[f]);
        row.before.push_back(',');
      } else if (f == src_field) {
        row.address = std::string(fields[f]);
      } else {
        row.after.push_back(',');
        row.after.append(fields[f]);
      }
    }
    row.host = host_ids.emplace(row.address, static_cast<uint32_t>(host_ids.size())).first->second;
    out.rows.push_back(std::move(row));
  }
  out.num_hosts = host_ids.size();
  return out;
}

inline FlowTemplate LoadFlowTemplate(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::stringstream whole;
  whole << in.rdbuf();
  return ParseFlowTemplate(path, whole.str());
}

// Writes the header and `num_rows` generated rows to `out`, which needs
// Append(std::string_view); the write is streamed, only the permutation
// (4 bytes per row) is held. Throws std::runtime_error if the hosts do not
// fit in 10.0.0.0/8 (about 48M rows of test.csv).
template <class Sink>
void WriteFlows(const FlowTemplate& tmpl, uint64_t num_rows, uint64_t seed, Sink& out) {
  const uint64_t copy_rows = tmpl.rows.size();
  const uint64_t copies = (num_rows + copy_rows - 1) / copy_rows;
  if (num_rows > UINT32_MAX) throw std::runtime_error("too many rows (at most 2^32-1)");
  if (copies > 1 && (copies - 1) * tmpl.num_hosts > kMaxHostIds) {
    throw std::runtime_error("too many rows: " + std::to_string(copies - 1) + " renamed copies of " +
                             std::to_string(tmpl.num_hosts) + " hosts do not fit in 10.0.0.0/8");
  }
  // Output position -> generated row (copy * copy_rows + template row).
  std::vector<uint32_t> order(num_rows);
  for (uint64_t r = 0; r < num_rows; ++r) order[r] = static_cast<uint32_t>(r);
  SplitMix64 rng{seed};
  for (uint64_t r = num_rows; r > 1; --r) std::swap(order[r - 1], order[rng.Below(static_cast<uint32_t>(r))]);

  out.Append(tmpl.header);
  out.Append("\n");
  std::string line;
  char number[24];
  auto append_number = [&](uint64_t value) {
    line.append(number, std::to_chars(number, number + sizeof number, value).ptr);
  };
  for (uint64_t r = 0; r < num_rows; ++r) {
    const uint64_t generated = order[r];
    const uint64_t copy = generated / copy_rows;
    const FlowTemplate::Row& row = tmpl.rows[generated % copy_rows];
    line.clear();
    append_number(r);
    line.push_back(',');
    line.append(row.before);
    if (copy == 0) {
      line.append(row.address);
    } else {
      const uint64_t id = (copy - 1) * tmpl.num_hosts + row.host + 1;
      line.append("10.");
      append_number((id >> 16) & 255);
      line.push_back('.');
      append_number((id >> 8) & 255);
      line.push_back('.');
      append_number(id & 255);
    }
    line.append(row.after);
    line.push_back('\n');
    out.Append(line);
  }
}

// A Sink that collects everything in a string.
struct StringSink {
  std::string text;
  void Append(std::string_view s) { text.append(s); }
};

// The workload as one in-memory CSV buffer.
inline std::string GenerateFlows(const FlowTemplate& tmpl, uint64_t num_rows, uint64_t seed = kDefaultSeed) {
  StringSink sink;
  sink.text.reserve(tmpl.header.size() + 1 + num_rows * 96);
  WriteFlows(tmpl, num_rows, seed, sink);
  return std::move(sink.text);
}

}  // namespace botrecon::bench
