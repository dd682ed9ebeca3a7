// The model features, in one place: which inputs each feature set has and in
// which order, what values each input takes (its range) and how each is
// derived from a FlowBatch (its encoding). Models, trainers and model files
// read them from here and never list them themselves.
//
// Two feature sets:
//  1 "original": two categorical codes (as scikit-learn's OrdinalEncoder, with
//    vocabularies fitted in training, see FlowEncoder) and six numeric
//    features, exactly the Python original's inputs.
//  2 "generalised": inputs meant not to memorise one network: fixed protocol
//    codes, port classes (and a few informative destination ports as values),
//    the TCP flags seen in each direction decoded from the state (Argus and
//    Zeek), a state class, log-scaled duration/bytes/bits-per-second and the
//    share of the bytes sent by the source. See models/rforest-experimental.md.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "features/flow_batch.h"

namespace botrecon::models {

// Identifies a feature set (stored in .brm files).
inline constexpr uint32_t kFeatureSetOriginal = 1;
inline constexpr uint32_t kFeatureSetGeneralised = 2;

// The values a model input takes; -1 always stands for missing or unknown.
enum class FeatureRange {
  kReal,          // any real value
  kInteger,       // the integers -1..FeatureSpec::max_value
  kProtocolCode,  // an index in the model's protocol vocabulary, or -1
  kStateCode,     // an index in the model's state vocabulary, or -1
};

// One model input.
struct FeatureSpec {
  std::string_view name;  // in model cards and `train --log1p`
  FeatureRange range = FeatureRange::kReal;
  int max_value = 0;  // kInteger only
  // Set 1 inputs copied from a FlowBatch column: that column; else nullptr.
  std::vector<double> features::FlowBatch::*column = nullptr;
};

inline constexpr int kNumOriginalFeatures = 8;
inline constexpr int kNumGeneralisedFeatures = 19;
// The most inputs any feature set has: size arrays indexed by input with this.
inline constexpr int kMaxFeatures = kNumGeneralisedFeatures;

// Set 1, in model input order.
inline constexpr std::array<FeatureSpec, kNumOriginalFeatures> kOriginalFeatures = {{
    {"proto", FeatureRange::kProtocolCode},
    {"dport", FeatureRange::kInteger, 65535, &features::FlowBatch::dport},
    {"sport", FeatureRange::kInteger, 65535, &features::FlowBatch::sport},
    {"state", FeatureRange::kStateCode},
    {"dur", FeatureRange::kReal, 0, &features::FlowBatch::dur},
    {"totbytes", FeatureRange::kReal, 0, &features::FlowBatch::totbytes},
    {"srcbytes", FeatureRange::kReal, 0, &features::FlowBatch::srcbytes},
    {"bps", FeatureRange::kReal, 0, &features::FlowBatch::bps},
}};

// Flag bits of DecodeState().
enum TcpFlag : unsigned { kSyn = 1, kAck = 2, kFin = 4, kRst = 8, kPsh = 16 };
inline constexpr int kNumTcpFlags = 5;

// State classes (input "state_class" of set 2).
enum StateClass : int {
  kStateTcpFlags = 0,  // a TCP state: flags per direction
  kStateBoth = 1,      // traffic both ways (Argus CON/RSP, Zeek SF/S1/OTH on UDP/ICMP)
  kStateOneWay = 2,    // one direction only (Argus INT/REQ, Zeek S0 on UDP/ICMP)
  kStateEcho = 3,      // ICMP echo (Argus ECO/ECR)
  kStateUnreach = 4,   // ICMP unreachable etc. (Argus URP/URH/URN/UR*, RED, TXD, TST, SRC, ...)
  kStateOther = 5,     // any other non-empty state
};

// Highest protocol code of ProtoClass() and port class of PortClass().
inline constexpr int kMaxProtoClass = 6;
inline constexpr int kMaxPortClass = 2;
// The informative destination ports KnownPort() keeps as values.
inline constexpr std::array<int, 24> kKnownPorts = {20,  21,  22,  23,  25,  53,  67,  80,   110,  123,  135,  137,
                                                    139, 143, 161, 443, 445, 465, 587, 993, 1900, 3389, 6667, 8080};

// Set 2 inputs by position (the order of kGeneralisedFeatures).
enum GeneralisedInput : int {
  kProtoCode = 0,
  kDportClass,
  kDportKnown,
  kSportClass,
  kStateClassInput,
  kSrcFlags,                                 // kNumTcpFlags inputs, one per TcpFlag bit
  kDstFlags = kSrcFlags + kNumTcpFlags,      // the same for the destination
  kLogDur = kDstFlags + kNumTcpFlags,
  kLogTotBytes,
  kSrcByteShare,
  kLogBps,
};

// Set 2, in model input order.
inline constexpr std::array<FeatureSpec, kNumGeneralisedFeatures> kGeneralisedFeatures = {{
    {"proto_code", FeatureRange::kInteger, kMaxProtoClass},
    {"dport_class", FeatureRange::kInteger, kMaxPortClass},
    {"dport_known", FeatureRange::kInteger, kKnownPorts.back()},
    {"sport_class", FeatureRange::kInteger, kMaxPortClass},
    {"state_class", FeatureRange::kInteger, kStateOther},
    {"src_syn", FeatureRange::kInteger, 1},
    {"src_ack", FeatureRange::kInteger, 1},
    {"src_fin", FeatureRange::kInteger, 1},
    {"src_rst", FeatureRange::kInteger, 1},
    {"src_psh", FeatureRange::kInteger, 1},
    {"dst_syn", FeatureRange::kInteger, 1},
    {"dst_ack", FeatureRange::kInteger, 1},
    {"dst_fin", FeatureRange::kInteger, 1},
    {"dst_rst", FeatureRange::kInteger, 1},
    {"dst_psh", FeatureRange::kInteger, 1},
    {"log_dur"},
    {"log_totbytes"},
    {"src_byte_share"},
    {"log_bps"},
}};
static_assert(kGeneralisedFeatures[kSrcFlags].name == "src_syn" && kGeneralisedFeatures[kDstFlags].name == "dst_syn" &&
              kGeneralisedFeatures[kLogBps].name == "log_bps");

// The inputs of a feature set; empty for an unknown id.
std::span<const FeatureSpec> FeaturesOf(uint32_t feature_set);

// The names of `specs`, in order.
template <size_t N>
constexpr std::array<std::string_view, N> FeatureNames(const std::array<FeatureSpec, N>& specs) {
  std::array<std::string_view, N> names{};
  for (size_t idx = 0; idx < N; ++idx) names[idx] = specs[idx].name;
  return names;
}
inline constexpr std::array<std::string_view, kNumOriginalFeatures> kOriginalFeatureNames =
    FeatureNames(kOriginalFeatures);
inline constexpr std::array<std::string_view, kNumGeneralisedFeatures> kGeneralisedFeatureNames =
    FeatureNames(kGeneralisedFeatures);

// Equality of short texts without a call to memcmp (protocols and states are
// a few bytes; encoders compare them several times per flow).
inline bool SameShortText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t idx = 0; idx < a.size(); ++idx) {
    if (a[idx] != b[idx]) return false;
  }
  return true;
}

