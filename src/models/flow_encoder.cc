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
// Equality of short texts without a call to memcmp (protocols and states are
// a few bytes; this runs several times per flow).
inline bool SameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

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
    if (SameText(vocabulary[static_cast<size_t>(entry)], value)) return entry;
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

double FlowEncoder::PortClass(double port) {
  if (port < 0) return -1;
  if (port < 1024) return 0;
  if (port < 49152) return 1;
  return 2;
}

double FlowEncoder::KnownPort(double port) {
  if (port < 0) return -1;
  for (int known : kKnownPorts) {
    if (port == known) return known;
  }
  return 0;
}

double FlowEncoder::ProtoClass(std::string_view proto) {
  if (proto.empty()) return -1;
  if (proto == "tcp") return 1;
  if (proto == "udp") return 2;
  if (proto == "icmp") return 3;
  if (proto == "ipv6-icmp" || proto == "icmp6" || proto == "ipv6icmp") return 4;
  if (proto == "igmp") return 5;
  if (proto == "arp") return 6;
  return 0;
}

namespace {

unsigned ArgusFlags(std::string_view side) {
  unsigned flags = 0;
  for (char c : side) {
    switch (c) {
      case 'S': flags |= FlowEncoder::kSyn; break;
      case 'A': flags |= FlowEncoder::kAck; break;
      case 'F': flags |= FlowEncoder::kFin; break;
      case 'R': flags |= FlowEncoder::kRst; break;
      case 'P': flags |= FlowEncoder::kPsh; break;
      default: break;  // U (urgent), E/C (ECN), W: not inputs
    }
  }
  return flags;
}

struct ZeekState {
  std::string_view name;
  unsigned src, dst;
  int non_tcp_class;  // class when the protocol is not TCP (Zeek uses conn_state for UDP/ICMP too)
};

// Zeek conn_state → the flags each side must have sent (Zeek's documentation
// of conn_state; PUSH is never implied).
constexpr unsigned S = FlowEncoder::kSyn, A = FlowEncoder::kAck, F = FlowEncoder::kFin, R = FlowEncoder::kRst;
constexpr ZeekState kZeekStates[] = {
    {"S0", S, 0, FlowEncoder::kStateOneWay},             // SYN seen, no reply
    {"S1", S | A, S | A, FlowEncoder::kStateBoth},        // established, not terminated
    {"SF", S | A | F, S | A | F, FlowEncoder::kStateBoth},  // established and closed normally
    {"REJ", S, R | A, FlowEncoder::kStateBoth},           // attempt rejected (Argus S_RA)
    {"S2", S | A | F, S | A, FlowEncoder::kStateBoth},    // established, originator closed
    {"S3", S | A, S | A | F, FlowEncoder::kStateBoth},    // established, responder closed
    {"RSTO", S | A | R, S | A, FlowEncoder::kStateBoth},  // established, originator aborted
    {"RSTR", S | A, S | A | R, FlowEncoder::kStateBoth},  // established, responder aborted
    {"RSTOS0", S | R, 0, FlowEncoder::kStateOneWay},      // SYN then RST, no SYN-ACK
    {"RSTRH", 0, S | A | R, FlowEncoder::kStateBoth},     // responder SYN-ACK then RST, no SYN seen
    {"SH", S | F, 0, FlowEncoder::kStateOneWay},          // SYN then FIN, no SYN-ACK
    {"SHR", 0, S | A | F, FlowEncoder::kStateBoth},       // responder SYN-ACK then FIN, no SYN seen
    {"OTH", A, A, FlowEncoder::kStateBoth},               // no SYN seen: midstream traffic
};

}  // namespace

