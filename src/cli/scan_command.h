#pragma once
#include "cli/options.h"

namespace botrecon::cli {

// Runs `botrecon [OPTIONS] INPUT_FILE [OUTPUT_FILE]`; returns the exit status.
// Throws core::Error subclasses for bad usage and bad input.
int RunScanCommand(const ScanArgs& args);

}  // namespace botrecon::cli
