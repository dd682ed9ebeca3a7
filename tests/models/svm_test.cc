#include "models/svm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <thread>

#include "core/error.h"
#include "models/train/svm_trainer.h"

namespace botrecon::models {
namespace {

constexpr size_t kInputs = kNumOriginalFeatures;

FlowEncoder TestEncoder() { return FlowEncoder({"icmp", "tcp", "udp"}, {"CON", "INT", "S_RA"}); }

std::vector<InputScaling> UnitScaling() { return std::vector<InputScaling>(kInputs); }

// Random points in the scaled input space.
std::vector<double> RandomPoints(std::mt19937_64& rng, size_t n, double spread) {
  std::normal_distribution<double> normal(0, spread);
  std::vector<double> points(n * kInputs);
  for (double& value : points) value = normal(rng);
  return points;
}

// A model with identity transforms and unit scaling on `m` random landmarks.
KernelSvmParts RandomParts(std::mt19937_64& rng, size_t m, double gamma) {
  KernelSvmParts parts;
  parts.inputs = UnitScaling();
  parts.gamma = gamma;
  parts.landmarks = RandomPoints(rng, m, 1.5);
  parts.projection = NystroemProjection(parts.landmarks, m, kInputs, gamma);
  std::normal_distribution<double> normal(0, 1);
  for (size_t j = 0; j < m; ++j) parts.weights.push_back(normal(rng));
  parts.bias = -0.25;
  return parts;
}

// The decision value by the definition, one kernel value at a time.
double ReferenceDecision(const KernelSvmParts& parts, const double* x) {
  const size_t m = parts.n_components();
  double z[kInputs];
  ScaleInputs(parts.inputs, x, 1, z);
  std::vector<double> k(m);
  for (size_t j = 0; j < m; ++j) k[j] = RbfKernel(z, &parts.landmarks[j * kInputs], kInputs, parts.gamma);
  double decision = parts.bias;
  for (size_t i = 0; i < m; ++i) {
    double phi = 0;
    for (size_t j = 0; j < m; ++j) phi += k[j] * parts.projection[j * m + i];
    decision += phi * parts.weights[i];
  }
  return decision;
}

features::FlowBatch RandomBatch(std::mt19937_64& rng, size_t n_rows) {
  static const std::vector<std::string> protos = {"tcp", "udp", "icmp", "gre", ""};
  static const std::vector<std::string> states = {"CON", "INT", "S_RA", "X", ""};
  features::FlowBatch batch;
  batch.Resize(n_rows);
  for (size_t row = 0; row < n_rows; ++row) {
    batch.proto[row] = protos[rng() % protos.size()];
    batch.state[row] = states[rng() % states.size()];
    batch.dport[row] = rng() % 7 == 0 ? features::kMissing : static_cast<double>(rng() % 65536);
    batch.sport[row] = static_cast<double>(rng() % 65536);
    batch.dur[row] = static_cast<double>(rng() % 100000) / 1000;
    batch.totbytes[row] = static_cast<double>(rng() % 1000000);
    batch.srcbytes[row] = static_cast<double>(rng() % 10000);
    batch.bps[row] = features::BitsPerSecond(batch.totbytes[row], batch.dur[row]);
  }
  return batch;
}

TEST(KernelSvm, TransformInputMapsMissingBelowEveryValue) {
  EXPECT_EQ(TransformInput(InputTransform::kIdentity, 42.5), 42.5);
  EXPECT_EQ(TransformInput(InputTransform::kIdentity, features::kMissing), -1.0);
  EXPECT_EQ(TransformInput(InputTransform::kLog1p, 0), 0.0);
  EXPECT_DOUBLE_EQ(TransformInput(InputTransform::kLog1p, std::exp(2.0) - 1), 2.0);
  EXPECT_EQ(TransformInput(InputTransform::kLog1p, features::kMissing), -1.0);
  EXPECT_EQ(TransformInput(InputTransform::kLog1p, std::nan("")), -1.0);
  EXPECT_EQ(TransformInput(InputTransform::kLog1p, INFINITY), -1.0);
}

TEST(KernelSvm, OneLandmarkGivesTheDecisionByHand) {
  KernelSvmParts parts;
  parts.inputs = UnitScaling();
  parts.inputs[1] = {InputTransform::kLog1p, 1.0, 2.0};  // dport
  parts.gamma = 0.5;
  parts.landmarks.assign(kInputs, 0.0);
  parts.projection = {4.0};  // K_mm^{-1/2} would be 1; any finite value is a valid model
  parts.weights = {0.75};
  parts.bias = -0.5;
  const KernelSvm svm(TestEncoder(), parts);
  EXPECT_EQ(svm.type_name(), "svm");
  EXPECT_EQ(svm.score_kind(), ScoreKind::kDecision);
  EXPECT_EQ(svm.threshold(), 0.0);
  EXPECT_EQ(svm.n_components(), 1u);
  const double x[kInputs] = {1, std::exp(3.0) - 1, 0, 0, 0, 0, 0, 0};
  // z = (1, (3 - 1) / 2 = 1, 0...), ||z||^2 = 2, K = exp(-0.5 * 2).
  EXPECT_NEAR(svm.PredictRow(x), std::exp(-1.0) * 4.0 * 0.75 - 0.5, 1e-15);
  double phi = 0;
  svm.FeatureMap(x, 1, &phi);
  EXPECT_NEAR(phi, std::exp(-1.0) * 4.0, 1e-15);
}

TEST(KernelSvm, BlockScoringMatchesTheDefinition) {
  std::mt19937_64 rng(5);
  const KernelSvmParts parts = RandomParts(rng, 37, 0.2);
  const KernelSvm svm(TestEncoder(), parts);
  const size_t n = 300;  // more than two blocks, the last one partial
  const std::vector<double> x = RandomPoints(rng, n, 1.0);
  std::vector<double> scores(n);
  svm.PredictRows(x.data(), n, scores.data());
  for (size_t row = 0; row < n; ++row) {
    const double expected = ReferenceDecision(parts, &x[row * kInputs]);
    EXPECT_NEAR(scores[row], expected, 1e-9 * (1 + std::abs(expected))) << row;
    EXPECT_NEAR(svm.PredictRow(&x[row * kInputs]), scores[row], 1e-12 * (1 + std::abs(expected))) << row;
  }
}

TEST(KernelSvm, ScoreEncodesTheBatchLikeTheEncoder) {
  std::mt19937_64 rng(6);
  KernelSvmParts parts = RandomParts(rng, 20, 0.125);
  parts.inputs = {{InputTransform::kIdentity, 1, 1},  {InputTransform::kLog1p, 6, 3}, {InputTransform::kLog1p, 9, 2},
                  {InputTransform::kIdentity, 1, 1},  {InputTransform::kLog1p, 1, 2}, {InputTransform::kLog1p, 7, 3},
                  {InputTransform::kLog1p, 5, 2},     {InputTransform::kLog1p, 8, 4}};
  const KernelSvm svm(TestEncoder(), parts);
  const features::FlowBatch batch = RandomBatch(rng, 1000);
  std::vector<double> scores(batch.num_rows);
  svm.Score(batch, scores);
  std::vector<double> x(batch.num_rows * kInputs);
  svm.encoder().EncodeBlock(batch, 0, batch.num_rows, x.data());
  std::vector<double> expected(batch.num_rows);
  svm.PredictRows(x.data(), batch.num_rows, expected.data());
  EXPECT_EQ(scores, expected);
  std::vector<double> wrong_size(3);
  EXPECT_THROW(svm.Score(batch, wrong_size), core::InternalError);
}

TEST(KernelSvm, ScoringFromSeveralThreadsEqualsOneThread) {
  std::mt19937_64 rng(7);
  const KernelSvm svm(TestEncoder(), RandomParts(rng, 50, 0.125));
  const features::FlowBatch batch = RandomBatch(rng, 5000);
  std::vector<double> expected(batch.num_rows);
  svm.Score(batch, expected);
  std::vector<std::vector<double>> results(4, std::vector<double>(batch.num_rows));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] {
      for (int repeat = 0; repeat < 3; ++repeat) svm.Score(batch, result);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, expected);
}

TEST(KernelSvm, NystroemWithEveryPointAsLandmarkReproducesTheKernel) {
  std::mt19937_64 rng(8);
  const size_t n = 60;
  const double gamma = 0.3;
  KernelSvmParts parts;
  parts.inputs = UnitScaling();
  parts.gamma = gamma;
  parts.landmarks = RandomPoints(rng, n, 1.0);
  parts.projection = NystroemProjection(parts.landmarks, n, kInputs, gamma);
  parts.weights.assign(n, 0.0);
  const KernelSvm svm(TestEncoder(), parts);
  std::vector<double> phi(n * n);
  svm.FeatureMap(parts.landmarks.data(), n, phi.data());
  double worst = 0;
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      double dot = 0;
      for (size_t j = 0; j < n; ++j) dot += phi[a * n + j] * phi[b * n + j];
      const double exact = RbfKernel(&parts.landmarks[a * kInputs], &parts.landmarks[b * kInputs], kInputs, gamma);
      worst = std::max(worst, std::abs(dot - exact));
    }
  }
  EXPECT_LT(worst, 1e-8);
  // The projection is symmetric.
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < a; ++b) EXPECT_EQ(parts.projection[a * n + b], parts.projection[b * n + a]);
  }
}

