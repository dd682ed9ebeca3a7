// The -r/--range/--ip host filter: addresses, networks and files of them.
#pragma once
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace botrecon::filter {

// A set of IPv4 and IPv6 addresses and networks, normalised to sorted, merged
// intervals so that a lookup is a binary search however many entries there are.
//
// Families never mix: IPv4 entries match only addresses written as IPv4, and
// IPv6 entries (including the IPv4-mapped network ::ffff:0:0/96) match only
// addresses written as IPv6. This is what Python's ipaddress, used by the
// original tool, does.
class AddressFilter {
 public:
  // An empty filter: matches nothing (callers test empty() to skip filtering).
  AddressFilter() = default;

  // Builds the filter from the values of the repeated --ip option. Each entry
  // is, in this order of precedence:
  //  - an address: "10.0.0.7", "2001:db8::1";
  //  - a network in CIDR form: "10.0.0.0/8", "2001:db8::/32";
  //  - an IPv4 network with a netmask, "10.0.0.0/255.0.0.0", or a Cisco-style
  //    hostmask, "10.0.0.0/0.255.255.255" (as Python's ipaddress accepts);
  //    masks that are neither (255.0.255.0) are rejected;
  //  - a path to a readable file with one address or network per line. Blank
  //    lines, surrounding whitespace, CRLF line ends, a UTF-8 BOM and '#'
  //    comments (whole-line and trailing) are allowed; paths inside the file
  //    are not followed. A file with no entries is an error.
  // Surrounding whitespace of an entry is ignored. Host bits set in a
  // network ("10.0.0.1/24") are cleared rather than rejected.
  // Throws core::UsageError naming the entry (and file:line for a bad line)
  // and `option`, the option the entries came from.
  static AddressFilter FromEntries(const std::vector<std::string>& entries, std::string_view option = "--ip");

  // True if `address` lies in any entry of its own family.
  bool Matches(const core::IpAddress& address) const;

  // Number of addresses and networks given (from arguments and files),
  // before merging overlaps.
  size_t num_entries() const { return num_entries_; }

  // True if no entries were given.
  bool empty() const { return num_entries_ == 0; }

 private:
  // A 128-bit key, compared as an unsigned number.
  struct Key128 {
    uint64_t high = 0;
    uint64_t low = 0;
    auto operator<=>(const Key128&) const = default;
  };
  struct V4Interval {
    uint32_t lo = 0;
    uint32_t hi = 0;
  };
  struct V6Interval {
    Key128 lo;
    Key128 hi;
  };

  static Key128 V6Key(const core::IpAddress& address);
  void AddNetwork(const core::IpAddress& address, int prefix_length);
  void Normalise();

  std::vector<V4Interval> v4_;  // sorted by lo, disjoint, non-adjacent
  std::vector<V6Interval> v6_;  // sorted by lo, disjoint, non-adjacent
  size_t num_entries_ = 0;
};

}  // namespace botrecon::filter
