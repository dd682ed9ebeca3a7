#include "core/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace botrecon::core {
namespace {

// Longest IPv6 text form: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".
constexpr size_t kMaxIpv6TextLength = 45;

// Hand-written because it runs for every flow row. Accepts exactly
// "d.d.d.d" with each part 1-3 digits, value <= 255, no leading zero.
std::optional<IpAddress> ParseIpv4(std::string_view text) {
  if (text.size() < 7 || text.size() > 15) return std::nullopt;
  IpAddress address;
  address.is_v4 = true;
  address.bytes[10] = 0xff;
  address.bytes[11] = 0xff;
  const char* pos = text.data();
  const char* const end = pos + text.size();
  for (int part_idx = 0; part_idx < 4; ++part_idx) {
    if (part_idx > 0) {
      if (pos == end || *pos != '.') return std::nullopt;
      ++pos;
    }
    const char* const part_begin = pos;
    unsigned value = 0;
    while (pos != end && pos - part_begin < 3) {
      const unsigned digit = static_cast<unsigned char>(*pos) - '0';
      if (digit > 9) break;
      value = value * 10 + digit;
      ++pos;
    }
    const auto num_digits = pos - part_begin;
    if (num_digits == 0 || value > 255) return std::nullopt;
    if (num_digits > 1 && *part_begin == '0') return std::nullopt;
    address.bytes[12 + part_idx] = static_cast<uint8_t>(value);
  }
  if (pos != end) return std::nullopt;
  return address;
}

std::optional<IpAddress> ParseIpv6(std::string_view text) {
  if (text.size() < 2 || text.size() > kMaxIpv6TextLength) return std::nullopt;
  // Only the characters of the IPv6 grammar: this also keeps embedded NULs,
  // whitespace and zone ids away from inet_pton.
  char buffer[kMaxIpv6TextLength + 1];
  for (size_t idx = 0; idx < text.size(); ++idx) {
    const char c = text[idx];
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                    c == ':' || c == '.';
    if (!ok) return std::nullopt;
    buffer[idx] = c;
  }
  buffer[text.size()] = '\0';
  IpAddress address;
  if (inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
  return address;
}

void AppendDecimal(std::string& out, unsigned value) {
  char digits[3];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0) out.push_back(digits[--count]);
}

void AppendDottedQuad(std::string& out, const uint8_t* four_bytes) {
  for (int idx = 0; idx < 4; ++idx) {
    if (idx > 0) out.push_back('.');
    AppendDecimal(out, four_bytes[idx]);
  }
}

void AppendHexGroup(std::string& out, unsigned group) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nibble = (group >> shift) & 0xf;
    if (nibble != 0 || started || shift == 0) {
      out.push_back(kHex[nibble]);
      started = true;
    }
  }
}

bool IsIpv4Mapped(const IpAddress& address) {
  for (int idx = 0; idx < 10; ++idx) {
    if (address.bytes[idx] != 0) return false;
  }
  return address.bytes[10] == 0xff && address.bytes[11] == 0xff;
}

}  // namespace

size_t IpAddressHash::operator()(const IpAddress& address) const noexcept {
  uint64_t high;
  uint64_t low;
  std::memcpy(&high, address.bytes.data(), 8);
  std::memcpy(&low, address.bytes.data() + 8, 8);
  // Mix both halves (splitmix64 finaliser); equal addresses have equal bytes.
  uint64_t hash = high * 0x9e3779b97f4a7c15ULL ^ low;
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return static_cast<size_t>(hash);
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.find(':') == std::string_view::npos) return ParseIpv4(text);
  return ParseIpv6(text);
}

std::string FormatIpAddress(const IpAddress& address) {
  std::string out;
  if (address.is_v4) {
    out.reserve(15);
    AppendDottedQuad(out, address.bytes.data() + 12);
    return out;
  }
  out.reserve(39);
  if (IsIpv4Mapped(address)) {
    out = "::ffff:";
    AppendDottedQuad(out, address.bytes.data() + 12);
    return out;
  }
  unsigned groups[8];
  for (int idx = 0; idx < 8; ++idx) {
    groups[idx] = (unsigned{address.bytes[2 * idx]} << 8) | address.bytes[2 * idx + 1];
  }
  // RFC 5952 4.2: compress the longest run of >= 2 zero groups, the first
  // one on a tie.
  int best_start = -1;
  int best_length = 1;
  for (int idx = 0; idx < 8;) {
    if (groups[idx] != 0) {
      ++idx;
      continue;
    }
    int run_end = idx;
    while (run_end < 8 && groups[run_end] == 0) ++run_end;
    if (run_end - idx > best_length) {
      best_start = idx;
      best_length = run_end - idx;
    }
    idx = run_end;
  }
  for (int idx = 0; idx < 8; ++idx) {
    if (idx == best_start) {
      out += "::";
      idx += best_length - 1;
      continue;
    }
    if (idx > 0 && idx != best_start + best_length) out.push_back(':');
    AppendHexGroup(out, groups[idx]);
  }
  return out;
}

}  // namespace botrecon::core
