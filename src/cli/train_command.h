#pragma once
#include <array>
#include <string>
#include <vector>

#include "cli/option_groups.h"
#include "models/flow_encoder.h"
#include "models/train/forest_trainer.h"
#include "models/train/svm_trainer.h"

namespace botrecon::cli {

// The arguments of `botrecon train`.
struct TrainArgs {
  std::vector<std::string> inputs;  // FILE[#label=0|1|#infected=A,...][@FROM:TO]
  std::string output, model_type = "rforest", label_column = "label", feature_set = "original";
  int label = -1;
  std::vector<std::string> infected, exclude;
  double from_minutes = -1, to_minutes = -1;
  bool quiet = false;
  std::string log1p;
  models::ForestParams forest;
  models::SvmParams svm;
  JobsOptions jobs;
  InputOptions input;
  bool is_svm() const { return model_type == "svm"; }
};

// Parses argv (argv[0] is "train"). Returns false when help was printed.
bool ParseTrainArgs(int argc, char** argv, TrainArgs& args);

// Reads the labelled flows, trains and writes the model file.
int RunTrain(const TrainArgs& args);

// `botrecon train [OPTIONS] -o MODEL INPUT...`: trains a model file from
// labelled flows. argv[0] is "train". Returns the exit status.
int RunTrainCommand(int argc, char** argv);

}  // namespace botrecon::cli
