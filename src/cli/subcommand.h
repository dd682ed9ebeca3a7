// Shared by the subcommands: parse with CLI11, print help, map errors.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace botrecon::cli {

// Parses argv into `app`. Returns false when help was printed (exit 0);
// throws core::UsageError prefixed with `command` for bad usage.
bool ParseSubcommand(CLI::App& app, int argc, char** argv, const std::string& command);

}  // namespace botrecon::cli
