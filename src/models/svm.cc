#include "models/svm.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/error.h"

namespace botrecon::models {
namespace {

constexpr int kInputs = kNumOriginalFeatures;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using InputMatrix = Eigen::Matrix<double, Eigen::Dynamic, kInputs, Eigen::RowMajor>;

std::optional<std::string> FirstNonFinite(const std::vector<double>& values, size_t row_length, const char* what) {
  for (size_t idx = 0; idx < values.size(); ++idx) {
    if (!std::isfinite(values[idx])) {
      return std::string(what) + " " + std::to_string(idx / row_length) + ": value not finite";
    }
  }
  return std::nullopt;
}

}  // namespace

double TransformInput(InputTransform transform, double value) {
  if (!std::isfinite(value)) return -1.0;
  switch (transform) {
    case InputTransform::kIdentity:
      return value;
    case InputTransform::kLog1p:
      return value >= 0 ? std::log1p(value) : -1.0;
  }
  return value;
}

std::optional<std::string> CheckKernelSvmParts(const KernelSvmParts& parts) {
  if (parts.inputs.size() != static_cast<size_t>(kInputs)) {
    return "expected " + std::to_string(kInputs) + " inputs, got " + std::to_string(parts.inputs.size());
  }
  for (size_t idx = 0; idx < parts.inputs.size(); ++idx) {
    const InputScaling& input = parts.inputs[idx];
    const std::string where = "input " + std::to_string(idx) + ": ";
    if (static_cast<uint32_t>(input.transform) >= kNumInputTransforms) {
      return where + "unknown transform " + std::to_string(static_cast<uint32_t>(input.transform));
    }
    if (!std::isfinite(input.mean)) return where + "mean not finite";
    if (!(std::isfinite(input.scale) && input.scale > 0)) return where + "scale not a finite value > 0";
  }
  if (!(std::isfinite(parts.gamma) && parts.gamma > 0)) return std::string("gamma not a finite value > 0");
  const size_t m = parts.n_components();
  if (m == 0) return std::string("model has no components");
  if (m > kMaxSvmComponents) {
    return std::to_string(m) + " components exceed the limit of " + std::to_string(kMaxSvmComponents);
  }
  if (parts.landmarks.size() != m * kInputs) {
    return "expected " + std::to_string(m * kInputs) + " landmark values for " + std::to_string(m) +
           " components, got " + std::to_string(parts.landmarks.size());
  }
  if (parts.projection.size() != m * m) {
    return "expected " + std::to_string(m * m) + " projection values for " + std::to_string(m) +
           " components, got " + std::to_string(parts.projection.size());
  }
  if (auto defect = FirstNonFinite(parts.landmarks, kInputs, "landmark")) return defect;
  if (auto defect = FirstNonFinite(parts.projection, m, "projection row")) return defect;
  if (auto defect = FirstNonFinite(parts.weights, 1, "weight")) return defect;
  if (!std::isfinite(parts.bias)) return std::string("bias not finite");
  return std::nullopt;
}

double RbfKernel(const double* a, const double* b, size_t n, double gamma) {
  double squared = 0;
  for (size_t idx = 0; idx < n; ++idx) squared += (a[idx] - b[idx]) * (a[idx] - b[idx]);
  return std::exp(-gamma * squared);
}

KernelSvm::KernelSvm(FlowEncoder encoder, KernelSvmParts parts, double threshold)
    : encoder_(std::move(encoder)), parts_(std::move(parts)), threshold_(threshold) {
  if (encoder_.feature_set() != kFeatureSetOriginal) {
    throw std::invalid_argument("svm: only feature set " + std::to_string(kFeatureSetOriginal) + " is supported");
  }
  if (auto defect = CheckKernelSvmParts(parts_)) throw std::invalid_argument("svm: " + *defect);
  if (!std::isfinite(threshold_)) throw std::invalid_argument("svm: threshold not finite");
  const size_t m = n_components();
  const Eigen::Map<const InputMatrix> landmarks(parts_.landmarks.data(), static_cast<Eigen::Index>(m), kInputs);
  landmark_norms_.resize(m);
  Eigen::Map<Eigen::VectorXd>(landmark_norms_.data(), static_cast<Eigen::Index>(m)) =
      landmarks.rowwise().squaredNorm();
  const Eigen::Map<const RowMatrix> projection(parts_.projection.data(), static_cast<Eigen::Index>(m),
                                               static_cast<Eigen::Index>(m));
  const Eigen::Map<const Eigen::VectorXd> weights(parts_.weights.data(), static_cast<Eigen::Index>(m));
  folded_weights_.resize(m);
  Eigen::Map<Eigen::VectorXd>(folded_weights_.data(), static_cast<Eigen::Index>(m)).noalias() = projection * weights;
}

void ScaleInputs(std::span<const InputScaling> inputs, const double* x, size_t n_rows, double* z) {
  for (size_t row = 0; row < n_rows; ++row) {
    for (int f = 0; f < kInputs; ++f) {
      const InputScaling& input = inputs[f];
      const size_t idx = row * kInputs + f;
      z[idx] = (TransformInput(input.transform, x[idx]) - input.mean) / input.scale;
    }
  }
}

void KernelSvm::ScaleRows(const double* x, size_t n_rows, double* z) const {
  ScaleInputs(parts_.inputs, x, n_rows, z);
}

void KernelSvm::KernelBlock(const double* z, size_t n_rows, double* kernel) const {
  const auto n = static_cast<Eigen::Index>(n_rows);
  const auto m = static_cast<Eigen::Index>(n_components());
  const Eigen::Map<const InputMatrix> zm(z, n, kInputs);
  const Eigen::Map<const InputMatrix> landmarks(parts_.landmarks.data(), m, kInputs);
  const Eigen::Map<const Eigen::RowVectorXd> landmark_norms(landmark_norms_.data(), m);
  Eigen::Map<RowMatrix> k(kernel, n, m);
  // ||z - l||^2 = ||z||^2 + ||l||^2 - 2 z·l; rounding can make it slightly negative.
  k.noalias() = zm * landmarks.transpose();
  const Eigen::VectorXd z_norms = zm.rowwise().squaredNorm();
  k.array() = ((k.array() * -2.0).rowwise() + landmark_norms.array()).colwise() + z_norms.array();
  k.array() = (k.array().max(0.0) * -parts_.gamma).exp();
}

void KernelSvm::ScoreScaledBlock(const double* z, size_t n_rows, double* kernel, double* scores) const {
  const auto n = static_cast<Eigen::Index>(n_rows);
  const auto m = static_cast<Eigen::Index>(n_components());
  KernelBlock(z, n_rows, kernel);
  const Eigen::Map<const RowMatrix> k(kernel, n, m);
  const Eigen::Map<const Eigen::VectorXd> folded(folded_weights_.data(), m);
  Eigen::Map<Eigen::VectorXd> out(scores, n);
  out.noalias() = k * folded;
  out.array() += parts_.bias;
}

void KernelSvm::PredictRows(const double* x, size_t n_rows, double* scores) const {
  double z[kBlockRows * kInputs];
  std::vector<double> kernel(kBlockRows * n_components());
  for (size_t begin = 0; begin < n_rows; begin += kBlockRows) {
    const size_t count = std::min(kBlockRows, n_rows - begin);
    ScaleRows(x + begin * kInputs, count, z);
    ScoreScaledBlock(z, count, kernel.data(), scores + begin);
  }
}

double KernelSvm::PredictRow(const double* x) const {
  double score = 0;
  PredictRows(x, 1, &score);
  return score;
}

void KernelSvm::FeatureMap(const double* x, size_t n_rows, double* phi) const {
  const size_t m = n_components();
  const auto me = static_cast<Eigen::Index>(m);
  const Eigen::Map<const RowMatrix> projection(parts_.projection.data(), me, me);
  double z[kBlockRows * kInputs];
  std::vector<double> kernel(kBlockRows * m);
  for (size_t begin = 0; begin < n_rows; begin += kBlockRows) {
    const size_t count = std::min(kBlockRows, n_rows - begin);
    const auto n = static_cast<Eigen::Index>(count);
    ScaleRows(x + begin * kInputs, count, z);
    KernelBlock(z, count, kernel.data());
    Eigen::Map<RowMatrix>(phi + begin * m, n, me).noalias() =
        Eigen::Map<const RowMatrix>(kernel.data(), n, me) * projection;
  }
}

void KernelSvm::Score(const features::FlowBatch& batch, std::span<double> scores) const {
  if (scores.size() != batch.num_rows) {
    throw core::InternalError("KernelSvm::Score: " + std::to_string(scores.size()) + " scores for " +
                              std::to_string(batch.num_rows) + " rows");
  }
  double x[kBlockRows * kInputs];
  double z[kBlockRows * kInputs];
  std::vector<double> kernel(kBlockRows * n_components());
  for (size_t begin = 0; begin < batch.num_rows; begin += kBlockRows) {
    const size_t count = std::min(kBlockRows, batch.num_rows - begin);
    encoder_.EncodeBlock(batch, begin, count, x);
    ScaleRows(x, count, z);
    ScoreScaledBlock(z, count, kernel.data(), scores.data() + begin);
  }
}

}  // namespace botrecon::models
