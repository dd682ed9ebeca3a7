// gen_flows: the benchmark workload of docs/benchmarks.md (and of the Python
// original's measurements in shared/data/baseline.md).
//
//   gen_flows INPUT N OUTPUT [--seed S]
//
// INPUT is a pandas-written flow CSV (original-tests/test.csv: a leading
// unnamed index column, no quoted fields). OUTPUT gets a header and N data
// rows: copy 0 of the input rows keeps its addresses; in every later copy each
// distinct source address becomes its own 10.x.y.z address, unique across all
// copies (1,739 hosts per copy of test.csv). The N rows are shuffled with a
// fixed-seed splitmix64 Fisher-Yates shuffle (no std distributions), so the
// output is byte-identical on every platform. The index column is renumbered
// 0..N-1. Only the row permutation (4 bytes per row) is held in memory.
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

constexpr uint64_t kDefaultSeed = 20240501;
// 10.0.0.1 .. 10.255.255.255: the ids available for generated hosts.
constexpr uint64_t kMaxHostIds = (uint64_t{1} << 24) - 1;

struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) by multiply-shift (Lemire); the bias for bound < 2^32
  // is below 2^-32, and the result is fully determined by the seed.
  uint32_t Below(uint32_t bound) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }
};

// One input data row, split around its source address.
struct SourceRow {
  std::string before;  // fields after the index column up to the source address, with the trailing comma
  std::string address; // the source address as written
  std::string after;   // the rest of the row from the comma after the address ("" if last)
  uint32_t host = 0;   // index of the distinct source address
};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "gen_flows: " << message << "\n";
  std::exit(1);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  for (;;) {
    size_t comma = line.find(',', pos);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(pos));
      return fields;
    }
    fields.push_back(line.substr(pos, comma - pos));
    pos = comma + 1;
  }
}

void Usage() {
  std::cerr << "usage: gen_flows INPUT N OUTPUT [--seed S]\n"
               "  INPUT   pandas-written flow CSV (e.g. shared/data/original-tests/test.csv)\n"
               "  N       number of data rows to write (e.g. 1000000)\n"
               "  OUTPUT  file to write (\"-\" = stdout)\n"
               "  --seed  shuffle seed (default "
            << kDefaultSeed << ")\n";
}

