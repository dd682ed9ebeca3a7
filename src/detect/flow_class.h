// What one flow is, for the detectors: protocol class, whether the connection
// was answered (from State, else from bytes), port and address classes.
// The state tables are documented in docs/detectors.md.
#pragma once
#include <cstdint>
#include <string_view>

#include "core/ip_address.h"
#include "filter/address_filter.h"

namespace botrecon::detect {

enum class Proto : uint8_t { kOther, kTcp, kUdp, kIcmp, kIcmp6, kArp };

// kUnanswered: no reply at all; kRejected: the peer refused (RST, REJ, no ACK);
// kUnknown: neither state nor bytes tell (or the flow is not a connection attempt).
enum class Answer : uint8_t { kUnknown, kAnswered, kUnanswered, kRejected };

Proto ClassifyProto(std::string_view proto);

// From the State text alone: Argus flag pairs ("S_", "S_RA", "SPA_SPA") and
// words ("CON", "INT", "REQ", "ECO", ...), Zeek conn_state ("S0", "REJ", "SF",
// ...), nfdump flags ("....S.", ".AP.SF"). kUnknown when the state is empty,
// unrecognised or does not decide (Argus "RST"/"TIM", Zeek "OTH", UDP flags).
Answer ClassifyState(Proto proto, std::string_view state);

// From bytes: a flow whose source sent every byte (srcbytes == totbytes > 0)
// got no reply. kUnknown when either is missing.
Answer ClassifyBytes(double totbytes, double srcbytes);

// State first, then bytes when the state does not decide. ICMP error reports
// (unreachable, time exceeded, redirect) are never connection attempts.
Answer ClassifyFlow(Proto proto, std::string_view state, double totbytes, double srcbytes, double pkts);

// True for an ICMP / ICMPv6 echo request (Argus ECO/ECR, or type 8 / 128 in
// the source port as Zeek and nfdump write it).
bool IsIcmpEcho(Proto proto, std::string_view state, int sport, int dport);

// A port value as an int, -1 when missing or out of range.
inline int PortValue(double port) { return port >= 0 && port <= 65535 ? static_cast<int>(port) : -1; }

// Ports that are never beacons or fan-out evidence: DNS, NTP, DHCP, NetBIOS,
// SSDP, mDNS, LLMNR.
bool IsServicePort(int port);
bool IsDnsPort(int port);
bool IsMailPort(int port);

// Multicast and broadcast destinations (IPv4 224/4, 255.255.255.255, x.x.x.255; IPv6 ff00::/8).
bool IsMulticastOrBroadcast(const core::IpAddress& address);
// Inside the home network: `home` if given, else the private ranges.
bool IsHome(const core::IpAddress& address, const filter::AddressFilter* home);

}  // namespace botrecon::detect
