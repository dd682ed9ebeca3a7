#include "filter/address_filter.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>

#include "core/error.h"

namespace botrecon::filter {
namespace {

// Longest piece of a bad line quoted back in an error message.
constexpr size_t kMaxQuotedLength = 80;

struct Network {
  core::IpAddress address;
  int prefix_length = 0;
};

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::string Quote(std::string_view text) {
  if (text.size() <= kMaxQuotedLength) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMaxQuotedLength)) + "...'";
}

uint32_t V4Value(const core::IpAddress& address) {
  return (uint32_t{address.bytes[12]} << 24) | (uint32_t{address.bytes[13]} << 16) |
         (uint32_t{address.bytes[14]} << 8) | uint32_t{address.bytes[15]};
}

// Prefix length for an IPv4 mask given as a netmask (255.255.0.0) or, as
// Python's ipaddress also accepts, a hostmask (0.0.255.255). Netmask wins
// where both readings fit (0.0.0.0 is /0, 255.255.255.255 is /32).
std::optional<int> PrefixFromMask(uint32_t mask) {
  const uint32_t inverted = ~mask;
  if ((inverted & (inverted + 1)) == 0) return std::popcount(mask);
  if ((mask & (mask + 1)) == 0) return 32 - std::popcount(mask);
  return std::nullopt;
}

// Parses an address or network. On failure returns nullopt and, when the text
// is clearly meant as a network (a valid address before the '/'), sets
// `reason` to what is wrong with it.
std::optional<Network> ParseNetwork(std::string_view text, std::string* reason) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    const auto address = core::ParseIpAddress(text);
    if (!address) return std::nullopt;
    return Network{*address, address->is_v4 ? 32 : 128};
  }
  const auto address = core::ParseIpAddress(text.substr(0, slash));
  if (!address) return std::nullopt;
  const std::string_view suffix = text.substr(slash + 1);
  const int max_prefix = address->is_v4 ? 32 : 128;
  const char* const family = address->is_v4 ? "IPv4" : "IPv6";

  if (suffix.empty()) {
    *reason = "missing prefix length after '/'";
    return std::nullopt;
  }
  const bool all_digits =
      std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (all_digits && suffix.size() <= 3) {
    int prefix = 0;
    for (char c : suffix) prefix = prefix * 10 + (c - '0');
    if (prefix > max_prefix) {
      *reason = "prefix length " + std::string(suffix) + " is out of range 0.." +
                std::to_string(max_prefix) + " for " + family;
      return std::nullopt;
    }
    return Network{*address, prefix};
  }
  const bool looks_like_mask = suffix.find_first_of(".:") != std::string_view::npos;
  if (looks_like_mask && !address->is_v4) {
    *reason = "IPv6 networks take a prefix length (such as /64), not a netmask";
    return std::nullopt;
  }
  const auto mask = core::ParseIpAddress(suffix);
  if (!mask || !mask->is_v4) {
    *reason = Quote(suffix) + " is not a prefix length (0.." + std::to_string(max_prefix) + ")" +
              (address->is_v4 ? " or a netmask" : "");
    return std::nullopt;
  }
  const auto prefix = PrefixFromMask(V4Value(*mask));
  if (!prefix) {
    *reason = "netmask " + std::string(suffix) +
              " is not contiguous (its one bits must come first, as in 255.255.0.0)";
    return std::nullopt;
  }
  return Network{*address, *prefix};
}

std::string InvalidEntryMessage(std::string_view option, std::string_view entry, std::string_view reason) {
  std::string message = "invalid address, network or file for " + std::string(option) + ": " + Quote(entry);
  if (!reason.empty()) message += " (" + std::string(reason) + ")";
  return message;
}

}  // namespace

