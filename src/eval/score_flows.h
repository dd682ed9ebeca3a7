// Scoring a whole in-memory FlowBatch (labelled flows) with a model, in
// blocks on several threads.
#pragma once
#include <vector>

#include "features/flow_batch.h"
#include "models/model.h"

namespace botrecon::eval {

// One score per row of `flows`, computed in blocks of `block_rows` rows on
// `threads` threads (at least 1). The result does not depend on the thread
// count or block size. An exception thrown while scoring is rethrown here.
std::vector<double> ScoreFlows(const models::Model& model, const features::FlowBatch& flows, int threads,
                               size_t block_rows = 16384);

}  // namespace botrecon::eval
