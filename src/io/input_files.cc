#include "io/input_files.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "core/error.h"
#include "core/text.h"
#include "io/input.h"
#include "io/reader.h"

namespace botrecon::io {
namespace {

namespace fs = std::filesystem;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The log type of a Zeek log: its "#path" header line (TSV) or the "_path"
// of its first record (JSON); empty if neither.
std::string ZeekPath(std::string_view head) {
  if (size_t pos = head.find("#path"); pos != std::string_view::npos) {
    std::string_view rest = head.substr(pos + 5);
    return std::string(core::TrimBlank(rest.substr(0, rest.find('\n'))));
  }
  constexpr std::string_view kJsonKey = "\"_path\":\"";
  if (size_t pos = head.find(kJsonKey); pos != std::string_view::npos) {
    std::string_view rest = head.substr(pos + kJsonKey.size());
    return std::string(rest.substr(0, rest.find('"')));
  }
  return {};
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
    head = std::string(OpenInputStream(path)->Peek(4096));  // decompressed, for rotated logs (.log.gz)
  } catch (const core::Error& e) {
    return e.what();
  }
  if (head.empty()) return {};  // an empty file: read, and reported as "no flows"
  if (EndsWith(lower, ".log")) {
    const std::string zeek_path = ZeekPath(head);
    if (!zeek_path.empty() && zeek_path != "conn") return "a Zeek " + zeek_path + " log (flows are in conn.log)";
    // A JSON Zeek log without "_path": conn records always carry conn_state.
    const std::string_view first = std::string_view(head).substr(0, head.find('\n'));
    if (zeek_path.empty() && !first.empty() && first.front() == '{' &&
        first.find("\"id.orig_h\"") != std::string_view::npos && first.find("\"conn_state\"") == std::string_view::npos) {
      return "a Zeek log other than conn.log (no conn_state)";
    }
  }
  if (EndsWith(lower, ".log")) return {};  // Zeek conn.log (TSV or JSON)
  if (RecognizeInputType(path, head)) return {};
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