AddressFilter AddressFilter::FromEntries(const std::vector<std::string>& entries, std::string_view option) {
  namespace fs = std::filesystem;
  AddressFilter result;
  for (const std::string& entry : entries) {
    std::string reason;
    if (const auto network = ParseNetwork(Trim(entry), &reason)) {
      result.AddNetwork(network->address, network->prefix_length);
      continue;
    }

    std::error_code status_error;
    const fs::file_status status = fs::status(entry, status_error);
    if (entry.empty() || status_error || !fs::exists(status)) {
      throw core::UsageError(InvalidEntryMessage(option, entry, reason));
    }
    if (fs::is_directory(status)) {
      throw core::UsageError(InvalidEntryMessage(option, entry, "is a directory"));
    }
    // Not a regular-file check: pipes such as <(grep ... list) are fine.
    std::ifstream file(entry, std::ios::binary);
    if (!file) {
      throw core::UsageError(
          InvalidEntryMessage(option, entry, std::string("cannot read file: ") + std::strerror(errno)));
    }
    const std::string content((std::istreambuf_iterator<char>(file)),
                              std::istreambuf_iterator<char>());
    if (file.bad()) {
      throw core::UsageError(InvalidEntryMessage(option, entry, "error while reading file"));
    }

    size_t file_entries = 0;
    size_t line_number = 0;
    std::string_view rest = content;
    while (!rest.empty()) {
      ++line_number;
      const size_t newline = rest.find('\n');
      std::string_view line = rest.substr(0, newline);
      rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
      if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
      line = Trim(line.substr(0, line.find('#')));
      if (line.empty()) continue;

      std::string line_reason;
      const auto network = ParseNetwork(line, &line_reason);
      if (!network) {
        std::error_code exists_error;
        if (line_reason.empty() && fs::exists(fs::path(line), exists_error)) {
          line_reason = "paths inside --ip files are not followed";
        }
        std::string message = entry + ":" + std::to_string(line_number) +
                              ": invalid address or network in --ip file: " + Quote(line);
        if (!line_reason.empty()) message += " (" + line_reason + ")";
        throw core::UsageError(message);
      }
      result.AddNetwork(network->address, network->prefix_length);
      ++file_entries;
    }
    if (file_entries == 0) {
      throw core::UsageError("--ip file " + Quote(entry) + " contains no addresses or networks");
    }
  }
  result.Normalise();
  return result;
}

AddressFilter::Key128 AddressFilter::V6Key(const core::IpAddress& address) {
  Key128 key;
  for (int idx = 0; idx < 8; ++idx) {
    key.high = (key.high << 8) | address.bytes[idx];
    key.low = (key.low << 8) | address.bytes[8 + idx];
  }
  return key;
}

void AddressFilter::AddNetwork(const core::IpAddress& address, int prefix_length) {
  ++num_entries_;
  if (address.is_v4) {
    const uint32_t mask = prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
    const uint32_t lo = V4Value(address) & mask;
    v4_.push_back({lo, lo | ~mask});
    return;
  }
  const Key128 key = V6Key(address);
  // Masks of the high and low halves for this prefix length.
  const auto half_mask = [](int bits) -> uint64_t {
    if (bits <= 0) return 0;
    if (bits >= 64) return ~uint64_t{0};
    return ~uint64_t{0} << (64 - bits);
  };
  const uint64_t mask_high = half_mask(prefix_length);
  const uint64_t mask_low = half_mask(prefix_length - 64);
  const Key128 lo{key.high & mask_high, key.low & mask_low};
  const Key128 hi{lo.high | ~mask_high, lo.low | ~mask_low};
  v6_.push_back({lo, hi});
}

namespace {

// Sorts intervals and merges overlapping or adjacent ones, in place.
template <typename Interval, typename Key>
void MergeIntervals(std::vector<Interval>& intervals, Key (*next)(const Key&), const Key& max_key) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
  size_t out_idx = 0;
  for (size_t idx = 0; idx < intervals.size(); ++idx) {
    if (out_idx > 0) {
      Interval& last = intervals[out_idx - 1];
      if (last.hi == max_key || intervals[idx].lo <= next(last.hi)) {
        last.hi = std::max(last.hi, intervals[idx].hi);
        continue;
      }
    }
    intervals[out_idx++] = intervals[idx];
  }
  intervals.resize(out_idx);
}

}  // namespace

void AddressFilter::Normalise() {
  MergeIntervals<V4Interval, uint32_t>(
      v4_, [](const uint32_t& key) -> uint32_t { return key + 1; }, ~uint32_t{0});
  MergeIntervals<V6Interval, Key128>(
      v6_,
      [](const Key128& key) -> Key128 {
        return key.low == ~uint64_t{0} ? Key128{key.high + 1, 0} : Key128{key.high, key.low + 1};
      },
      Key128{~uint64_t{0}, ~uint64_t{0}});
}

bool AddressFilter::Matches(const core::IpAddress& address) const {
  if (address.is_v4) {
    const uint32_t key = V4Value(address);
    auto it = std::upper_bound(v4_.begin(), v4_.end(), key,
                               [](uint32_t value, const V4Interval& iv) { return value < iv.lo; });
    return it != v4_.begin() && key <= std::prev(it)->hi;
  }
  const Key128 key = V6Key(address);
  auto it = std::upper_bound(v6_.begin(), v6_.end(), key,
                             [](const Key128& value, const V6Interval& iv) { return value < iv.lo; });
  return it != v6_.begin() && key <= std::prev(it)->hi;
}

}  // namespace botrecon::filter
