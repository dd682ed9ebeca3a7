// The model interface: immutable after loading, thread-safe scoring of whole batches.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "features/flow_batch.h"

namespace botrecon::models {

enum class ScoreKind {
  kProbability,  // 0..1, "botnet" probability
  kDecision,     // signed decision value
};

class Model {
 public:
  virtual ~Model() = default;
  // Short type name ("rforest", "svm", ...), for messages and model cards.
  virtual std::string type_name() const = 0;
  virtual ScoreKind score_kind() const = 0;
  // A host is reported when its mean score is >= threshold().
  virtual double threshold() const = 0;
  // Writes one score per row of `batch` into `scores` (scores.size() ==
  // batch.num_rows). Rows with keep == 0 may receive any value. Safe to call
  // concurrently from several threads.
  virtual void Score(const features::FlowBatch& batch, std::span<double> scores) const = 0;
};

}  // namespace botrecon::models
