#include "cli/commands.h"

#include <cstring>

#include "cli/evaluate_command.h"
#include "cli/explain_command.h"
#include "cli/options.h"
#include "cli/scan_command.h"
#include "cli/train_command.h"
#include "features/columns.h"

namespace botrecon::cli {

namespace {

int RunScan(int argc, char** argv) {
  ScanArgs args;
  if (ParseScanArgs(argc, argv, args) == ParseOutcome::kExitOk) return 0;
  return RunScanCommand(args);
}

// The commands, as ninja's tools table: name, one line of help, entry point
// (given argv from the command name on).
struct Command {
  const char* name;
  const char* help;
  int (*run)(int argc, char** argv);
};
constexpr Command kCommands[] = {
    {"train", "train a model from labelled flows", RunTrainCommand},
    {"evaluate", "measure a model and the detectors on labelled flows", RunEvaluateCommand},
    {"explain", "one host's behaviour, window by window", RunExplainCommand},
};

}  // namespace

int Dispatch(int argc, char** argv) {
  // A command is recognised only as the first argument; `botrecon ./train`
  // or `botrecon -- train` scans a file named "train" (likewise the others).
  if (argc > 1) {
    for (const Command& command : kCommands) {
      if (std::strcmp(argv[1], command.name) == 0) return command.run(argc - 1, argv + 1);
    }
  }
  return RunScan(argc, argv);
}

const char* ErrorKind(const core::Error& e) {
  if (dynamic_cast<const core::UsageError*>(&e)) return "usage error";
  if (dynamic_cast<const core::InputError*>(&e)) return "input error";
  if (dynamic_cast<const core::ModelFormatError*>(&e)) return "model format error";
  if (dynamic_cast<const core::IoError*>(&e)) return "I/O error";
  return "internal error";
}

std::string ErrorMessage(const core::Error& error) {
  std::string message = error.what();
  if (const auto* columns = dynamic_cast<const features::ColumnsError*>(&error)) {
    switch (columns->remedy()) {
      case features::ColumnsError::Remedy::kMapColumns:
        message += " (use --column FIELD=HEADER)";
        break;
      case features::ColumnsError::Remedy::kFixMapping:
        message += " (given as --column " + columns->mapping() + ")";
        break;
      case features::ColumnsError::Remedy::kSeparator:
        message += " (set it with --separator)";
        break;
      case features::ColumnsError::Remedy::kNone:
        break;
    }
  }
  return message;
}

}  // namespace botrecon::cli
