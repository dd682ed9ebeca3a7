#include "io/input_files.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "core/error.h"
#include "core/text.h"
#include "io/input.h"

namespace botrecon::io {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 23> kFlowExtensions{
    ".csv",  ".tsv",    ".binetflow", ".txt",   ".log",  ".json",    ".jsonl", ".ndjson",
    ".parquet", ".parq", ".feather",  ".arrow", ".ipc",  ".pkl",     ".pickle", ".dta",
    ".xlsx", ".xlsm",   ".fwf",       ".pcap",  ".pcapng", ".argus", ".cap"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Signatures of binary flow files and captures.
bool KnownSignature(std::string_view h) {
  auto starts = [&](std::string_view magic) { return h.substr(0, magic.size()) == magic; };
  return starts("PAR1") || starts("ARROW1") || starts("FEA1") || starts(std::string_view("PK\x03\x04", 4)) ||
         starts("<stata_dta>") || starts("\xd4\xc3\xb2\xa1") || starts("\xa1\xb2\xc3\xd4") ||
         starts("\x4d\x3c\xb2\xa1") || starts("\xa1\xb2\x3c\x4d") || starts(std::string_view("\x0a\x0d\x0d\x0a", 4)) ||
         starts("\x0c\xa5");  // nfdump's file magic 0xA50C, little endian
}

// The value of a Zeek log's "#path" header line, if any.
std::string ZeekPath(std::string_view head) {
  size_t pos = head.find("#path");
  if (pos == std::string_view::npos) return {};
  std::string_view rest = head.substr(pos + 5);
  size_t end = rest.find('\n');
  return std::string(core::TrimBlank(rest.substr(0, end)));
}

}  // namespace

std::string NotAFlowFile(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  if (name.empty() || name.front() == '.') return "hidden file";
  if (name.rfind("nfcapd.current", 0) == 0) return "nfcapd file still being written";
  if (name.rfind("nfcapd.", 0) == 0) return {};
  std::string lower = core::AsciiLower(name);
  for (std::string_view compressed : {".gz", ".bz2", ".xz", ".zst"}) {
    if (EndsWith(lower, compressed)) lower.resize(lower.size() - compressed.size());
  }
  std::string head;
  try {
    head = PeekFile(path, 4096);
  } catch (const core::Error& e) {
    return e.what();
  }
  if (head.empty()) return {};  // an empty file: read, and reported as "no flows"
  if (EndsWith(lower, ".log")) {
    const std::string zeek_path = ZeekPath(head);
    if (!zeek_path.empty() && zeek_path != "conn") return "a Zeek " + zeek_path + " log (flows are in conn.log)";
  }
  for (std::string_view ext : kFlowExtensions) {
    if (EndsWith(lower, ext)) return {};
  }
  if (KnownSignature(head)) return {};
  return "not a flow file (unknown name and contents)";
}

ExpandedInputs ExpandInputs(const std::vector<std::string>& inputs) {
  ExpandedInputs out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::error_code ec;
    if (inputs[i] == "-" || !fs::is_directory(inputs[i], ec)) {
      out.files.push_back({inputs[i], i});
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(inputs[i], fs::directory_options::skip_permission_denied, ec), end;
    if (ec) throw core::IoError(inputs[i] + ": cannot list the directory: " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) throw core::IoError(inputs[i] + ": cannot list the directory: " + ec.message());
      const std::string name = it->path().filename().string();
      if (it->is_directory(ec)) {
        if (!name.empty() && name.front() == '.') it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    size_t kept = 0;
    for (const auto& path : found) {
      const std::string why = NotAFlowFile(path);
      if (why.empty()) {
        out.files.push_back({path, i});
        ++kept;
      } else {
        out.skipped.push_back(path + ": " + why);
      }
    }
    if (kept == 0) {
      throw core::UsageError(inputs[i] + ": no flow files in this directory" +
                             (found.empty() ? std::string(" (it is empty)") : " (" + std::to_string(found.size()) +
                                                                                   " other files)"));
    }
  }
  return out;
}

}  // namespace botrecon::io
