#include "models/train/svm_trainer.h"

#include <linear.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include "core/error.h"

namespace botrecon::models {
namespace {

constexpr size_t kInputs = kNumOriginalFeatures;
// Eigenvalues of the landmarks' kernel matrix are raised to this (sklearn's Nystroem).
constexpr double kMinEigenvalue = 1e-12;
// Rows whose Nystroem features are computed at a time while building the SVM's problem.
constexpr size_t kFeatureChunkRows = 4096;

uint64_t SplitMix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Independent generator seeds for the stages that draw random numbers.
enum class Stream : uint64_t { kSubsample = 1, kLandmarks = 2, kLiblinear = 3 };
uint64_t StreamSeed(uint64_t seed, Stream stream) {
  return SplitMix64(SplitMix64(seed) ^ SplitMix64(~static_cast<uint64_t>(stream)));
}

// Uniform integer in [0, n), n > 0, by rejection: the same sequence on every
// standard library (std::uniform_int_distribution's algorithm is unspecified).
uint64_t UniformBelow(std::mt19937_64& rng, uint64_t n) {
  const uint64_t reject_below = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    const uint64_t r = rng();
    if (r >= reject_below) return r % n;
  }
}

void Validate(const Dataset& data, const SvmParams& params) {
  auto fail = [](const std::string& what) { throw core::UsageError("svm training: " + what); };
  if (params.components < 1) fail("components must be at least 1");
  if (static_cast<size_t>(params.components) > kMaxSvmComponents) {
    fail("components must be at most " + std::to_string(kMaxSvmComponents));
  }
  if (!(params.gamma >= 0) || !std::isfinite(params.gamma)) fail("gamma must be >= 0 (0 = 1/n_features)");
  if (!(params.c > 0) || !std::isfinite(params.c)) fail("c must be a positive number");
  if (!(params.positive_weight > 0) || !std::isfinite(params.positive_weight)) {
    fail("positive_weight must be a positive number");
  }
  if (params.max_train_rows < 0) fail("max_train_rows must be >= 0 (0 = all rows)");
  if (!(params.tolerance > 0) || !std::isfinite(params.tolerance)) fail("tolerance must be a positive number");
  for (InputTransform transform : params.transforms) {
    if (static_cast<uint32_t>(transform) >= kNumInputTransforms) fail("unknown input transform");
  }
  if (data.n_features != kNumOriginalFeatures) {
    fail("expected " + std::to_string(kNumOriginalFeatures) + " features, got " +
         std::to_string(data.n_features));
  }
  if (data.n_rows == 0) fail("no training rows");
  if (data.n_rows >= (size_t{1} << 31)) fail("too many training rows");
  if (data.x.size() != data.n_rows * kInputs || data.y.size() != data.n_rows) {
    fail("dataset arrays do not match n_rows");
  }
  for (size_t i = 0; i < data.x.size(); ++i) {
    if (!std::isfinite(data.x[i])) {
      fail("row " + std::to_string(i / kInputs) + ", feature " + std::to_string(i % kInputs) +
           ": value is not finite");
    }
  }
  size_t positives = 0;
  for (size_t row = 0; row < data.n_rows; ++row) {
    if (data.y[row] > 1) fail("row " + std::to_string(row) + ": label must be 0 or 1");
    positives += data.y[row];
  }
  if (positives == 0 || positives == data.n_rows) {
    fail("the training rows are all " + std::string(positives == 0 ? "normal" : "botnet") +
         "; an SVM needs both classes");
  }
}

// The training rows: all, or a seeded uniform sample without replacement (in data order).
std::vector<uint32_t> TrainingRows(const Dataset& data, const SvmParams& params) {
  std::vector<uint32_t> rows(data.n_rows);
  std::iota(rows.begin(), rows.end(), 0u);
  const auto wanted = static_cast<size_t>(params.max_train_rows);
  if (wanted == 0 || wanted >= data.n_rows) return rows;
  std::mt19937_64 rng(StreamSeed(params.seed, Stream::kSubsample));
  for (size_t idx = 0; idx < wanted; ++idx) {
    std::swap(rows[idx], rows[idx + UniformBelow(rng, data.n_rows - idx)]);
  }
  rows.resize(wanted);
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Mean and population standard deviation of each transformed input.
std::vector<InputScaling> FitScaling(const Dataset& data, const std::vector<uint32_t>& rows, const SvmParams& params) {
  std::vector<InputScaling> inputs(kInputs);
  const auto n = static_cast<double>(rows.size());
  for (size_t f = 0; f < kInputs; ++f) {
    InputScaling& input = inputs[f];
    input.transform = params.transforms[f];
    double sum = 0;
    for (uint32_t row : rows) sum += TransformInput(input.transform, data.x[row * kInputs + f]);
    input.mean = sum / n;
    double squares = 0;
    for (uint32_t row : rows) {
      const double d = TransformInput(input.transform, data.x[row * kInputs + f]) - input.mean;
      squares += d * d;
    }
    const double std_dev = std::sqrt(squares / n);
    // sklearn leaves constant features unscaled; so do (nearly) constant ones here.
    input.scale = std_dev > 1e-12 * std::max(1.0, std::abs(input.mean)) ? std_dev : 1.0;
  }
  return inputs;
}

// Up to `components` distinct scaled rows, in the order of a seeded random permutation.
std::vector<double> PickLandmarks(const Dataset& data, const std::vector<uint32_t>& rows,
                                  const std::vector<InputScaling>& inputs, const SvmParams& params) {
  std::mt19937_64 rng(StreamSeed(params.seed, Stream::kLandmarks));
  std::vector<uint32_t> order = rows;
  std::set<std::array<double, kInputs>> seen;
  std::vector<double> landmarks;
  const auto wanted = static_cast<size_t>(params.components);
  for (size_t idx = 0; idx < order.size() && seen.size() < wanted; ++idx) {
    std::swap(order[idx], order[idx + UniformBelow(rng, order.size() - idx)]);
    std::array<double, kInputs> z;
    ScaleInputs(inputs, &data.x[order[idx] * kInputs], 1, z.data());
    if (seen.insert(z).second) landmarks.insert(landmarks.end(), z.begin(), z.end());
  }
  return landmarks;
}

// liblinear's output goes here while a training call holds the mutex.
std::mutex liblinear_mutex;
std::string* liblinear_output = nullptr;
void CaptureLiblinearOutput(const char* text) {
  if (liblinear_output != nullptr) liblinear_output->append(text);
}

struct LinearSvm {
  std::vector<double> weights;
  double bias = 0;
  std::string output;  // what liblinear printed
};

// Trains liblinear's L2R_L2LOSS_SVC_DUAL on the Nystroem features of `rows`.
LinearSvm TrainLinearSvm(const Dataset& data, const std::vector<uint32_t>& rows, const KernelSvm& feature_map,
                         const SvmParams& params) {
  const size_t m = feature_map.n_components();
  const size_t n = rows.size();
  const size_t stride = m + 2;  // m features, the bias feature, the terminator
  std::vector<feature_node> nodes(n * stride);
  std::vector<feature_node*> x(n);
  std::vector<double> y(n);
  std::vector<double> encoded(kFeatureChunkRows * kInputs);
  std::vector<double> phi(kFeatureChunkRows * m);
  for (size_t begin = 0; begin < n; begin += kFeatureChunkRows) {
    const size_t count = std::min(kFeatureChunkRows, n - begin);
    for (size_t i = 0; i < count; ++i) {
      std::copy_n(&data.x[rows[begin + i] * kInputs], kInputs, &encoded[i * kInputs]);
    }
    feature_map.FeatureMap(encoded.data(), count, phi.data());
    for (size_t i = 0; i < count; ++i) {
      const size_t row = begin + i;
      feature_node* out = &nodes[row * stride];
      for (size_t j = 0; j < m; ++j) out[j] = {static_cast<int>(j + 1), phi[i * m + j]};
      out[m] = {static_cast<int>(m + 1), 1.0};
      out[m + 1] = {-1, 0.0};
      x[row] = out;
      y[row] = data.y[rows[row]] != 0 ? 1.0 : -1.0;
    }
  }
  phi = {};
  encoded = {};

  problem prob{};
  prob.l = static_cast<int>(n);
  prob.n = static_cast<int>(m + 1);
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = 1.0;
  int weight_label[] = {1};
  double weight[] = {params.positive_weight};
  parameter param{};
  param.solver_type = L2R_L2LOSS_SVC_DUAL;
  param.eps = params.tolerance;
  param.C = params.c;
  param.nr_weight = 1;
  param.weight_label = weight_label;
  param.weight = weight;
  param.p = 0.1;
  param.init_sol = nullptr;
  if (const char* error = check_parameter(&prob, &param)) {
    throw core::InternalError(std::string("liblinear rejected the parameters: ") + error);
  }

  LinearSvm result;
  model* trained = nullptr;
  {
    std::lock_guard<std::mutex> lock(liblinear_mutex);
    liblinear_output = &result.output;
    set_print_string_function(&CaptureLiblinearOutput);
    // liblinear shuffles with rand(): reseed it for a deterministic result.
    std::srand(static_cast<unsigned>(StreamSeed(params.seed, Stream::kLiblinear)));
    trained = train(&prob, &param);
    liblinear_output = nullptr;
  }
  if (trained == nullptr) throw core::InternalError("liblinear returned no model");
  if (trained->nr_class != 2 || trained->nr_feature != static_cast<int>(m)) {
    free_and_destroy_model(&trained);
    throw core::InternalError("liblinear returned an unexpected model");
  }
  // liblinear's decision value is positive for label[0], the first label it saw.
  const double sign = trained->label[0] == 1 ? 1.0 : -1.0;
  result.weights.resize(m);
  for (size_t j = 0; j < m; ++j) result.weights[j] = sign * trained->w[j];
  result.bias = sign * trained->w[m] * trained->bias;
  free_and_destroy_model(&trained);
  return result;
}

std::string FormatGamma(double gamma) {
  std::ostringstream out;
  out << gamma;
  return out.str();
}

}  // namespace

std::array<InputTransform, kNumOriginalFeatures> DefaultSvmTransforms() {
  // Vocabulary codes as they are; ports, durations, byte counts and rates log-scaled.
  std::array<InputTransform, kNumOriginalFeatures> transforms{};
  for (size_t input = 0; input < kOriginalFeatures.size(); ++input) {
    const FeatureRange range = kOriginalFeatures[input].range;
    const bool code = range == FeatureRange::kProtocolCode || range == FeatureRange::kStateCode;
    transforms[input] = code ? InputTransform::kIdentity : InputTransform::kLog1p;
  }
  return transforms;
}

std::vector<double> NystroemProjection(std::span<const double> landmarks, size_t m, size_t n_features, double gamma) {
  if (landmarks.size() != m * n_features) throw core::InternalError("NystroemProjection: landmark count mismatch");
  const auto me = static_cast<Eigen::Index>(m);
  Eigen::MatrixXd kernel(me, me);
  for (size_t i = 0; i < m; ++i) {
    kernel(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)) = 1.0;
    for (size_t j = 0; j < i; ++j) {
      const double k = RbfKernel(&landmarks[i * n_features], &landmarks[j * n_features], n_features, gamma);
      kernel(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = k;
      kernel(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = k;
    }
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(kernel);
  if (solver.info() != Eigen::Success) throw core::InternalError("eigendecomposition of the kernel matrix failed");
  const Eigen::VectorXd inv_sqrt = solver.eigenvalues().cwiseMax(kMinEigenvalue).cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd& q = solver.eigenvectors();
  const Eigen::MatrixXd projection = q * inv_sqrt.asDiagonal() * q.transpose();
  std::vector<double> out(m * m);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < m; ++j) {
      // Symmetric up to rounding: store the exact average so P == P^T.
      const auto ie = static_cast<Eigen::Index>(i), je = static_cast<Eigen::Index>(j);
      out[i * m + j] = 0.5 * (projection(ie, je) + projection(je, ie));
    }
  }
  return out;
}

std::unique_ptr<KernelSvm> TrainKernelSvm(const Dataset& data, FlowEncoder encoder, const SvmParams& params,
                                          std::function<void(const std::string&)> log) {
  Validate(data, params);
  auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  const std::vector<uint32_t> rows = TrainingRows(data, params);
  size_t positives = 0;
  for (uint32_t row : rows) positives += data.y[row];

  KernelSvmParts parts;
  parts.inputs = FitScaling(data, rows, params);
  parts.gamma = params.gamma > 0 ? params.gamma : 1.0 / static_cast<double>(kInputs);
  parts.landmarks = PickLandmarks(data, rows, parts.inputs, params);
  const size_t m = parts.landmarks.size() / kInputs;
  say("svm: " + std::to_string(rows.size()) + " training rows (" + std::to_string(positives) + " botnet), " +
      std::to_string(m) + " landmarks" +
      (m < static_cast<size_t>(params.components) ? " (all distinct rows)" : "") + ", gamma " +
      FormatGamma(parts.gamma) + "; liblinear's copy of the features takes " +
      std::to_string(rows.size() * (m + 2) * sizeof(feature_node) >> 20) + " MiB");
  parts.projection = NystroemProjection(parts.landmarks, m, kInputs, parts.gamma);
  parts.weights.assign(m, 0.0);
  // The feature map of the finished model, to compute phi exactly as scoring will.
  const KernelSvm feature_map(encoder, parts);
  LinearSvm svm = TrainLinearSvm(data, rows, feature_map, params);
  std::istringstream output(svm.output);
  for (std::string line; std::getline(output, line);) {
    if (!line.empty()) say("liblinear: " + line);
  }
  parts.weights = std::move(svm.weights);
  parts.bias = svm.bias;
  return std::make_unique<KernelSvm>(std::move(encoder), std::move(parts));
}

}  // namespace botrecon::models
