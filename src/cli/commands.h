// Command dispatch: `botrecon train ...`, `botrecon evaluate ...` or the scan (`botrecon [OPTIONS] INPUT_FILE [OUTPUT_FILE]`).
#pragma once
#include "core/error.h"

namespace botrecon::cli {

// Runs the command named by argv; returns the exit status.
int Dispatch(int argc, char** argv);

// "usage", "input", ... for -d messages.
const char* ErrorKind(const core::Error& e);

}  // namespace botrecon::cli
