#include "cli/subcommand.h"

#include <iostream>

#include "core/error.h"

namespace botrecon::cli {

bool ParseSubcommand(CLI::App& app, int argc, char** argv, const std::string& command) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return false;
  } catch (const CLI::ParseError& e) {
    throw core::UsageError(command + ": " + e.what());
  }
  return true;
}

}  // namespace botrecon::cli
