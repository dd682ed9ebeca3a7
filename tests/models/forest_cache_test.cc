// The forest's score cache must be exact: cached scores equal uncached ones.
#include <gtest/gtest.h>

#include "features/columns.h"
#include "features/extract.h"
#include "io/reader.h"
#include "models/forest.h"
#include "models/registry.h"

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
    std::vector<double> x(flows.num_rows * FlowEncoder::kNumFeatures);
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

}  // namespace
}  // namespace botrecon::models