// Buffered writer over stdio.
class Out {
 public:
  explicit Out(FILE* file) : file_(file) { buffer_.reserve(kSize + 256); }
  void Put(std::string_view s) {
    buffer_.append(s);
    if (buffer_.size() >= kSize) Flush();
  }
  void Put(char c) { buffer_.push_back(c); }
  void PutNumber(uint64_t v) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    buffer_.append(digits, end);
  }
  void Flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      Die(std::string("write failed: ") + std::strerror(errno));
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kSize = 1 << 20;
  FILE* file_;
  std::string buffer_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  uint64_t seed = kDefaultSeed;
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    std::string arg = argv[arg_idx];
    if (arg == "--seed" && arg_idx + 1 < argc) {
      std::string value = argv[++arg_idx];
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seed);
      if (ec != std::errc() || ptr != value.data() + value.size()) Die("bad --seed '" + value + "'");
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 3) {
    Usage();
    return 2;
  }
  const std::string& input_path = positional[0];
  uint64_t num_rows = 0;
  {
    const std::string& text = positional[1];
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), num_rows);
    if (ec != std::errc() || ptr != text.data() + text.size() || num_rows > UINT32_MAX) {
      Die("bad row count '" + text + "' (expected 0.." + std::to_string(UINT32_MAX) + ")");
    }
  }
  const std::string& output_path = positional[2];

  // Read the input rows.
  std::ifstream in(input_path, std::ios::binary);
  if (!in) Die(input_path + ": cannot open: " + std::strerror(errno));
  std::stringstream whole;
  whole << in.rdbuf();
  const std::string text = whole.str();
  if (text.find('"') != std::string::npos) Die(input_path + ": quoted fields are not supported");
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    pos = nl + 1;
  }
  if (lines.size() < 2) Die(input_path + ": expected a header and at least one data row");
  const std::vector<std::string_view> header = Split(lines[0]);
  // pandas writes its index under an empty name (or drops the cell entirely).
  const size_t data_fields = Split(lines[1]).size();
  size_t first_field;   // first data field that is not the index
  if (data_fields == header.size() + 1) {
    first_field = 1;
  } else if (data_fields == header.size() && header[0].empty()) {
    first_field = 1;
  } else {
    Die(input_path + ": expected a leading pandas index column");
  }
  const size_t header_offset = data_fields - header.size();  // data field = header field + offset
  int src_field = -1;
  for (size_t h = 0; h < header.size(); ++h) {
    if (Lower(header[h]) == "srcaddr") src_field = static_cast<int>(h + header_offset);
  }
  if (src_field < 0) Die(input_path + ": no SrcAddr column");

  std::vector<SourceRow> rows;
  std::unordered_map<std::string, uint32_t> host_ids;
  for (size_t line_idx = 1; line_idx < lines.size(); ++line_idx) {
    std::vector<std::string_view> fields = Split(lines[line_idx]);
    if (fields.size() != data_fields) {
      Die(input_path + ":" + std::to_string(line_idx + 1) + ": expected " + std::to_string(data_fields) +
          " fields, got " + std::to_string(fields.size()));
    }
    SourceRow row;
    for (size_t f = first_field; f < fields.size(); ++f) {
      if (static_cast<int>(f) < src_field) {
        row.before.append(fields[f]);
        row.before.push_back(',');
      } else if (static_cast<int>(f) == src_field) {
        row.address = std::string(fields[f]);
      } else {
        row.after.push_back(',');
        row.after.append(fields[f]);
      }
    }
    auto [it, inserted] = host_ids.emplace(row.address, static_cast<uint32_t>(host_ids.size()));
    row.host = it->second;
    rows.push_back(std::move(row));
  }
  const uint64_t copy_rows = rows.size();
  const uint64_t num_hosts = host_ids.size();
  const uint64_t copies = (num_rows + copy_rows - 1) / copy_rows;
  if (copies > 1 && (copies - 1) * num_hosts > kMaxHostIds) {
    Die("too many rows: " + std::to_string(copies - 1) + " renamed copies of " + std::to_string(num_hosts) +
        " hosts do not fit in 10.0.0.0/8");
  }

  // The permutation: output position -> generated row (copy * copy_rows + source row).
  std::vector<uint32_t> order(num_rows);
  for (uint64_t r = 0; r < num_rows; ++r) order[r] = static_cast<uint32_t>(r);
  SplitMix64 rng{seed};
  for (uint64_t r = num_rows; r > 1; --r) {
    uint32_t other = rng.Below(static_cast<uint32_t>(r));
    std::swap(order[r - 1], order[other]);
  }

  FILE* file = output_path == "-" ? stdout : std::fopen(output_path.c_str(), "wb");
  if (file == nullptr) Die(output_path + ": cannot create: " + std::strerror(errno));
  Out out(file);
  out.Put(lines[0]);
  out.Put('\n');
  for (uint64_t r = 0; r < num_rows; ++r) {
    const uint64_t generated = order[r];
    const uint64_t copy = generated / copy_rows;
    const SourceRow& row = rows[generated % copy_rows];
    out.PutNumber(r);
    out.Put(',');
    out.Put(row.before);
    if (copy == 0) {
      out.Put(row.address);
    } else {
      const uint64_t id = (copy - 1) * num_hosts + row.host + 1;  // 1 .. 2^24-1
      out.Put("10.");
      out.PutNumber((id >> 16) & 255);
      out.Put('.');
      out.PutNumber((id >> 8) & 255);
      out.Put('.');
      out.PutNumber(id & 255);
    }
    out.Put(row.after);
    out.Put('\n');
  }
  out.Flush();
  if (file != stdout && std::fclose(file) != 0) Die(output_path + ": write failed: " + std::strerror(errno));
  if (file == stdout && std::fflush(stdout) != 0) Die("stdout: write failed");
  return 0;
}
