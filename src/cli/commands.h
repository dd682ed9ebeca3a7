// Command dispatch: `botrecon train ...`, `botrecon evaluate ...` or the scan (`botrecon [OPTIONS] INPUT_FILE [OUTPUT_FILE]`).
#pragma once
#include <string>

#include "core/error.h"

namespace botrecon::cli {

// Runs the command named by argv; returns the exit status.
int Dispatch(int argc, char** argv);

// "usage", "input", ... for -d messages.
const char* ErrorKind(const core::Error& e);

// The message of an error as the user sees it: lower layers describe the
// problem; the options that fix it are named here (e.g. --column for
// missing columns).
std::string ErrorMessage(const core::Error& error);

}  // namespace botrecon::cli
