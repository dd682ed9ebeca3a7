#include "models/train/svm_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "core/error.h"
#include "models/model_file.h"

namespace botrecon::models {
namespace {

constexpr size_t kInputs = kNumOriginalFeatures;

// Flow-like rows. Botnet: IRC-like flows to port 6667 of 400..3000 bytes.
// Normal: web and DNS flows of any size, and flows to port 6667 smaller than
// 150 or larger than 8000 bytes. The classes are separated by a margin, but
// not by any linear cut in the inputs. Source port, state, duration and the
// share of source bytes are noise.
Dataset FlowLikeDataset(size_t n_rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  Dataset data;
  data.n_rows = n_rows;
  data.n_features = kInputs;
  data.x.resize(n_rows * kInputs);
  data.y.resize(n_rows);
  for (size_t row = 0; row < n_rows; ++row) {
    double* x = &data.x[row * kInputs];
    const bool botnet = unit(rng) < 0.3;
    const bool irc_port = botnet || unit(rng) < 0.3;
    const double ports[] = {80, 443, 53, 8080};
    x[0] = 1;  // tcp
    x[1] = irc_port ? 6667 : ports[rng() % 4];
    x[2] = static_cast<double>(49152 + rng() % 16384);
    x[3] = static_cast<double>(rng() % 2);
    x[4] = 1 + unit(rng);
    double log_bytes = 4 + unit(rng) * 8;  // 55 B .. 160 kB
    if (botnet) {
      log_bytes = 6 + unit(rng) * 2;
    } else if (irc_port) {
      log_bytes = unit(rng) < 0.5 ? 4 + unit(rng) : 9 + unit(rng) * 3;
    }
    x[5] = std::round(std::exp(log_bytes));
    x[6] = std::round(x[5] * (0.4 + 0.2 * unit(rng)));
    x[7] = x[5] * 8 / x[4];
    data.y[row] = botnet ? 1 : 0;
  }
  return data;
}

FlowEncoder Encoder() { return FlowEncoder({"icmp", "tcp", "udp"}, {"CON", "FIN", "INT", "RST"}); }

double Accuracy(const KernelSvm& svm, const Dataset& data) {
  std::vector<double> scores(data.n_rows);
  svm.PredictRows(data.x.data(), data.n_rows, scores.data());
  size_t correct = 0;
  for (size_t row = 0; row < data.n_rows; ++row) correct += (scores[row] >= 0) == (data.y[row] == 1);
  return static_cast<double>(correct) / static_cast<double>(data.n_rows);
}

// Enough components and little regularisation for the sharp boundary above.
SvmParams SmallParams() {
  SvmParams params;
  params.components = 100;
  params.c = 100;
  return params;
}

TEST(SvmTrainer, LearnsASeparableProblem) {
  const auto svm = TrainKernelSvm(FlowLikeDataset(3000, 1), Encoder(), SmallParams());
  EXPECT_EQ(svm->n_components(), 100u);
  EXPECT_EQ(svm->encoder(), Encoder());
  EXPECT_EQ(svm->parts().gamma, 1.0 / 8);
  EXPECT_GE(Accuracy(*svm, FlowLikeDataset(3000, 2)), 0.99);
}

TEST(SvmTrainer, ScalingIsFittedOnTransformedInputs) {
  const Dataset data = FlowLikeDataset(2000, 3);
  const auto svm = TrainKernelSvm(data, Encoder(), SmallParams());
  const auto transforms = DefaultSvmTransforms();
  std::vector<double> z(data.n_rows * kInputs);
  svm->ScaleRows(data.x.data(), data.n_rows, z.data());
  for (size_t f = 0; f < kInputs; ++f) {
    EXPECT_EQ(svm->parts().inputs[f].transform, transforms[f]);
    double sum = 0, squares = 0;
    for (size_t row = 0; row < data.n_rows; ++row) sum += z[row * kInputs + f];
    const double mean = sum / static_cast<double>(data.n_rows);
    for (size_t row = 0; row < data.n_rows; ++row) squares += std::pow(z[row * kInputs + f] - mean, 2);
    EXPECT_NEAR(mean, 0, 1e-9) << f;
    // proto is constant in this data: left unscaled, as sklearn does.
    EXPECT_NEAR(squares / static_cast<double>(data.n_rows), f == 0 ? 0 : 1, 1e-9) << f;
    if (f == 0) EXPECT_EQ(svm->parts().inputs[f].scale, 1.0);
  }
}

TEST(SvmTrainer, SameSeedSameModel) {
  const Dataset data = FlowLikeDataset(1500, 4);
  SvmParams params = SmallParams();
  params.seed = 42;
  const std::string first = SerializeModel(*TrainKernelSvm(data, Encoder(), params));
  EXPECT_EQ(SerializeModel(*TrainKernelSvm(data, Encoder(), params)), first);
  params.seed = 43;
  EXPECT_NE(SerializeModel(*TrainKernelSvm(data, Encoder(), params)), first);
}

TEST(SvmTrainer, MaxTrainRowsSubsamplesDeterministically) {
  const Dataset data = FlowLikeDataset(4000, 5);
  SvmParams params = SmallParams();
  params.max_train_rows = 1000;
  const auto small = TrainKernelSvm(data, Encoder(), params);
  EXPECT_EQ(SerializeModel(*TrainKernelSvm(data, Encoder(), params)), SerializeModel(*small));
  EXPECT_NE(SerializeModel(*TrainKernelSvm(data, Encoder(), SmallParams())), SerializeModel(*small));
  EXPECT_GE(Accuracy(*small, FlowLikeDataset(3000, 6)), 0.97);
}

TEST(SvmTrainer, LandmarksAreDistinctTrainingRows) {
  // 40 rows but only 10 distinct ones: at most 10 landmarks.
  Dataset data = FlowLikeDataset(10, 7);
  data.n_rows = 40;
  data.x.resize(40 * kInputs);
  data.y.resize(40);
  for (size_t row = 10; row < 40; ++row) {
    std::copy_n(&data.x[(row % 10) * kInputs], kInputs, &data.x[row * kInputs]);
    data.y[row] = data.y[row % 10];
  }
  ASSERT_GT(std::count(data.y.begin(), data.y.end(), 1), 0);
  ASSERT_GT(std::count(data.y.begin(), data.y.end(), 0), 0);
  const auto svm = TrainKernelSvm(data, Encoder(), SmallParams());
  ASSERT_EQ(svm->n_components(), 10u);
  std::vector<double> z(10 * kInputs);
  svm->ScaleRows(data.x.data(), 10, z.data());
  std::set<std::vector<double>> rows, landmarks;
  for (size_t row = 0; row < 10; ++row) rows.insert(std::vector<double>(&z[row * kInputs], &z[(row + 1) * kInputs]));
  const std::vector<double>& l = svm->parts().landmarks;
  for (size_t j = 0; j < 10; ++j) landmarks.insert(std::vector<double>(&l[j * kInputs], &l[(j + 1) * kInputs]));
  EXPECT_EQ(landmarks, rows);
}

TEST(SvmTrainer, ComponentsEqualToRowsReproduceTheExactKernel) {
  const size_t n = 50;
  const Dataset data = FlowLikeDataset(n, 8);
  SvmParams params;
  params.components = static_cast<int>(n);
  params.gamma = 0.05;  // wide kernel: K_mm well away from singular
  const auto svm = TrainKernelSvm(data, Encoder(), params);
  ASSERT_EQ(svm->n_components(), n);
  std::vector<double> phi(n * n), z(n * kInputs);
  svm->FeatureMap(data.x.data(), n, phi.data());
  svm->ScaleRows(data.x.data(), n, z.data());
  double worst = 0;
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b <= a; ++b) {
      double dot = 0;
      for (size_t j = 0; j < n; ++j) dot += phi[a * n + j] * phi[b * n + j];
      worst = std::max(worst, std::abs(dot - RbfKernel(&z[a * kInputs], &z[b * kInputs], kInputs, params.gamma)));
    }
  }
  EXPECT_LT(worst, 1e-6);
}

