#include "core/ip_address.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace botrecon::core {
namespace {

std::string RoundTrip(std::string_view text) {
  const auto address = ParseIpAddress(text);
  return address ? FormatIpAddress(*address) : "<invalid>";
}

TEST(IpAddressParse, ValidIpv4) {
  const auto address = ParseIpAddress("147.32.84.208");
  ASSERT_TRUE(address.has_value());
  EXPECT_TRUE(address->is_v4);
  const std::array<uint8_t, 16> expected{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 147, 32, 84, 208};
  EXPECT_EQ(address->bytes, expected);

  EXPECT_TRUE(ParseIpAddress("0.0.0.0"));
  EXPECT_TRUE(ParseIpAddress("255.255.255.255"));
  EXPECT_TRUE(ParseIpAddress("10.0.0.7"));
  EXPECT_TRUE(ParseIpAddress("1.20.100.199"));
}

TEST(IpAddressParse, InvalidIpv4) {
  for (const char* text :
       {"", "256.1.1.1", "1.2.3.256", "1.2.3.999", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3",
        "1..2.3", "1.2.3.4.", "+1.2.3.4", "1.+2.3.4", "-1.2.3.4", "1.2.3.1000", "1.2.3.0001",
        " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.4/32", "1.2.3.a", "a.b.c.d", "localhost",
        "host.example.com", "0x1.2.3.4", "1.2.3.4%eth0", "1,2,3,4"}) {
    EXPECT_FALSE(ParseIpAddress(text)) << "'" << text << "'";
  }
  // An embedded NUL must not end the text early.
  EXPECT_FALSE(ParseIpAddress(std::string_view("1.2.3.4\0", 8)));
  EXPECT_FALSE(ParseIpAddress(std::string_view("1.2.3\0.4", 8)));
}

// Leading zeros are rejected: inet_aton reads "010" as octal 8, so the text
// is ambiguous (Python's ipaddress rejects it for the same reason).
TEST(IpAddressParse, Ipv4LeadingZerosRejected) {
  EXPECT_FALSE(ParseIpAddress("01.2.3.4"));
  EXPECT_FALSE(ParseIpAddress("1.2.3.04"));
  EXPECT_FALSE(ParseIpAddress("10.00.0.1"));
  EXPECT_FALSE(ParseIpAddress("010.010.010.010"));
  EXPECT_TRUE(ParseIpAddress("10.0.0.1"));
}

TEST(IpAddressParse, ValidIpv6) {
  for (const char* text :
       {"::", "::1", "1::", "2001:db8::1", "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001",
        "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::ffff:1.2.3.4",
        "::1.2.3.4", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"}) {
    const auto address = ParseIpAddress(text);
    ASSERT_TRUE(address.has_value()) << text;
    EXPECT_FALSE(address->is_v4) << text;
  }
  const auto loopback = ParseIpAddress("::1");
  std::array<uint8_t, 16> expected{};
  expected[15] = 1;
  EXPECT_EQ(loopback->bytes, expected);
}

TEST(IpAddressParse, InvalidIpv6) {
  for (const char* text :
       {":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "::1 ",
        " ::1", "fe80::1%eth0", "::1/128", "1:2:3:4:5:6:7:1.2.3.4", "::256.1.1.1", "::1.2.3",
        "[::1]", "1:2:3:4:5:6:7:8::", ":1::", "1::2:", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555"}) {
    EXPECT_FALSE(ParseIpAddress(text)) << "'" << text << "'";
  }
  EXPECT_FALSE(ParseIpAddress(std::string_view("::1\0:2", 6)));
}

// Argus writes MAC addresses in the address columns of ARP flows.
TEST(IpAddressParse, MacAddressesRejected) {
  EXPECT_FALSE(ParseIpAddress("00:1a:2b:3c:4d:5e"));
  EXPECT_FALSE(ParseIpAddress("ff:ff:ff:ff:ff:ff"));
  EXPECT_FALSE(ParseIpAddress("00-1A-2B-3C-4D-5E"));
  EXPECT_FALSE(ParseIpAddress("001a.2b3c.4d5e"));
}

TEST(IpAddressParse, Ipv4AndMappedIpv6ShareBytesButDiffer) {
  const auto v4 = ParseIpAddress("1.2.3.4");
  const auto mapped = ParseIpAddress("::ffff:1.2.3.4");
  ASSERT_TRUE(v4 && mapped);
  EXPECT_EQ(v4->bytes, mapped->bytes);
  EXPECT_TRUE(v4->is_v4);
  EXPECT_FALSE(mapped->is_v4);
  EXPECT_FALSE(*v4 == *mapped);
}

TEST(IpAddressFormat, Ipv4) {
  EXPECT_EQ(RoundTrip("147.32.84.208"), "147.32.84.208");
  EXPECT_EQ(RoundTrip("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(RoundTrip("255.255.255.255"), "255.255.255.255");
  EXPECT_EQ(RoundTrip("10.0.100.7"), "10.0.100.7");
}

TEST(IpAddressFormat, Ipv6Rfc5952) {
  EXPECT_EQ(RoundTrip("::"), "::");
  EXPECT_EQ(RoundTrip("::1"), "::1");
  EXPECT_EQ(RoundTrip("1::"), "1::");
  EXPECT_EQ(RoundTrip("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(RoundTrip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");      // first of equal runs
  EXPECT_EQ(RoundTrip("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");            // longest run
  EXPECT_EQ(RoundTrip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");   // no '::' for one group
  EXPECT_EQ(RoundTrip("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(RoundTrip("fe80::0001:00a0"), "fe80::1:a0");
  EXPECT_EQ(RoundTrip("1:0:0:0:0:0:0:0"), "1::");
  EXPECT_EQ(RoundTrip("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(RoundTrip("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789"),
            "abcd:ef01:2345:6789:abcd:ef01:2345:6789");
  EXPECT_EQ(RoundTrip("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
  EXPECT_EQ(RoundTrip("::ffff:0102:0304"), "::ffff:1.2.3.4");
  EXPECT_EQ(RoundTrip("64:ff9b::192.0.2.33"), "64:ff9b::c000:221");
}

TEST(IpAddressFormat, RoundTripIsStable) {
  for (const char* text : {"10.0.0.7", "::", "::1", "2001:db8::1", "fe80::1:2:3:4",
                           "1:2:3:4:5:6:7:8", "2001:db8::1:0:0:1", "::ffff:10.0.0.1", "ff02::fb"}) {
    EXPECT_EQ(RoundTrip(text), text);
  }
}

TEST(IpAddressHash, EqualAddressesHashEqual) {
  IpAddressHash hash;
  EXPECT_EQ(hash(*ParseIpAddress("2001:db8::1")), hash(*ParseIpAddress("2001:DB8:0::1")));
  std::unordered_set<IpAddress, IpAddressHash> set;
  for (int idx = 0; idx < 256; ++idx) set.insert(*ParseIpAddress("10.0.0." + std::to_string(idx)));
  set.insert(*ParseIpAddress("10.0.0.1"));
  set.insert(*ParseIpAddress("::ffff:10.0.0.1"));  // distinct: written as IPv6
  EXPECT_EQ(set.size(), 257u);
  EXPECT_TRUE(set.contains(*ParseIpAddress("10.0.0.200")));
  EXPECT_FALSE(set.contains(*ParseIpAddress("10.0.1.0")));
}

}  // namespace
}  // namespace botrecon::core
