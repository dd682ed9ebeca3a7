#include "cli/commands.h"

#include <cstring>

#include "cli/evaluate_command.h"
#include "cli/options.h"
#include "cli/scan_command.h"
#include "cli/train_command.h"

namespace botrecon::cli {

int Dispatch(int argc, char** argv) {
  // A subcommand is recognised only as the first argument; `botrecon ./train`
  // or `botrecon -- train` scans a file named "train" (likewise "evaluate").
  if (argc > 1 && std::strcmp(argv[1], "train") == 0) return RunTrainCommand(argc - 1, argv + 1);
  if (argc > 1 && std::strcmp(argv[1], "evaluate") == 0) return RunEvaluateCommand(argc - 1, argv + 1);
  ScanArgs args;
  if (ParseScanArgs(argc, argv, args) == ParseOutcome::kExitOk) return 0;
  return RunScanCommand(args);
}

const char* ErrorKind(const core::Error& e) {
  if (dynamic_cast<const core::UsageError*>(&e)) return "usage error";
  if (dynamic_cast<const core::InputError*>(&e)) return "input error";
  if (dynamic_cast<const core::ModelFormatError*>(&e)) return "model format error";
  if (dynamic_cast<const core::IoError*>(&e)) return "I/O error";
  return "internal error";
}

}  // namespace botrecon::cli
