// Turns derived flow features into the numeric model inputs of the "original"
// feature set: two categorical codes (as scikit-learn's OrdinalEncoder) and
// six numeric features.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "features/flow_batch.h"

namespace botrecon::models {

// Identifies the encoder a model file was trained with. 1 = FlowEncoder below.
inline constexpr uint32_t kFeatureSetOriginal = 1;

class FlowEncoder {
 public:
  // Number of model inputs Encode() writes per row.
  static constexpr int kNumFeatures = 8;
  // Input order of Encode(), also the names used in model cards.
  static constexpr std::array<std::string_view, kNumFeatures> kFeatureNames = {"proto", "dport",    "sport",    "state",
                                                                               "dur",   "totbytes", "srcbytes", "bps"};
  // Code written for an empty value or one not seen in training.
  static constexpr double kUnknownCode = -1.0;

  // An encoder with empty vocabularies (every category encodes as unknown).
  FlowEncoder() = default;

  // Takes vocabularies as they are stored in a model file: each strictly
  // increasing (bytewise), without empty entries, protocols lower-case.
  // Throws std::invalid_argument otherwise (see VocabularyDefect()).
  FlowEncoder(std::vector<std::string> protocols, std::vector<std::string> states);

  // Builds the vocabularies from the values seen in training (duplicates and
  // empty values allowed; protocols are lower-cased).
  static FlowEncoder Fit(std::span<const std::string_view> protocols, std::span<const std::string_view> states);

  // Why `entry` cannot follow `previous` (nullptr for the first entry) in a
  // vocabulary, or nullptr when it can. `lower_case` applies to protocols.
  static const char* VocabularyDefect(const std::string* previous, std::string_view entry, bool lower_case);

  // Writes the kNumFeatures inputs of `row`, in kFeatureNames order.
  void Encode(const features::FlowBatch& batch, size_t row, double* out) const;
  // Encodes rows [begin, begin + count) row-major: row i starts at out[i * stride]
  // (stride >= kNumFeatures; the extra slots are left untouched).
  void EncodeBlock(const features::FlowBatch& batch, size_t begin, size_t count, double* out,
                   size_t stride = kNumFeatures) const;

  // Index of a value in the sorted vocabulary, or -1 (empty or unseen). Protocols
  // are expected lower-case, as FlowBatch holds them.
  int ProtoCode(std::string_view proto) const { return Lookup(protocols_, proto); }
  int StateCode(std::string_view state) const { return Lookup(states_, state); }

  uint32_t feature_set() const { return kFeatureSetOriginal; }
  const std::vector<std::string>& protocols() const { return protocols_; }
  const std::vector<std::string>& states() const { return states_; }

  friend bool operator==(const FlowEncoder&, const FlowEncoder&) = default;

 private:
  static int Lookup(const std::vector<std::string>& vocabulary, std::string_view value);

  std::vector<std::string> protocols_;
  std::vector<std::string> states_;
};

}  // namespace botrecon::models
