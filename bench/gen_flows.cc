// gen_flows: writes the benchmark workload of docs/benchmarks.md (the one the
// Python original was measured on, shared/data/baseline.md).
//
//   gen_flows INPUT N OUTPUT [--seed S]
//
// INPUT is a pandas-written flow CSV (original-tests/test.csv: a leading
// unnamed index column, no quoted fields). OUTPUT ("-" = stdout) gets the
// header and N data rows: copy 0 of the input rows keeps its addresses; in
// every later copy each distinct source address becomes its own 10.x.y.z
// address, unique across copies (1,739 hosts per copy of test.csv). Rows are
// shuffled with a fixed-seed splitmix64 Fisher-Yates shuffle, so the output is
// byte-identical everywhere; the index column is renumbered 0..N-1. Memory:
// the permutation (4 bytes per row) plus a 1 MB output buffer.
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "flow_workload.h"

namespace {

void Usage(std::ostream& out) {
  out << "usage: gen_flows INPUT N OUTPUT [--seed S]\n"
         "  INPUT   pandas-written flow CSV (e.g. shared/data/original-tests/test.csv)\n"
         "  N       number of data rows to write (e.g. 1000000)\n"
         "  OUTPUT  file to write (\"-\" = stdout)\n"
         "  --seed  shuffle seed (default "
      << botrecon::bench::kDefaultSeed << ")\n";
}

// Buffered stdio writer; throws on a failed write.
class FileSink {
 public:
  FileSink(FILE* file, std::string name) : file_(file), name_(std::move(name)) { buffer_.reserve(kSize + 4096); }
  void Append(std::string_view s) {
    buffer_.append(s);
    if (buffer_.size() >= kSize) Flush();
  }
  void Flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      throw std::runtime_error(name_ + ": write failed: " + std::strerror(errno));
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kSize = 1 << 20;
  FILE* file_;
  std::string name_;
  std::string buffer_;
};

bool ParseUint(const std::string& text, uint64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  uint64_t seed = botrecon::bench::kDefaultSeed;
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    std::string arg = argv[arg_idx];
    if (arg == "--seed") {
      if (arg_idx + 1 >= argc || !ParseUint(argv[arg_idx + 1], seed)) {
        std::cerr << "gen_flows: --seed needs a non-negative integer\n";
        return 2;
      }
      ++arg_idx;
    } else if (arg == "-h" || arg == "--help") {
      Usage(std::cout);
      return 0;
    } else {
      positional.push_back(arg);
    }
  }
  uint64_t num_rows = 0;
  if (positional.size() != 3 || !ParseUint(positional[1], num_rows)) {
    Usage(std::cerr);
    return 2;
  }
  const std::string& output_path = positional[2];
  try {
    const auto tmpl = botrecon::bench::LoadFlowTemplate(positional[0]);
    FILE* file = output_path == "-" ? stdout : std::fopen(output_path.c_str(), "wb");
    if (file == nullptr) throw std::runtime_error(output_path + ": cannot create: " + std::strerror(errno));
    FileSink sink(file, output_path);
    botrecon::bench::WriteFlows(tmpl, num_rows, seed, sink);
    sink.Flush();
    if ((file == stdout ? std::fflush(file) : std::fclose(file)) != 0) {
      throw std::runtime_error(output_path + ": write failed: " + std::strerror(errno));
    }
  } catch (const std::exception& e) {
    std::cerr << "gen_flows: " << e.what() << "\n";
    if (output_path != "-") std::remove(output_path.c_str());
    return 1;
  }
  return 0;
}
