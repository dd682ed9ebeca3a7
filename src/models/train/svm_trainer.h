// Trains a KernelSvm the way scikit-learn's StandardScaler + Nystroem(rbf) +
// LinearSVC pipeline does, deterministically for a seed:
//   1. (optionally) a seeded uniform subsample of max_train_rows rows;
//   2. per input: T = the chosen transform, then mean and standard deviation of
//      T(x) over the training rows (population std; 1 when it is 0, as sklearn);
//   3. landmarks: the first `components` distinct scaled rows of a seeded random
//      permutation of the training rows (sklearn takes the first rows of the
//      permutation even when equal; equal landmarks only add null directions);
//   4. P = K_mm^{-1/2} from the eigendecomposition of the landmarks' kernel
//      matrix, eigenvalues below 1e-12 raised to 1e-12 (as sklearn's Nystroem);
//   5. a linear SVM on phi = K(x, landmarks) · P: liblinear's L2-regularised
//      L2-loss dual solver (LinearSVC's default), with a unit bias feature.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "models/flow_encoder.h"
#include "models/svm.h"
#include "models/train/forest_trainer.h"

namespace botrecon::models {

// The transforms TrainKernelSvm applies by default, in FlowEncoder order: log1p
// for durations, byte counts, bits per second and ports (heavy-tailed values
// over many orders of magnitude, which standard scaling alone squeezes into a
// sliver next to the mean); identity for the protocol and state codes.
std::array<InputTransform, kNumOriginalFeatures> DefaultSvmTransforms();

struct SvmParams {
  int components = 300;  // Nystroem landmarks (fewer when there are fewer distinct rows)
  // RBF width on the scaled inputs; 0 = 1 / n_features (= 1/8), which is
  // sklearn's gamma='scale' heuristic 1 / (n_features * Var(X)) for
  // standardised inputs (Var = 1) and Nystroem's own default.
  double gamma = 0;
  double c = 1.0;  // SVM regularisation (LinearSVC's C)
  uint64_t seed = 1;
  double positive_weight = 1.0;  // class weight of botnet rows (normal rows: 1)
  int max_train_rows = 0;        // 0 = all rows; else a seeded uniform subsample of this many
  double tolerance = 1e-4;       // liblinear stopping tolerance (LinearSVC's tol)
  std::array<InputTransform, kNumOriginalFeatures> transforms = DefaultSvmTransforms();
};

// Trains on `data` (n_features must equal kNumOriginalFeatures; y 0/1).
// `log`, when given, receives progress lines (without newline) on the calling
// thread. Throws core::UsageError for invalid parameters or data (NaN or
// infinite values, labels other than 0/1, a single class). Deterministic for a
// given seed. Uses the C library's rand() (liblinear shuffles with it): the
// generator is reseeded, and training calls are serialised by a global mutex.
std::unique_ptr<KernelSvm> TrainKernelSvm(const Dataset& data, FlowEncoder encoder, const SvmParams& params,
                                          std::function<void(const std::string&)> log = {});

// K(landmarks, landmarks)^{-1/2} (m x m, row-major) for `m` landmarks of
// `n_features` values each (row-major), as sklearn's Nystroem computes its
// normalisation: eigenvalues below 1e-12 are raised to 1e-12.
std::vector<double> NystroemProjection(std::span<const double> landmarks, size_t m, size_t n_features, double gamma);

}  // namespace botrecon::models
