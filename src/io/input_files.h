// Turning the inputs a user names into the files to read: a directory means
// the flow files under it (recursively, in path order); other files are
// skipped with a reason, so a folder of a day's hourly exports, a Zeek log
// folder or an nfcapd tree can be scanned as one capture.
#pragma once
#include <string>
#include <vector>

namespace botrecon::io {

struct ExpandedInput {
  std::string path;
  size_t from_input = 0;  // index of the input it came from (for per-input options)
};

struct ExpandedInputs {
  std::vector<ExpandedInput> files;
  std::vector<std::string> skipped;  // "PATH: reason", for a verbose line each
};

// Files and "-" are kept as given; a directory is replaced by its flow files.
// Throws core::UsageError for a directory without any flow file.
ExpandedInputs ExpandInputs(const std::vector<std::string>& inputs);

// Why a file found in a directory is not read (empty: it is a flow file):
// hidden, a Zeek log other than conn.log, an nfcapd file still being written,
// or neither a known flow-file name nor a known file signature.
std::string NotAFlowFile(const std::string& path);

}  // namespace botrecon::io
