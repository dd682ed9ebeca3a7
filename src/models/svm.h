// Kernel SVM with the RBF kernel approximated by the Nystroem method
// (scikit-learn's StandardScaler + Nystroem + LinearSVC pipeline):
//
//   z        = (T(x) - mean) / scale          per input; T = identity or log1p
//   phi(z)   = K(z, landmarks) · P            K(a, b) = exp(-gamma ||a - b||^2),
//                                             P = K_mm^{-1/2} (m x m, symmetric)
//   decision = phi(z) · w + bias              a flow looks like botnet when >= 0
//
// Scoring never forms phi: since phi · w = K(z, landmarks) · (P w), the model
// keeps the folded weights P w and a block of rows costs one (rows x 8)·(8 x m)
// product for the distances, m exponentials per row and one matrix-vector product.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/flow_encoder.h"
#include "models/model.h"

namespace botrecon::models {

// How an input is transformed before standard scaling.
enum class InputTransform : uint32_t {
  kIdentity = 0,
  // log(1 + v) for v >= 0; missing values (features::kMissing, any v < 0) and
  // non-finite values become -1, below every real value.
  kLog1p = 1,
};
inline constexpr uint32_t kNumInputTransforms = 2;

// Applies `transform` to one encoded input value.
double TransformInput(InputTransform transform, double value);

// Standard scaling of one input: z = (T(x) - mean) / scale.
struct InputScaling {
  InputTransform transform = InputTransform::kIdentity;
  double mean = 0;
  double scale = 1;  // > 0

  friend bool operator==(const InputScaling&, const InputScaling&) = default;
};

// Everything a KernelSvm is made of, as trainers build it and model files store it.
struct KernelSvmParts {
  std::vector<InputScaling> inputs;  // kNumOriginalFeatures entries, in encoder order
  double gamma = 0;                  // RBF width, > 0
  std::vector<double> landmarks;     // m x kNumFeatures, row-major, scaled inputs
  std::vector<double> projection;    // m x m, row-major: K(landmarks, landmarks)^{-1/2}
  std::vector<double> weights;       // m, of the linear SVM on phi
  double bias = 0;

  size_t n_components() const { return weights.size(); }
  friend bool operator==(const KernelSvmParts&, const KernelSvmParts&) = default;
};

// Largest number of Nystroem components a model may have (the m x m projection
// then takes 32 GiB: far beyond anything useful, but it bounds sizes).
inline constexpr size_t kMaxSvmComponents = 65536;

// Scales `n_rows` encoded rows (row-major, kNumOriginalFeatures values
// each; inputs.size() must be kNumFeatures) into z, same layout. The one
// definition training and scoring share.
void ScaleInputs(std::span<const InputScaling> inputs, const double* x, size_t n_rows, double* z);

// What is wrong with `parts`, or nullopt: input count, unknown transforms,
// non-finite values, scale <= 0, gamma <= 0, no components or more than
// kMaxSvmComponents, landmark/projection sizes inconsistent with the weights.
std::optional<std::string> CheckKernelSvmParts(const KernelSvmParts& parts);

// The RBF kernel exp(-gamma ||a - b||^2) of two vectors of `n` values.
double RbfKernel(const double* a, const double* b, size_t n, double gamma);

class KernelSvm : public Model {
 public:
  static constexpr double kDefaultThreshold = 0.0;

  // Throws std::invalid_argument with CheckKernelSvmParts()'s message, or when
  // the threshold is not finite.
  KernelSvm(FlowEncoder encoder, KernelSvmParts parts, double threshold = kDefaultThreshold);

  std::string type_name() const override { return "svm"; }
  ScoreKind score_kind() const override { return ScoreKind::kDecision; }
  double threshold() const override { return threshold_; }
  void Score(const features::FlowBatch& batch, std::span<double> scores) const override;

  // Decision values of `n_rows` encoded rows stored row-major (kNumFeatures values each).
  void PredictRows(const double* x, size_t n_rows, double* scores) const;
  double PredictRow(const double* x) const;
  // The Nystroem features phi of `n_rows` encoded rows: n_rows x n_components()
  // values, row-major. For tests and diagnostics; scoring does not need them.
  void FeatureMap(const double* x, size_t n_rows, double* phi) const;
  // The scaled inputs z of `n_rows` encoded rows (row-major, kNumFeatures each).
  void ScaleRows(const double* x, size_t n_rows, double* z) const;

  size_t n_components() const { return parts_.n_components(); }
  int n_features() const { return kNumOriginalFeatures; }
  const FlowEncoder& encoder() const { return encoder_; }
  const KernelSvmParts& parts() const { return parts_; }

 private:
  // Rows per block: the block's kernel values (kBlockRows x m doubles) stay in cache.
  static constexpr size_t kBlockRows = 128;

  // Kernel values K(z_i, landmarks) of `n_rows` scaled rows into `kernel`
  // (n_rows x m, row-major).
  void KernelBlock(const double* z, size_t n_rows, double* kernel) const;
  void ScoreScaledBlock(const double* z, size_t n_rows, double* kernel, double* scores) const;

  FlowEncoder encoder_;
  KernelSvmParts parts_;
  double threshold_;
  std::vector<double> landmark_norms_;   // ||landmark_j||^2
  std::vector<double> folded_weights_;   // projection · weights
};

}  // namespace botrecon::models
