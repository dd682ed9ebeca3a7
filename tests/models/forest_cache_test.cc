// The forest's score cache must be exact: cached scores equal uncached ones.
#include <gtest/gtest.h>

#include "features/columns.h"
#include "features/extract.h"
#include "io/reader.h"
#include "models/forest.h"
#include "models/registry.h"
#include "models/train/forest_trainer.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::models {
namespace {

TEST(ForestCache, CachedScoresEqualUncachedOnRealFlows) {
  auto model = LoadBuiltinModel("rforest");
  const auto* forest = dynamic_cast<const Forest*>(model.get());
  ASSERT_NE(forest, nullptr);
  io::ReaderOptions options;
  options.max_batch_rows = 20000;
  auto reader = io::OpenReader(std::string(BOTRECON_SHARED_DATA) + "/ctu13/scenario11-rbot.binetflow", std::nullopt,
                               options);
  auto resolution = features::ResolveColumns(reader->schema(), reader->source_name());
  reader->SetProjection(resolution.Projection());
  features::FeatureExtractor extractor(resolution, reader->source_name(), false);
  core::ColumnBatch batch;
  features::FlowBatch flows;
  uint64_t skipped = 0;
  std::string reason;
  size_t rows = 0, positives = 0;
  for (int pass = 0; pass < 3; ++pass) {
    auto chunk = reader->NextChunk();
    ASSERT_TRUE(chunk);
    chunk->Decode(batch);
    extractor.Extract(batch, flows, skipped, reason);
    std::vector<double> cached(flows.num_rows), again(flows.num_rows), direct(flows.num_rows);
    forest->Score(flows, cached);
    forest->Score(flows, again);  // now mostly cache hits
    std::vector<double> x(flows.num_rows * forest->n_features());
    forest->encoder().EncodeBlock(flows, 0, flows.num_rows, x.data());
    forest->PredictRows(x.data(), flows.num_rows, direct.data());
    for (size_t r = 0; r < flows.num_rows; ++r) {
      ASSERT_EQ(cached[r], direct[r]) << "row " << r;
      ASSERT_EQ(again[r], direct[r]) << "row " << r;
      positives += direct[r] >= 0.5;
    }
    rows += flows.num_rows;
  }
  EXPECT_EQ(rows, 60000u);
  EXPECT_GT(positives, 0u);  // the comparison covers both classes
}

// Feature set 2 (19 inputs, keys of more than 128 bits when thresholds are
// many): a forest trained here on scenario 11, scored on scenario 6's start.
TEST(ForestCache, CachedScoresEqualUncachedWithGeneralisedFeatures) {
  const std::string data = std::string(BOTRECON_SHARED_DATA) + "/ctu13/";
  pipeline::LabelledFlows train;
  train.Append(data + "scenario11-rbot.binetflow", std::nullopt, pipeline::LabelOptions{});
  const FlowEncoder encoder = FlowEncoder::Generalised();
  Dataset dataset;
  dataset.n_rows = train.size();
  dataset.n_features = encoder.n_features();
  dataset.x.resize(dataset.n_rows * dataset.n_features);
  encoder.EncodeBlock(train.flows(), 0, dataset.n_rows, dataset.x.data());
  dataset.y = train.labels();
  ForestParams params;
  params.n_trees = 8;
  params.threads = 2;
  auto forest = TrainForest(dataset, encoder, params);
  ASSERT_EQ(forest->n_features(), 19);

  pipeline::LabelledFlows test;
  pipeline::LabelOptions window;
  window.to_minutes = 5;
  test.Append(data + "scenario6-menti-first100min.binetflow", std::nullopt, window);
  const features::FlowBatch& flows = test.flows();
  // Both test sets: scenario 6 (mostly unseen values) and scenario 11 (both classes).
  for (const features::FlowBatch* batch : {&flows, &train.flows()}) {
    const size_t n = batch->num_rows;
    std::vector<double> cached(n), again(n), direct(n);
    forest->Score(*batch, cached);
    forest->Score(*batch, again);
    std::vector<double> x(n * forest->n_features());
    forest->encoder().EncodeBlock(*batch, 0, n, x.data());
    forest->PredictRows(x.data(), n, direct.data());
    size_t positives = 0;
    for (size_t r = 0; r < n; ++r) {
      ASSERT_EQ(cached[r], direct[r]) << "row " << r;
      ASSERT_EQ(again[r], direct[r]) << "row " << r;
      positives += direct[r] >= 0.5;
    }
    if (batch == &train.flows()) EXPECT_GT(positives, 0u);
  }
}

// ForestOptions::score_cache = false: the same forest scores every row by
// walking the trees, with the same scores.
TEST(ForestCache, OptionTurnsTheCacheOffWithTheSameScores) {
  auto model = LoadBuiltinModel("rforest");
  const auto* cached = dynamic_cast<const Forest*>(model.get());
  ASSERT_NE(cached, nullptr);
  std::vector<std::vector<TreeNode>> trees;
  for (size_t t = 0; t < cached->n_trees(); ++t) trees.push_back(cached->tree_nodes(t));
  const Forest uncached(cached->encoder(), trees, cached->threshold(), ForestOptions{.score_cache = false});
  features::FlowBatch flows;
  flows.Resize(4);
  flows.proto = {"tcp", "udp", "tcp", ""};
  flows.state = {"S_RA", "CON", "S_RA", ""};
  flows.dport = {80, 53, 80, features::kMissing};
  flows.sport = {1234, 5353, 1234, 7};
  flows.dur = {1.5, 0.001, 1.5, features::kMissing};
  flows.totbytes = {300, 100, 300, features::kMissing};
  flows.srcbytes = {120, 60, 120, 7};
  flows.bps = {1600, 800000, 1600, 0};
  std::vector<double> with_cache(4), without(4);
  cached->Score(flows, with_cache);
  uncached.Score(flows, without);
  EXPECT_EQ(with_cache, without);
}

}  // namespace
}  // namespace botrecon::models
