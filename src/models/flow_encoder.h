// Turns derived flow features into numeric model inputs: the inputs of one
// feature set (feature_set.h, which lists them and their encodings) plus, for
// set 1, the protocol and state vocabularies fitted in training.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "features/flow_batch.h"
#include "models/feature_set.h"

namespace botrecon::models {

class FlowEncoder {
 public:
  // Set 1's size and input names (kept here for callers that predate
  // feature_set.h; new code reads feature_set.h).
  static constexpr int kNumFeatures = kNumOriginalFeatures;
  static constexpr std::array<std::string_view, kNumFeatures> kFeatureNames = kOriginalFeatureNames;
  // Code written for an empty value or one not seen in training.
  static constexpr double kUnknownCode = -1.0;

  // An encoder with empty vocabularies (every category encodes as unknown).
  FlowEncoder() = default;
  // The encoder of feature set 2 (no vocabularies: every code is fixed).
  static FlowEncoder Generalised();

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

  // Writes the n_features() inputs of `row`, in feature_names() order.
  void Encode(const features::FlowBatch& batch, size_t row, double* out) const;
  // Encodes rows [begin, begin + count) row-major: row i starts at out[i * stride]
  // (stride >= n_features(), 0 = n_features(); the extra slots are left untouched).
  void EncodeBlock(const features::FlowBatch& batch, size_t begin, size_t count, double* out,
                   size_t stride = 0) const;

  // Index of a value in the sorted vocabulary, or -1 (empty or unseen). Protocols
  // are expected lower-case, as FlowBatch holds them.
  int ProtoCode(std::string_view proto) const { return Find(protocols_, proto_index_, proto); }
  int StateCode(std::string_view state) const { return Find(states_, state_index_, state); }

  uint32_t feature_set() const { return feature_set_; }
  // The inputs of this encoder's feature set, in Encode() order.
  std::span<const FeatureSpec> features() const { return FeaturesOf(feature_set_); }
  int n_features() const { return static_cast<int>(features().size()); }
  std::span<const std::string_view> feature_names() const {
    if (feature_set_ == kFeatureSetGeneralised) return kGeneralisedFeatureNames;
    return kOriginalFeatureNames;
  }
  // Highest value input `input` takes when it is integer-valued (codes, ports,
  // classes, flags; vocabulary codes go up to the vocabulary's size - 1), or
  // -1 when it is real-valued. Its lowest value is -1 (missing / unknown).
  int MaxIntegerValue(int input) const;
  const std::vector<std::string>& protocols() const { return protocols_; }
  const std::vector<std::string>& states() const { return states_; }

  friend bool operator==(const FlowEncoder&, const FlowEncoder&) = default;

 private:
  static int Lookup(const std::vector<std::string>& vocabulary, std::string_view value);
  // Hash index over a vocabulary (slot -> entry index, -1 empty): scoring
  // looks up every flow's protocol and state, so this avoids binary searches.
  static std::vector<int32_t> BuildIndex(const std::vector<std::string>& vocabulary);
  static int Find(const std::vector<std::string>& vocabulary, const std::vector<int32_t>& index, std::string_view value);
  void EncodeOriginal(const features::FlowBatch& batch, size_t begin, size_t count, double* out, size_t stride) const;

  uint32_t feature_set_ = kFeatureSetOriginal;

  std::vector<std::string> protocols_;
  std::vector<std::string> states_;
  std::vector<int32_t> proto_index_;  // derived from protocols_
  std::vector<int32_t> state_index_;  // derived from states_
};

}  // namespace botrecon::models