TEST(SvmTrainer, PositiveWeightMovesTheDecisionTowardsBotnet) {
  // Overlapping classes: the same rows labelled both ways.
  Dataset data = FlowLikeDataset(1000, 9);
  for (size_t row = 0; row < data.n_rows; row += 3) data.y[row] = 1 - data.y[row];
  SvmParams params = SmallParams();
  const auto plain = TrainKernelSvm(data, Encoder(), params);
  params.positive_weight = 5;
  const auto weighted = TrainKernelSvm(data, Encoder(), params);
  auto flagged = [&](const KernelSvm& svm) {
    std::vector<double> scores(data.n_rows);
    svm.PredictRows(data.x.data(), data.n_rows, scores.data());
    return std::count_if(scores.begin(), scores.end(), [](double s) { return s >= 0; });
  };
  EXPECT_GT(flagged(*weighted), flagged(*plain));
}

TEST(SvmTrainer, PrintsNothingAndLogsLiblinearOutput) {
  std::vector<std::string> lines;
  testing::internal::CaptureStdout();
  TrainKernelSvm(FlowLikeDataset(500, 10), Encoder(), SmallParams(), [&](const std::string& line) {
    lines.push_back(line);
  });
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("svm: 500 training rows (", 0), 0u) << lines[0];
  bool liblinear = false;
  for (const auto& line : lines) liblinear |= line.rfind("liblinear: ", 0) == 0;
  EXPECT_TRUE(liblinear);
}

TEST(SvmTrainer, RejectsInvalidParametersAndData) {
  const Dataset good = FlowLikeDataset(100, 11);
  auto expect_error = [&](const Dataset& data, const SvmParams& params, const std::string& message) {
    try {
      TrainKernelSvm(data, Encoder(), params);
      ADD_FAILURE() << "accepted: " << message;
    } catch (const core::UsageError& e) {
      EXPECT_EQ(std::string(e.what()), "svm training: " + message);
    }
  };
  SvmParams params;
  params.components = 0;
  expect_error(good, params, "components must be at least 1");
  params = {};
  params.c = 0;
  expect_error(good, params, "c must be a positive number");
  params = {};
  params.gamma = -1;
  expect_error(good, params, "gamma must be >= 0 (0 = 1/n_features)");
  params = {};
  params.positive_weight = std::nan("");
  expect_error(good, params, "positive_weight must be a positive number");
  params = {};
  params.max_train_rows = -5;
  expect_error(good, params, "max_train_rows must be >= 0 (0 = all rows)");
  Dataset data = good;
  data.x[3 * kInputs + 5] = std::nan("");
  expect_error(data, {}, "row 3, feature 5: value is not finite");
  data = good;
  data.y[7] = 2;
  expect_error(data, {}, "row 7: label must be 0 or 1");
  data = good;
  std::fill(data.y.begin(), data.y.end(), 0);
  expect_error(data, {}, "the training rows are all normal; an SVM needs both classes");
  data = good;
  data.n_features = 7;
  expect_error(data, {}, "expected 8 features, got 7");
}

}  // namespace
}  // namespace botrecon::models
