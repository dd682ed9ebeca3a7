// Turns derived flow features into numeric model inputs. Two feature sets:
//  1 "original": two categorical codes (as scikit-learn's OrdinalEncoder) and
//    six numeric features, exactly the Python original's inputs.
//  2 "generalised": inputs meant not to memorise one network: fixed protocol
//    codes, port classes (and a few informative destination ports as values),
//    the TCP flags seen in each direction decoded from the state (Argus and
//    Zeek), a state class, log-scaled duration/bytes/bits-per-second and the
//    share of the bytes sent by the source. See EncodeGeneralised() in
//    flow_encoder.cc and models/rforest-experimental.md.
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

// Identifies the encoder a model file was trained with (stored in .brm files).
inline constexpr uint32_t kFeatureSetOriginal = 1;
inline constexpr uint32_t kFeatureSetGeneralised = 2;

class FlowEncoder {
 public:
  // Number of model inputs of the original feature set (set 1; the svm
  // model only supports this set).
  static constexpr int kNumFeatures = 8;
  // Number of model inputs of the generalised feature set (set 2).
  static constexpr int kNumGeneralisedFeatures = 19;
  // The most inputs any feature set has: size arrays indexed by input with this.
  static constexpr int kMaxFeatures = kNumGeneralisedFeatures;
  // Input order of Encode() for set 1, also the names used in model cards.
  static constexpr std::array<std::string_view, kNumFeatures> kFeatureNames = {"proto", "dport",    "sport",    "state",
                                                                               "dur",   "totbytes", "srcbytes", "bps"};
  // Input order of Encode() for set 2.
  static constexpr std::array<std::string_view, kNumGeneralisedFeatures> kGeneralisedFeatureNames = {
      "proto_code", "dport_class", "dport_known", "sport_class", "state_class", "src_syn", "src_ack",
      "src_fin",    "src_rst",     "src_psh",     "dst_syn",     "dst_ack",     "dst_fin", "dst_rst",
      "dst_psh",    "log_dur",     "log_totbytes", "src_byte_share", "log_bps"};
  // Flag bits of DecodeState().
  enum Flag : unsigned { kSyn = 1, kAck = 2, kFin = 4, kRst = 8, kPsh = 16 };
  // State classes (input "state_class" of set 2).
  enum StateClass : int {
    kStateTcpFlags = 0,   // a TCP state: flags per direction
    kStateBoth = 1,       // traffic both ways (Argus CON/RSP, Zeek SF/S1/OTH on UDP/ICMP)
    kStateOneWay = 2,     // one direction only (Argus INT/REQ, Zeek S0 on UDP/ICMP)
    kStateEcho = 3,       // ICMP echo (Argus ECO/ECR)
    kStateUnreach = 4,    // ICMP unreachable etc. (Argus URP/URH/URN/UR*, RED, TXD, TST, SRC, ...)
    kStateOther = 5,      // any other non-empty state
  };
  struct DecodedState {
    int state_class = -1;  // -1: empty state
    unsigned src_flags = 0, dst_flags = 0;
    friend bool operator==(const DecodedState&, const DecodedState&) = default;
  };
  // Decodes a state (Argus "S_RA", "FSPA_FSPA", "CON", ...; Zeek "S0", "SF",
  // "REJ", ...) of a flow with protocol `proto` (lower-case).
  static DecodedState DecodeState(std::string_view proto, std::string_view state);
  // Class of a port: 0 well-known (< 1024), 1 registered (1024..49151),
  // 2 dynamic/ephemeral (>= 49152); -1 missing.
  static double PortClass(double port);
  // The port when it is one of the few informative destination ports kept as
  // values (kKnownPorts), 0 for any other port, -1 missing.
  static double KnownPort(double port);
  static constexpr std::array<int, 24> kKnownPorts = {20,  21,  22,  23,  25,   53,   67,   80,
                                                      110, 123, 135, 137, 139,  143,  161,  443,
                                                      445, 465, 587, 993, 1900, 3389, 6667, 8080};
  // Fixed protocol code of set 2: tcp 1, udp 2, icmp 3, ipv6-icmp/icmp6 4,
  // igmp 5, arp 6, any other 0, empty -1.
  static double ProtoClass(std::string_view proto);
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
  // Number of inputs of this encoder's feature set.
  int n_features() const { return feature_set_ == kFeatureSetGeneralised ? kNumGeneralisedFeatures : kNumFeatures; }
  std::span<const std::string_view> feature_names() const {
    if (feature_set_ == kFeatureSetGeneralised) return kGeneralisedFeatureNames;
    return kFeatureNames;
  }
  const std::vector<std::string>& protocols() const { return protocols_; }
  const std::vector<std::string>& states() const { return states_; }

  friend bool operator==(const FlowEncoder&, const FlowEncoder&) = default;

 private:
  static int Lookup(const std::vector<std::string>& vocabulary, std::string_view value);
  // Hash index over a vocabulary (slot -> entry index, -1 empty): scoring
  // looks up every flow's protocol and state, so this avoids binary searches.
  static std::vector<int32_t> BuildIndex(const std::vector<std::string>& vocabulary);
  static int Find(const std::vector<std::string>& vocabulary, const std::vector<int32_t>& index, std::string_view value);
  void EncodeGeneralised(const features::FlowBatch& batch, size_t begin, size_t count, double* out,
                         size_t stride) const;

  uint32_t feature_set_ = kFeatureSetOriginal;

  std::vector<std::string> protocols_;
  std::vector<std::string> states_;
  std::vector<int32_t> proto_index_;  // derived from protocols_
  std::vector<int32_t> state_index_;  // derived from states_
};

}  // namespace botrecon::models