TEST(KernelSvm, NystroemClampsTinyEigenvalues) {
  // Two equal landmarks: K_mm is singular; the projection stays finite.
  std::vector<double> landmarks(2 * kInputs, 0.5);
  const std::vector<double> projection = NystroemProjection(landmarks, 2, kInputs, 0.125);
  for (double value : projection) EXPECT_TRUE(std::isfinite(value));
  // phi(l) . phi(l) = K(l, l) = 1 still holds for the landmark itself.
  KernelSvmParts parts;
  parts.inputs = UnitScaling();
  parts.gamma = 0.125;
  parts.landmarks = landmarks;
  parts.projection = projection;
  parts.weights = {0, 0};
  const KernelSvm svm(TestEncoder(), parts);
  double phi[2];
  svm.FeatureMap(landmarks.data(), 1, phi);
  EXPECT_NEAR(phi[0] * phi[0] + phi[1] * phi[1], 1.0, 1e-6);
}

TEST(KernelSvm, RejectsInvalidParts) {
  std::mt19937_64 rng(9);
  const KernelSvmParts good = RandomParts(rng, 3, 0.125);
  EXPECT_NO_THROW(KernelSvm(TestEncoder(), good));
  auto expect_defect = [&](const KernelSvmParts& parts, const std::string& message) {
    const auto defect = CheckKernelSvmParts(parts);
    ASSERT_TRUE(defect.has_value()) << message;
    EXPECT_EQ(*defect, message);
    try {
      KernelSvm(TestEncoder(), parts);
      ADD_FAILURE() << "accepted: " << message;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), "svm: " + message);
    }
  };
  KernelSvmParts parts = good;
  parts.inputs.pop_back();
  expect_defect(parts, "expected 8 inputs, got 7");
  parts = good;
  parts.inputs[2].transform = static_cast<InputTransform>(2);
  expect_defect(parts, "input 2: unknown transform 2");
  parts = good;
  parts.inputs[3].scale = 0;
  expect_defect(parts, "input 3: scale not a finite value > 0");
  parts = good;
  parts.inputs[4].mean = std::nan("");
  expect_defect(parts, "input 4: mean not finite");
  parts = good;
  parts.gamma = -1;
  expect_defect(parts, "gamma not a finite value > 0");
  parts = good;
  parts.weights.clear();
  expect_defect(parts, "model has no components");
  parts = good;
  parts.landmarks.pop_back();
  expect_defect(parts, "expected 24 landmark values for 3 components, got 23");
  parts = good;
  parts.projection.push_back(0);
  expect_defect(parts, "expected 9 projection values for 3 components, got 10");
  parts = good;
  parts.landmarks[2 * kInputs + 1] = INFINITY;
  expect_defect(parts, "landmark 2: value not finite");
  parts = good;
  parts.projection[4] = std::nan("");
  expect_defect(parts, "projection row 1: value not finite");
  parts = good;
  parts.weights[2] = -INFINITY;
  expect_defect(parts, "weight 2: value not finite");
  parts = good;
  parts.bias = std::nan("");
  expect_defect(parts, "bias not finite");
  EXPECT_THROW(KernelSvm(TestEncoder(), good, std::nan("")), std::invalid_argument);
}

}  // namespace
}  // namespace botrecon::models
