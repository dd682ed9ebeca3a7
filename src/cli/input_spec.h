// Labelled-flow inputs on the command line: FILE or FILE@FROM:TO, shared by
// `botrecon train` and `botrecon evaluate`.
#pragma once
#include <optional>
#include <string>

namespace botrecon::cli {

// A time window in minutes after a file's first row; -1 = no bound.
struct TimeWindow {
  double from_minutes = -1;
  double to_minutes = -1;
};

struct InputSpec {
  std::string path;
  // Set when the argument had an @FROM:TO suffix; it then replaces any
  // window given by options for this file (an empty bound means no bound).
  std::optional<TimeWindow> window;
};

// Splits "FILE@FROM:TO" (either bound may be empty: "@70:", "@:70") into the
// path and its window; an argument without '@...:' is just a path. Throws
// core::UsageError "COMMAND: bad time window ..." for a bound that is not a
// non-negative number.
InputSpec ParseInputSpec(const std::string& spec, const std::string& command);

}  // namespace botrecon::cli
