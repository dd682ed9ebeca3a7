// IP addresses: one 16-byte key for IPv4 and IPv6, a fast parser for the
// source-address column and RFC 5952 formatting.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace botrecon::core {

// An IPv4 or IPv6 address. IPv4 is stored IPv4-mapped (::ffff:a.b.c.d, the
// four IPv4 bytes in bytes[12..15]) so both families share one key layout;
// `is_v4` says which family the address was written in. "1.2.3.4" and
// "::ffff:1.2.3.4" therefore have the same bytes but are different addresses
// (as in Python's ipaddress, which the original tool used).
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool is_v4 = false;

  bool operator==(const IpAddress&) const = default;
};

// Hash functor for unordered containers keyed by address.
struct IpAddressHash {
  size_t operator()(const IpAddress& address) const noexcept;
};

// Parses an address exactly as written: no surrounding whitespace is trimmed
// (the caller trims).
//  - IPv4: strict dotted quad, four parts of 1-3 decimal digits, each 0..255.
//    Leading zeros ("01.2.3.4") are rejected: inet_aton reads them as octal,
//    so they are ambiguous (Python's ipaddress rejects them too).
//  - IPv6: RFC 4291 text forms, including '::' compression, upper- or
//    lower-case hex and an embedded IPv4 tail ("::ffff:1.2.3.4"). Zone ids
//    ("fe80::1%eth0") are not accepted.
// Returns nullopt for anything else: empty text, hostnames, MAC addresses
// (Argus writes them for ARP flows), CIDR networks.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// Dotted quad for IPv4; RFC 5952 for IPv6 (lowercase, no leading zeros, the
// longest run of two or more zero groups compressed to '::', and IPv4-mapped
// addresses as "::ffff:a.b.c.d").
std::string FormatIpAddress(const IpAddress& address);

}  // namespace botrecon::core
