#include "eval/score_flows.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "models/registry.h"
#include "pipeline/labelled_flows.h"

namespace botrecon::eval {
namespace {

// Scores a row with its row number; fails on a row number given.
class RowModel : public models::Model {
 public:
  explicit RowModel(uint64_t fail_row = 0) : fail_row_(fail_row) {}
  std::string type_name() const override { return "row"; }
  models::ScoreKind score_kind() const override { return models::ScoreKind::kDecision; }
  double threshold() const override { return 0; }
  void Score(const features::FlowBatch& batch, std::span<double> scores) const override {
    ASSERT_EQ(scores.size(), batch.num_rows);
    for (size_t r = 0; r < batch.num_rows; ++r) {
      if (batch.row[r] == fail_row_) throw std::runtime_error("row model failed");
      scores[r] = static_cast<double>(batch.row[r]);
    }
  }

 private:
  uint64_t fail_row_;
};

features::FlowBatch Rows(size_t n) {
  features::FlowBatch flows;
  flows.Resize(n);
  for (size_t r = 0; r < n; ++r) flows.row[r] = r + 1;
  flows.num_rows = n;
  return flows;
}

TEST(ScoreFlows, EveryRowInPlaceWhateverTheBlocksAndThreads) {
  features::FlowBatch flows = Rows(1003);
  for (int threads : {1, 2, 5}) {
    for (size_t block : {1u, 7u, 1000u, 5000u}) {
      std::vector<double> scores = ScoreFlows(RowModel(), flows, threads, block);
      ASSERT_EQ(scores.size(), 1003u);
      for (size_t r = 0; r < scores.size(); ++r)
        ASSERT_EQ(scores[r], static_cast<double>(r + 1)) << threads << " " << block;
    }
  }
  EXPECT_TRUE(ScoreFlows(RowModel(), Rows(0), 2).empty());
}

TEST(ScoreFlows, ErrorsOnWorkersReachTheCaller) {
  EXPECT_THROW(ScoreFlows(RowModel(777), Rows(1000), 3, 10), std::runtime_error);
}

TEST(ScoreFlows, BuiltInModelGivesTheSameScoresOnAnyThreadCount) {
  pipeline::LabelledFlows data;
  data.Append(std::string(BOTRECON_SHARED_DATA) + "/ctu13/scenario5-virut-head.binetflow", std::nullopt, {});
  auto model = models::LoadBuiltinModel("rforest");
  std::vector<double> one = ScoreFlows(*model, data.flows(), 1);
  std::vector<double> many = ScoreFlows(*model, data.flows(), 3, 50);
  std::vector<double> whole(data.size());
  model->Score(data.flows(), whole);
  EXPECT_EQ(one, many);
  EXPECT_EQ(one, whole);
}

}  // namespace
}  // namespace botrecon::eval
