#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/option_groups.h"

namespace botrecon::cli {

// The arguments of `botrecon evaluate`.
struct EvaluateArgs {
  std::vector<std::string> inputs;  // FILE[#label=0|1|#infected=A,...][@FROM:TO]
  std::vector<std::string> infected, normal, exclude;
  std::string label_column = "label";
  bool label_column_given = false;
  int label = -1;  // --label 0|1; -1: not given
  int64_t fp_min_flows = 0, min_count = 0;
  std::optional<double> threshold;
  bool json = false;
  ModelOptions model;
  JobsOptions jobs;
  InputOptions input;
  DetectionOptions detection;
};

// Parses argv (argv[0] is "evaluate"). Returns false when help was printed.
bool ParseEvaluateArgs(int argc, char** argv, EvaluateArgs& args);

// Scores the labelled flows, streaming, and prints the report.
int RunEvaluate(const EvaluateArgs& args);

// `botrecon evaluate [OPTIONS] FILE[@FROM:TO]...`: scores labelled flows with
// a model and reports flow-level and host-level quality, and the quality of
// the behaviour detectors. Returns the exit status; throws core::Error subclasses.
int RunEvaluateCommand(int argc, char** argv);

}  // namespace botrecon::cli
