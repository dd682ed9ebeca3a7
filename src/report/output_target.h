// Where results go, decided before any input is read, so that no file the user
// did not name as output is ever written and a failed run never loses one.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace botrecon::report {

// How the output was named on the command line.
struct OutputRequest {
  std::string path;            // "" or "-": standard output
  bool explicit_flag = false;  // named with -o/--output (not the original's second positional)
  bool force = false;          // --force: replace an existing file that is not a botrecon result
  std::string what = "output file";  // for messages ("model file", ...)
};

// The decided destination. Writers hand it whole contents; it never leaves a
// half-written file behind.
class OutputTarget {
 public:
  enum class Kind { kStdout, kRegular, kSpecial };

  // Checks the rules (README "Output files"): the output is never one of
  // `inputs` (same device and inode, through any path); a second positional
  // that exists must be a previous botrecon result or a special file unless
  // `force`; the folder of a new file must exist and be writable. Throws
  // core::UsageError (exit 2) with one line saying what to do instead.
  static OutputTarget Open(const OutputRequest& request, const std::vector<std::string>& inputs);

  Kind kind() const { return kind_; }
  const std::string& path() const { return path_; }

  // Writes `content`: stdout directly (a closed pipe ends the process
  // quietly, other errors throw); a FIFO or device directly; a regular file
  // through a temporary file in its folder renamed over it (a symlink's
  // target is replaced, the link kept; mode and owner of an existing file
  // kept). Throws core::IoError naming the path on any write error.
  void Write(std::string_view content) const;

 private:
  Kind kind_ = Kind::kStdout;
  std::string path_;         // as given
  std::string write_path_;   // the file actually replaced (symlinks resolved)
  std::string what_;
};

// True if `head` (the first bytes of a file) is a botrecon result: its CSV
// header (",Host,Mean Score,Flow Count", maybe with more columns) or JSON Lines
// records with "host" and "mean_score" (or only the closing summary record).
bool LooksLikeResult(std::string_view head);

// Whether both paths exist and name the same file (device and inode).
bool SameFile(const std::string& a, const std::string& b);

// Writes `content` to stdout and flushes it. Throws core::IoError on a write
// error (a full disk, /dev/full); a closed pipe (`| head`) ends the process
// silently with status 141, as SIGPIPE ends `cat`.
void WriteStdout(std::string_view content);

}  // namespace botrecon::report
