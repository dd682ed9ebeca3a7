// Flow inputs on the command line, shared by `botrecon train`, `botrecon
// evaluate` and the scan (which takes the window only): FILE, FILE@FROM:TO, FILE#label=0|1, FILE#infected=A,B
// and a label with a window (FILE#label=1@:70).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "filter/address_filter.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::cli {

// A time window in minutes after a file's first row; -1 = no bound.
using TimeWindow = pipeline::TimeWindow;

struct InputSpec {
  std::string path;
  // Set when the argument had an @FROM:TO suffix; it then replaces any
  // window given by options for this file (an empty bound means no bound).
  std::optional<TimeWindow> window;
  // #label=0|1: one label for every row of this file.
  std::optional<int> label;
  // #infected=A,B: addresses/networks/files whose flows are botnet in this
  // file (every other flow normal); empty when not given.
  std::vector<std::string> infected;
};

// Splits "FILE[#label=0|1 | #infected=A,B][@FROM:TO]" into the path, the
// per-file label or infected hosts, and the window (either bound may be
// empty: "@70:", "@:70"); an argument without them is just a path. Throws
// core::UsageError "COMMAND: ..." for a bound that is not a non-negative
// number, a label other than 0 or 1, or an empty #infected=.
InputSpec ParseInputSpec(const std::string& spec, const std::string& command);

// The label options for one input: `base` with the spec's window and its
// #label= (a fixed label) or, when `infected` is given (the filter built from
// the spec's #infected= entries, owned by the caller), labels by source host.
pipeline::LabelOptions FileLabelOptions(const InputSpec& spec, const pipeline::LabelOptions& base,
                                        const filter::AddressFilter* infected);

// Scan inputs: FILE or FILE@FROM:TO (a window for that file only). An
// existing file whose name contains '@' is taken as written; "-" is stdin.
struct WindowedInputs {
  std::vector<std::string> paths;
  std::vector<std::optional<TimeWindow>> windows;  // one per path (pipeline::ScanOptions::input_windows)
};
// Throws core::UsageError (prefixed "COMMAND: " unless empty) for a bad window
// or a #label=/#infected= suffix (labels are for train and evaluate).
WindowedInputs SplitWindows(const std::vector<std::string>& inputs, const std::string& command);

// The filter of a spec's #infected= entries (errors name "#infected="), or
// null when it has none.
std::unique_ptr<filter::AddressFilter> FileInfectedFilter(const InputSpec& spec);

}  // namespace botrecon::cli
