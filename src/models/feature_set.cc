#include "models/feature_set.h"

#include <algorithm>
#include <cmath>

namespace botrecon::models {

std::span<const FeatureSpec> FeaturesOf(uint32_t feature_set) {
  if (feature_set == kFeatureSetOriginal) return kOriginalFeatures;
  if (feature_set == kFeatureSetGeneralised) return kGeneralisedFeatures;
  return {};
}

double PortClass(double port) {
  if (port < 0) return -1;
  if (port < 1024) return 0;
  if (port < 49152) return 1;
  return 2;
}

double KnownPort(double port) {
  if (port < 0) return -1;
  for (int known : kKnownPorts) {
    if (port == known) return known;
  }
  return 0;
}

double ProtoClass(std::string_view proto) {
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
      case 'S': flags |= kSyn; break;
      case 'A': flags |= kAck; break;
      case 'F': flags |= kFin; break;
      case 'R': flags |= kRst; break;
      case 'P': flags |= kPsh; break;
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
constexpr unsigned S = kSyn, A = kAck, F = kFin, R = kRst;
constexpr ZeekState kZeekStates[] = {
    {"S0", S, 0, kStateOneWay},             // SYN seen, no reply
    {"S1", S | A, S | A, kStateBoth},        // established, not terminated
    {"SF", S | A | F, S | A | F, kStateBoth},  // established and closed normally
    {"REJ", S, R | A, kStateBoth},           // attempt rejected (Argus S_RA)
    {"S2", S | A | F, S | A, kStateBoth},    // established, originator closed
    {"S3", S | A, S | A | F, kStateBoth},    // established, responder closed
    {"RSTO", S | A | R, S | A, kStateBoth},  // established, originator aborted
    {"RSTR", S | A, S | A | R, kStateBoth},  // established, responder aborted
    {"RSTOS0", S | R, 0, kStateOneWay},      // SYN then RST, no SYN-ACK
    {"RSTRH", 0, S | A | R, kStateBoth},     // responder SYN-ACK then RST, no SYN seen
    {"SH", S | F, 0, kStateOneWay},          // SYN then FIN, no SYN-ACK
    {"SHR", 0, S | A | F, kStateBoth},       // responder SYN-ACK then FIN, no SYN seen
    {"OTH", A, A, kStateBoth},               // no SYN seen: midstream traffic
};

}  // namespace

DecodedState DecodeState(std::string_view proto, std::string_view state) {
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

void EncodeGeneralised(const features::FlowBatch& batch, size_t begin, size_t count, double* out, size_t stride) {
  std::string_view last_proto, last_state;
  double proto_code = -1;
  DecodedState decoded;
  auto log_or_missing = [](double v) { return v < 0 ? -1.0 : std::log1p(v); };
  for (size_t i = 0; i < count; ++i) {
    const size_t row = begin + i;
    double* x = out + i * stride;
    const std::string_view proto = batch.proto[row];
    const std::string_view state = batch.state[row];
    if (i == 0 || !SameShortText(proto, last_proto)) {
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
    x[kProtoCode] = proto_code;
    x[kDportClass] = PortClass(dport);
    x[kDportKnown] = KnownPort(dport);
    x[kSportClass] = PortClass(batch.sport[row]);
    x[kStateClassInput] = decoded.state_class;
    for (int bit = 0; bit < kNumTcpFlags; ++bit) {
      x[kSrcFlags + bit] = (decoded.src_flags >> bit) & 1u;
      x[kDstFlags + bit] = (decoded.dst_flags >> bit) & 1u;
    }
    x[kLogDur] = log_or_missing(batch.dur[row]);
    x[kLogTotBytes] = log_or_missing(totbytes);
    x[kSrcByteShare] = (srcbytes < 0 || !(totbytes > 0)) ? -1.0 : std::min(1.0, srcbytes / totbytes);
    x[kLogBps] = log_or_missing(batch.bps[row]);
  }
}

}  // namespace botrecon::models
