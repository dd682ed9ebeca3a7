#pragma once

namespace botrecon::cli {

// `botrecon train [OPTIONS] -o MODEL INPUT...`: trains a model file from
// labelled flows. argv[0] is "train". Returns the exit status.
int RunTrainCommand(int argc, char** argv);

}  // namespace botrecon::cli
