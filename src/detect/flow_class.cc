#include "detect/flow_class.h"

#include <algorithm>

namespace botrecon::detect {

Proto ClassifyProto(std::string_view proto) {
  if (proto == "tcp") return Proto::kTcp;
  if (proto == "udp") return Proto::kUdp;
  if (proto == "icmp") return Proto::kIcmp;
  if (proto == "ipv6-icmp" || proto == "icmp6" || proto == "icmpv6") return Proto::kIcmp6;
  if (proto == "arp" || proto == "rarp") return Proto::kArp;
  return Proto::kOther;
}

namespace {

bool Has(std::string_view text, char flag) { return text.find(flag) != std::string_view::npos; }

// Argus -Z b: source flags '_' destination flags.
Answer ArgusFlags(std::string_view state, size_t underscore) {
  std::string_view src = state.substr(0, underscore);
  std::string_view dst = state.substr(underscore + 1);
  if (dst.empty()) return Has(src, 'S') ? Answer::kUnanswered : Answer::kUnknown;
  if (Has(dst, 'R') && !Has(dst, 'S') && !Has(dst, 'P')) return Answer::kRejected;
  return Answer::kAnswered;
}

// nfdump: positions "UAPRSF" (or "CEUAPRSF" in newer versions), '.' for an unset flag.
bool IsNfdumpFlags(std::string_view state) {
  if (state.size() != 6 && state.size() != 8) return false;
  if (state.find('.') == std::string_view::npos) return false;
  return std::all_of(state.begin(), state.end(), [](char c) {
    return c == '.' || c == 'C' || c == 'E' || c == 'U' || c == 'A' || c == 'P' || c == 'R' || c == 'S' || c == 'F';
  });
}

Answer NfdumpFlags(Proto proto, std::string_view state) {
  if (proto != Proto::kTcp) return Answer::kUnknown;
  if (Has(state, 'A')) return Answer::kAnswered;
  if (Has(state, 'S')) return Has(state, 'R') ? Answer::kRejected : Answer::kUnanswered;
  return Answer::kUnknown;
}

struct StateWord {
  std::string_view word;
  Answer answer;
};
// Argus words and Zeek conn_state values (they do not collide).
constexpr StateWord kStateWords[] = {
    // Argus
    {"CON", Answer::kAnswered}, {"ACC", Answer::kAnswered}, {"EST", Answer::kAnswered},
    {"CLO", Answer::kAnswered}, {"FIN", Answer::kAnswered}, {"RSP", Answer::kAnswered},
    {"ECR", Answer::kAnswered}, {"INT", Answer::kUnanswered}, {"REQ", Answer::kUnanswered},
    {"ECO", Answer::kUnanswered},
    // Zeek
    {"S0", Answer::kUnanswered}, {"SH", Answer::kUnanswered}, {"RSTOS0", Answer::kUnanswered},
    {"REJ", Answer::kRejected}, {"RSTRH", Answer::kRejected}, {"S1", Answer::kAnswered},
    {"S2", Answer::kAnswered}, {"S3", Answer::kAnswered}, {"SF", Answer::kAnswered},
    {"RSTO", Answer::kAnswered}, {"RSTR", Answer::kAnswered}, {"SHR", Answer::kAnswered},
};

// Argus ICMP error reports: unreachable (UR*), time exceeded (TXD), redirect (RED), source quench (SRC).
bool IsIcmpErrorState(std::string_view state) {
  return state.starts_with("UR") || state == "TXD" || state == "RED" || state == "SRC";
}

}  // namespace

Answer ClassifyState(Proto proto, std::string_view state) {
  if (state.empty()) return Answer::kUnknown;
  size_t underscore = state.find('_');
  if (underscore != std::string_view::npos) return ArgusFlags(state, underscore);
  if (IsNfdumpFlags(state)) return NfdumpFlags(proto, state);
  for (const StateWord& entry : kStateWords) {
    if (entry.word == state) return entry.answer;
  }
  return Answer::kUnknown;
}

Answer ClassifyBytes(double totbytes, double srcbytes) {
  if (!(totbytes > 0) || !(srcbytes >= 0)) return Answer::kUnknown;
  return srcbytes >= totbytes ? Answer::kUnanswered : Answer::kAnswered;
}

Answer ClassifyFlow(Proto proto, std::string_view state, double totbytes, double srcbytes, double pkts) {
  if ((proto == Proto::kIcmp || proto == Proto::kIcmp6) && IsIcmpErrorState(state)) return Answer::kUnknown;
  Answer answer = ClassifyState(proto, state);
  if (answer != Answer::kUnknown) return answer;
  if (state == "RST") {  // Argus: reset; a reply in bytes within two packets is a refusal
    Answer by_bytes = ClassifyBytes(totbytes, srcbytes);
    if (by_bytes == Answer::kAnswered && pkts >= 0 && pkts <= 2) return Answer::kRejected;
    return by_bytes;
  }
  return ClassifyBytes(totbytes, srcbytes);
}

bool IsIcmpEcho(Proto proto, std::string_view state, int sport, int dport) {
  if (proto != Proto::kIcmp && proto != Proto::kIcmp6) return false;
  if (state == "ECO" || state == "ECR") return true;
  if (IsIcmpErrorState(state)) return false;
  return sport == (proto == Proto::kIcmp ? 8 : 128);
}

bool IsServicePort(int port) {
  switch (port) {
    case 53: case 67: case 68: case 123: case 137: case 138: case 139:
    case 1900: case 5353: case 5355: case 853:
      return true;
    default:
      return false;
  }
}

bool IsDnsPort(int port) { return port == 53 || port == 853 || port == 5353; }

bool IsMailPort(int port) { return port == 25 || port == 465 || port == 587; }

bool IsMulticastOrBroadcast(const core::IpAddress& address) {
  if (address.is_v4) {
    uint8_t first = address.bytes[12];
    return (first & 0xf0) == 0xe0 || address.bytes[15] == 255 || first == 255;
  }
  return address.bytes[0] == 0xff;
}

bool IsHome(const core::IpAddress& address, const filter::AddressFilter* home) {
  if (home) return home->Matches(address);
  const auto& b = address.bytes;
  if (address.is_v4) {
    return b[12] == 10 || (b[12] == 172 && (b[13] & 0xf0) == 16) || (b[12] == 192 && b[13] == 168) ||
           (b[12] == 100 && (b[13] & 0xc0) == 64) || (b[12] == 169 && b[13] == 254);
  }
  return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
}

}  // namespace botrecon::detect
