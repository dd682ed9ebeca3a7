#include "models/flow_encoder.h"

#include <algorithm>
#include <stdexcept>

namespace botrecon::models {
namespace {

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> SortedDistinct(std::span<const std::string_view> values, bool lower_case) {
  std::vector<std::string> out;
  for (std::string_view value : values) {
    if (value.empty()) continue;
    out.push_back(lower_case ? AsciiLower(value) : std::string(value));
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

void FlowEncoder::Encode(const features::FlowBatch& batch, size_t row, double* out) const {
  out[0] = ProtoCode(batch.proto[row]);
  out[1] = batch.dport[row];
  out[2] = batch.sport[row];
  out[3] = StateCode(batch.state[row]);
  out[4] = batch.dur[row];
  out[5] = batch.totbytes[row];
  out[6] = batch.srcbytes[row];
  out[7] = batch.bps[row];
}

void FlowEncoder::EncodeBlock(const features::FlowBatch& batch, size_t begin, size_t count, double* out,
                              size_t stride) const {
  // Flows of one capture repeat a handful of protocols and states: remember the
  // last lookup of each to skip most binary searches.
  std::string_view last_proto, last_state;
  int proto_code = -1, state_code = -1;
  for (size_t i = 0; i < count; ++i) {
    const size_t row = begin + i;
    double* x = out + i * stride;
    const std::string_view proto = batch.proto[row];
    if (proto != last_proto || i == 0) {
      last_proto = proto;
      proto_code = ProtoCode(proto);
    }
    const std::string_view state = batch.state[row];
    if (state != last_state || i == 0) {
      last_state = state;
      state_code = StateCode(state);
    }
    x[0] = proto_code;
    x[1] = batch.dport[row];
    x[2] = batch.sport[row];
    x[3] = state_code;
    x[4] = batch.dur[row];
    x[5] = batch.totbytes[row];
    x[6] = batch.srcbytes[row];
    x[7] = batch.bps[row];
  }
}

}  // namespace botrecon::models
