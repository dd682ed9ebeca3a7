#include "models/flow_encoder.h"
#include "core/text.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace botrecon::models {
namespace {

std::vector<std::string> SortedDistinct(std::span<const std::string_view> values, bool lower_case) {
  std::vector<std::string> out;
  for (std::string_view value : values) {
    if (value.empty()) continue;
    out.push_back(lower_case ? core::AsciiLower(value) : std::string(value));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void CheckVocabulary(const std::vector<std::string>& vocabulary, bool lower_case, const char* what) {
  for (size_t i = 0; i < vocabulary.size(); ++i) {
    const char* defect =
        FlowEncoder::VocabularyDefect(i == 0 ? nullptr : &vocabulary[i - 1], vocabulary[i], lower_case);
    if (defect != nullptr) {
      throw std::invalid_argument(std::string(what) + " vocabulary entry " + std::to_string(i) + ": " + defect);
    }
  }
}

}  // namespace

FlowEncoder::FlowEncoder(std::vector<std::string> protocols, std::vector<std::string> states)
    : protocols_(std::move(protocols)), states_(std::move(states)) {
  CheckVocabulary(protocols_, true, "protocol");
  CheckVocabulary(states_, false, "state");
  proto_index_ = BuildIndex(protocols_);
  state_index_ = BuildIndex(states_);
}

namespace {
uint64_t HashText(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}
}  // namespace

std::vector<int32_t> FlowEncoder::BuildIndex(const std::vector<std::string>& vocabulary) {
  size_t size = 16;
  while (size < vocabulary.size() * 2) size *= 2;
  std::vector<int32_t> index(size, -1);
  for (size_t i = 0; i < vocabulary.size(); ++i) {
    size_t slot = HashText(vocabulary[i]) & (size - 1);
    while (index[slot] >= 0) slot = (slot + 1) & (size - 1);
    index[slot] = static_cast<int32_t>(i);
  }
  return index;
}

int FlowEncoder::Find(const std::vector<std::string>& vocabulary, const std::vector<int32_t>& index,
                      std::string_view value) {
  if (value.empty()) return -1;
  if (index.empty()) return Lookup(vocabulary, value);
  const size_t mask = index.size() - 1;
  for (size_t slot = HashText(value) & mask;; slot = (slot + 1) & mask) {
    const int32_t entry = index[slot];
    if (entry < 0) return -1;
    if (SameShortText(vocabulary[static_cast<size_t>(entry)], value)) return entry;
  }
}

FlowEncoder FlowEncoder::Fit(std::span<const std::string_view> protocols, std::span<const std::string_view> states) {
  return FlowEncoder(SortedDistinct(protocols, true), SortedDistinct(states, false));
}

const char* FlowEncoder::VocabularyDefect(const std::string* previous, std::string_view entry, bool lower_case) {
  if (entry.empty()) return "empty entry";
  if (lower_case && std::any_of(entry.begin(), entry.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return "entry is not lower-case";
  }
  if (previous != nullptr && !(std::string_view(*previous) < entry)) return "entries not strictly increasing";
  return nullptr;
}

int FlowEncoder::Lookup(const std::vector<std::string>& vocabulary, std::string_view value) {
  if (value.empty()) return -1;
  auto it = std::lower_bound(vocabulary.begin(), vocabulary.end(), value,
                             [](const std::string& entry, std::string_view v) { return std::string_view(entry) < v; });
  if (it == vocabulary.end() || std::string_view(*it) != value) return -1;
  return static_cast<int>(it - vocabulary.begin());
}

FlowEncoder FlowEncoder::Generalised() {
  FlowEncoder encoder;
  encoder.feature_set_ = kFeatureSetGeneralised;
  return encoder;
}

int FlowEncoder::MaxIntegerValue(int input) const {
  const FeatureSpec& spec = features()[static_cast<size_t>(input)];
  switch (spec.range) {
    case FeatureRange::kInteger: return spec.max_value;
    case FeatureRange::kProtocolCode: return static_cast<int>(protocols_.size()) - 1;
    case FeatureRange::kStateCode: return static_cast<int>(states_.size()) - 1;
    case FeatureRange::kReal: break;
  }
  return -1;
}

void FlowEncoder::Encode(const features::FlowBatch& batch, size_t row, double* out) const {
  EncodeBlock(batch, row, 1, out);
}

void FlowEncoder::EncodeBlock(const features::FlowBatch& batch, size_t begin, size_t count, double* out,
                              size_t stride) const {
  if (stride == 0) stride = static_cast<size_t>(n_features());
  if (feature_set_ == kFeatureSetGeneralised) {
    EncodeGeneralised(batch, begin, count, out, stride);
  } else {
    EncodeOriginal(batch, begin, count, out, stride);
  }
}

void FlowEncoder::EncodeOriginal(const features::FlowBatch& batch, size_t begin, size_t count, double* out,
                                 size_t stride) const {
  for (size_t input = 0; input < kOriginalFeatures.size(); ++input) {
    const FeatureSpec& spec = kOriginalFeatures[input];
    double* x = out + input;
    if (spec.column != nullptr) {
      const double* values = (batch.*spec.column).data() + begin;
      for (size_t i = 0; i < count; ++i) x[i * stride] = values[i];
      continue;
    }
    // A vocabulary code. Flows of one capture repeat a handful of protocols
    // and states: remember the last lookup to skip most searches.
    const bool proto = spec.range == FeatureRange::kProtocolCode;
    const std::vector<std::string_view>& texts = proto ? batch.proto : batch.state;
    std::string_view last;
    int code = -1;
    for (size_t i = 0; i < count; ++i) {
      const std::string_view text = texts[begin + i];
      if (i == 0 || !SameShortText(text, last)) {
        last = text;
        code = proto ? ProtoCode(text) : StateCode(text);
      }
      x[i * stride] = code;
    }
  }
}

}  // namespace botrecon::models
