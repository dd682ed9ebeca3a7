#pragma once

namespace botrecon::cli {

// `botrecon evaluate [OPTIONS] FILE[@FROM:TO]...`: scores labelled flows with
// a model and reports flow-level and host-level quality. argv[0] is
// "evaluate". Returns the exit status; throws core::Error subclasses.
int RunEvaluateCommand(int argc, char** argv);

}  // namespace botrecon::cli