// --- Encodings of set 2 ---

struct DecodedState {
  int state_class = -1;  // -1: empty state
  unsigned src_flags = 0, dst_flags = 0;
  friend bool operator==(const DecodedState&, const DecodedState&) = default;
};
// Decodes a state (Argus "S_RA", "FSPA_FSPA", "CON", ...; Zeek "S0", "SF",
// "REJ", ...) of a flow with protocol `proto` (lower-case).
DecodedState DecodeState(std::string_view proto, std::string_view state);
// Class of a port: 0 well-known (< 1024), 1 registered (1024..49151),
// 2 dynamic/ephemeral (>= 49152); -1 missing.
double PortClass(double port);
// The port when it is one of kKnownPorts, 0 for any other port, -1 missing.
double KnownPort(double port);
// Fixed protocol code: tcp 1, udp 2, icmp 3, ipv6-icmp/icmp6 4, igmp 5,
// arp 6, any other 0, empty -1.
double ProtoClass(std::string_view proto);

// Writes the set 2 inputs of rows [begin, begin + count) of `batch` row-major:
// row i starts at out[i * stride] (stride >= kNumGeneralisedFeatures).
void EncodeGeneralised(const features::FlowBatch& batch, size_t begin, size_t count, double* out, size_t stride);

}  // namespace botrecon::models