FlowEncoder::DecodedState FlowEncoder::DecodeState(std::string_view proto, std::string_view state) {
  DecodedState out;
  if (state.empty()) return out;
  const bool tcp = proto == "tcp";
  // Argus TCP states: source flags '_' destination flags.
  if (const size_t sep = state.find('_'); sep != std::string_view::npos) {
    out.state_class = kStateTcpFlags;
    out.src_flags = ArgusFlags(state.substr(0, sep));
    out.dst_flags = ArgusFlags(state.substr(sep + 1));
    return out;
  }
  for (const ZeekState& zeek : kZeekStates) {
    if (state != zeek.name) continue;
    if (tcp) {
      out.state_class = kStateTcpFlags;
      out.src_flags = zeek.src;
      out.dst_flags = zeek.dst;
    } else {
      out.state_class = zeek.non_tcp_class;
    }
    return out;
  }
  // Argus named states (non-TCP protocols, and TCP when ra runs without -Z b).
  if (tcp) {
    struct Named { std::string_view name; unsigned src, dst; };
    static constexpr Named kArgusTcp[] = {{"REQ", S, 0},         {"ACC", S, S | A},         {"EST", S | A, S | A},
                                          {"CON", S | A, S | A}, {"CLO", S | A | F, S | A | F},
                                          {"FIN", S | A | F, S | A | F}, {"RST", S | A | R, S | A}};
    for (const Named& named : kArgusTcp) {
      if (state == named.name) {
        out.state_class = kStateTcpFlags;
        out.src_flags = named.src;
        out.dst_flags = named.dst;
        return out;
      }
    }
  }
  if (state == "CON" || state == "RSP" || state == "EST") {
    out.state_class = kStateBoth;
  } else if (state == "INT" || state == "REQ") {
    out.state_class = kStateOneWay;
  } else if (state == "ECO" || state == "ECR") {
    out.state_class = kStateEcho;
  } else if (state.starts_with("UR") || state == "RED" || state == "TXD" || state == "TST" || state == "SRC" ||
             state == "SRQ" || state == "TIM" || state == "PAR" || state == "MHR" || state == "NRS" ||
             state == "RTA" || state == "RTS") {
    out.state_class = kStateUnreach;
  } else {
    out.state_class = kStateOther;
  }
  return out;
}

void FlowEncoder::EncodeGeneralised(const features::FlowBatch& batch, size_t begin, size_t count, double* out,
                                    size_t stride) const {
  std::string_view last_proto, last_state;
  double proto_code = -1;
  DecodedState decoded;
  auto log_or_missing = [](double v) { return v < 0 ? -1.0 : std::log1p(v); };
  for (size_t i = 0; i < count; ++i) {
    const size_t row = begin + i;
    double* x = out + i * stride;
    const std::string_view proto = batch.proto[row];
    const std::string_view state = batch.state[row];
    if (i == 0 || !SameText(proto, last_proto)) {
      proto_code = ProtoClass(proto);
      decoded = DecodeState(proto, state);
    } else if (state != last_state) {
      decoded = DecodeState(proto, state);
    }
    last_proto = proto;
    last_state = state;
    const double dport = batch.dport[row];
    const double totbytes = batch.totbytes[row];
    const double srcbytes = batch.srcbytes[row];
    x[0] = proto_code;
    x[1] = PortClass(dport);
    x[2] = KnownPort(dport);
    x[3] = PortClass(batch.sport[row]);
    x[4] = decoded.state_class;
    for (int bit = 0; bit < 5; ++bit) {
      x[5 + bit] = (decoded.src_flags >> bit) & 1u;
      x[10 + bit] = (decoded.dst_flags >> bit) & 1u;
    }
    x[15] = log_or_missing(batch.dur[row]);
    x[16] = log_or_missing(totbytes);
    x[17] = (srcbytes < 0 || !(totbytes > 0)) ? -1.0 : std::min(1.0, srcbytes / totbytes);
    x[18] = log_or_missing(batch.bps[row]);
  }
}

void FlowEncoder::Encode(const features::FlowBatch& batch, size_t row, double* out) const {
  if (feature_set_ == kFeatureSetGeneralised) {
    EncodeGeneralised(batch, row, 1, out, kNumGeneralisedFeatures);
    return;
  }
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
  if (stride == 0) stride = static_cast<size_t>(n_features());
  if (feature_set_ == kFeatureSetGeneralised) {
    EncodeGeneralised(batch, begin, count, out, stride);
    return;
  }
  // Flows of one capture repeat a handful of protocols and states: remember the
  // last lookup of each to skip most binary searches.
  std::string_view last_proto, last_state;
  int proto_code = -1, state_code = -1;
  for (size_t i = 0; i < count; ++i) {
    const size_t row = begin + i;
    double* x = out + i * stride;
    const std::string_view proto = batch.proto[row];
    if (i == 0 || !SameText(proto, last_proto)) {
      last_proto = proto;
      proto_code = ProtoCode(proto);
    }
    const std::string_view state = batch.state[row];
    if (i == 0 || !SameText(state, last_state)) {
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
