#include "filter/address_filter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ip_address.h"

namespace botrecon::filter {
namespace {

// The 20 source addresses of the original tool's tests/filter.csv.
const std::vector<std::string> kFilterCsvHosts = {
    "147.32.84.208", "147.32.84.209", "147.32.84.210", "147.32.84.211", "147.32.85.208",
    "147.32.85.209", "147.32.85.210", "147.32.85.211", "142.15.85.208", "142.15.85.209",
    "142.15.85.210", "142.15.85.211", "142.16.17.15",  "142.16.17.20",  "142.16.17.25",
    "142.16.17.30",  "10.0.0.7",      "10.0.1.7",      "10.1.0.7",      "10.1.1.7",
};

core::IpAddress Ip(std::string_view text) {
  const auto address = core::ParseIpAddress(text);
  if (!address) ADD_FAILURE() << "bad test address " << text;
  return address.value_or(core::IpAddress{});
}

bool Matches(const AddressFilter& filter, std::string_view text) { return filter.Matches(Ip(text)); }

std::vector<std::string> Selected(const AddressFilter& filter) {
  std::vector<std::string> selected;
  for (const std::string& host : kFilterCsvHosts) {
    if (Matches(filter, host)) selected.push_back(host);
  }
  return selected;
}

// Writes `content` to a fresh file under the test temp dir; returns its path.
std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = testing::TempDir() + "botrecon_address_filter_" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  EXPECT_TRUE(out) << "cannot write " << path;
  return path;
}

// The UsageError message FromEntries throws, or "<no error>".
std::string UsageErrorOf(const std::vector<std::string>& entries) {
  try {
    AddressFilter::FromEntries(entries);
  } catch (const core::UsageError& error) {
    EXPECT_EQ(error.exit_code(), 2);
    return error.what();
  }
  return "<no error>";
}

TEST(AddressFilter, NoEntriesIsEmptyAndMatchesNothing) {
  const AddressFilter filter = AddressFilter::FromEntries({});
  EXPECT_TRUE(filter.empty());
  EXPECT_EQ(filter.num_entries(), 0u);
  EXPECT_FALSE(Matches(filter, "10.0.0.7"));
  EXPECT_FALSE(Matches(filter, "::1"));
  EXPECT_FALSE(Matches(AddressFilter(), "10.0.0.7"));
}

TEST(AddressFilter, SingleAddresses) {
  const AddressFilter filter = AddressFilter::FromEntries({"10.0.0.7", "2001:db8::1"});
  EXPECT_FALSE(filter.empty());
  EXPECT_EQ(filter.num_entries(), 2u);
  EXPECT_EQ(Selected(filter), std::vector<std::string>{"10.0.0.7"});
  EXPECT_TRUE(Matches(filter, "2001:db8::1"));
  EXPECT_TRUE(Matches(filter, "2001:0DB8:0:0::0001"));
  EXPECT_FALSE(Matches(filter, "2001:db8::2"));
  EXPECT_FALSE(Matches(filter, "10.0.0.8"));
  EXPECT_FALSE(Matches(filter, "10.0.0.6"));
}

TEST(AddressFilter, SurroundingWhitespaceOfEntryIgnored) {
  const AddressFilter filter = AddressFilter::FromEntries({" 10.0.0.7\t", "  10.1.0.0/16 "});
  EXPECT_EQ(Selected(filter), (std::vector<std::string>{"10.0.0.7", "10.1.0.7", "10.1.1.7"}));
}

TEST(AddressFilter, FilterCsvSlash24) {
  const AddressFilter filter = AddressFilter::FromEntries({"147.32.84.0/24"});
  EXPECT_EQ(Selected(filter), (std::vector<std::string>{"147.32.84.208", "147.32.84.209",
                                                        "147.32.84.210", "147.32.84.211"}));
}

TEST(AddressFilter, FilterCsvNetmask) {
  const AddressFilter filter = AddressFilter::FromEntries({"147.32.0.0/255.255.0.0"});
  EXPECT_EQ(Selected(filter),
            (std::vector<std::string>{"147.32.84.208", "147.32.84.209", "147.32.84.210",
                                      "147.32.84.211", "147.32.85.208", "147.32.85.209",
                                      "147.32.85.210", "147.32.85.211"}));
  // The same network written as CIDR selects the same hosts.
  EXPECT_EQ(Selected(filter), Selected(AddressFilter::FromEntries({"147.32.0.0/16"})));
  const AddressFilter slash24 = AddressFilter::FromEntries({"142.15.85.0/255.255.255.0"});
  EXPECT_EQ(Selected(slash24), (std::vector<std::string>{"142.15.85.208", "142.15.85.209",
                                                         "142.15.85.210", "142.15.85.211"}));
}

TEST(AddressFilter, FilterCsvSlash8) {
  const AddressFilter filter = AddressFilter::FromEntries({"10.0.0.0/8"});
  EXPECT_EQ(Selected(filter),
            (std::vector<std::string>{"10.0.0.7", "10.0.1.7", "10.1.0.7", "10.1.1.7"}));
  const AddressFilter slash16 = AddressFilter::FromEntries({"10.0.0.0/16"});
  EXPECT_EQ(Selected(slash16), (std::vector<std::string>{"10.0.0.7", "10.0.1.7"}));
}

TEST(AddressFilter, FilterCsvMixedList) {
  const AddressFilter filter = AddressFilter::FromEntries(
      {"147.32.85.210/31", "142.16.17.15", "142.16.17.25/32", "10.1.0.0/255.255.0.0",
       "2001:db8::/32", "142.15.85.208/30"});
  EXPECT_EQ(filter.num_entries(), 6u);
  EXPECT_EQ(Selected(filter),
            (std::vector<std::string>{"147.32.85.210", "147.32.85.211", "142.15.85.208",
                                      "142.15.85.209", "142.15.85.210", "142.15.85.211",
                                      "142.16.17.15", "142.16.17.25", "10.1.0.7", "10.1.1.7"}));
}

TEST(AddressFilter, Ipv4PrefixEdges) {
  const AddressFilter all = AddressFilter::FromEntries({"0.0.0.0/0"});
  EXPECT_EQ(Selected(all), kFilterCsvHosts);
  EXPECT_TRUE(Matches(all, "0.0.0.0"));
  EXPECT_TRUE(Matches(all, "255.255.255.255"));
  EXPECT_FALSE(Matches(all, "::1"));  // families never mix
  EXPECT_FALSE(Matches(all, "::ffff:1.2.3.4"));

  const AddressFilter host = AddressFilter::FromEntries({"142.16.17.20/32"});
  EXPECT_EQ(Selected(host), std::vector<std::string>{"142.16.17.20"});

  const AddressFilter top = AddressFilter::FromEntries({"255.255.255.255/32"});
  EXPECT_TRUE(Matches(top, "255.255.255.255"));
  EXPECT_FALSE(Matches(top, "255.255.255.254"));
  const AddressFilter bottom = AddressFilter::FromEntries({"0.0.0.0/32"});
  EXPECT_TRUE(Matches(bottom, "0.0.0.0"));
  EXPECT_FALSE(Matches(bottom, "0.0.0.1"));

  const AddressFilter slash1 = AddressFilter::FromEntries({"128.0.0.0/1"});
  EXPECT_TRUE(Matches(slash1, "128.0.0.0"));
  EXPECT_TRUE(Matches(slash1, "255.255.255.255"));
  EXPECT_FALSE(Matches(slash1, "127.255.255.255"));
}

TEST(AddressFilter, HostBitsAreMasked) {
  const AddressFilter filter = AddressFilter::FromEntries({"147.32.84.209/24"});
  EXPECT_EQ(Selected(filter), Selected(AddressFilter::FromEntries({"147.32.84.0/24"})));
  EXPECT_TRUE(Matches(filter, "147.32.84.0"));
  EXPECT_TRUE(Matches(filter, "147.32.84.255"));
  const AddressFilter v6 = AddressFilter::FromEntries({"2001:db8::1/64"});
  EXPECT_TRUE(Matches(v6, "2001:db8::"));
  EXPECT_TRUE(Matches(v6, "2001:db8::ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(Matches(v6, "2001:db8:0:1::"));
}

TEST(AddressFilter, NetmaskForms) {
  EXPECT_EQ(Selected(AddressFilter::FromEntries({"10.0.0.0/255.0.0.0"})),
            Selected(AddressFilter::FromEntries({"10.0.0.0/8"})));
  // 0.0.0.0 and 255.255.255.255 read as netmasks (/0 and /32).
  EXPECT_EQ(Selected(AddressFilter::FromEntries({"10.0.0.0/0.0.0.0"})), kFilterCsvHosts);
  EXPECT_EQ(Selected(AddressFilter::FromEntries({"10.0.0.7/255.255.255.255"})),
            std::vector<std::string>{"10.0.0.7"});
  // A Cisco-style hostmask is accepted too, as in Python's ipaddress.
  EXPECT_EQ(Selected(AddressFilter::FromEntries({"10.0.0.0/0.0.255.255"})),
            (std::vector<std::string>{"10.0.0.7", "10.0.1.7"}));
  const AddressFilter odd = AddressFilter::FromEntries({"192.168.0.0/255.255.254.0"});
  EXPECT_TRUE(Matches(odd, "192.168.1.255"));
  EXPECT_FALSE(Matches(odd, "192.168.2.0"));
}

TEST(AddressFilter, NonContiguousNetmaskIsError) {
  EXPECT_EQ(UsageErrorOf({"10.0.0.0/255.0.255.0"}),
            "invalid address, network or file for --ip: '10.0.0.0/255.0.255.0' (netmask "
            "255.0.255.0 is not contiguous (its one bits must come first, as in 255.255.0.0))");
}

TEST(AddressFilter, BadPrefixIsError) {
  EXPECT_EQ(UsageErrorOf({"10.0.0.0/33"}),
            "invalid address, network or file for --ip: '10.0.0.0/33' (prefix length 33 is out "
            "of range 0..32 for IPv4)");
  EXPECT_EQ(UsageErrorOf({"2001:db8::/129"}),
            "invalid address, network or file for --ip: '2001:db8::/129' (prefix length 129 is "
            "out of range 0..128 for IPv6)");
  EXPECT_EQ(UsageErrorOf({"10.0.0.0/"}),
            "invalid address, network or file for --ip: '10.0.0.0/' (missing prefix length "
            "after '/')");
  EXPECT_EQ(UsageErrorOf({"10.0.0.0/-8"}),
            "invalid address, network or file for --ip: '10.0.0.0/-8' ('-8' is not a prefix "
            "length (0..32) or a netmask)");
  EXPECT_EQ(UsageErrorOf({"2001:db8::/ffff:ffff::"}),
            "invalid address, network or file for --ip: '2001:db8::/ffff:ffff::' (IPv6 networks "
            "take a prefix length (such as /64), not a netmask)");
  EXPECT_EQ(UsageErrorOf({"10.0.0.0/8/8"}),
            "invalid address, network or file for --ip: '10.0.0.0/8/8' ('8/8' is not a prefix "
            "length (0..32) or a netmask)");
}

TEST(AddressFilter, GarbageEntryIsError) {
  EXPECT_EQ(UsageErrorOf({"256.1.1.1"}), "invalid address, network or file for --ip: '256.1.1.1'");
  EXPECT_EQ(UsageErrorOf({"00:1a:2b:3c:4d:5e"}),
            "invalid address, network or file for --ip: '00:1a:2b:3c:4d:5e'");
  EXPECT_EQ(UsageErrorOf({""}), "invalid address, network or file for --ip: ''");
  EXPECT_EQ(UsageErrorOf({"10.0.0.7", "bogus"}),
            "invalid address, network or file for --ip: 'bogus'");
}

TEST(AddressFilter, MissingFileIsError) {
  const std::string path = testing::TempDir() + "botrecon_address_filter_no_such_file.txt";
  EXPECT_EQ(UsageErrorOf({path}), "invalid address, network or file for --ip: '" + path + "'");
}

TEST(AddressFilter, DirectoryIsError) {
  const std::string dir = testing::TempDir() + "botrecon_address_filter_dir";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(UsageErrorOf({dir}),
            "invalid address, network or file for --ip: '" + dir + "' (is a directory)");
}

TEST(AddressFilter, Ipv6Networks) {
  const AddressFilter filter = AddressFilter::FromEntries({"2001:db8::/32"});
  EXPECT_TRUE(Matches(filter, "2001:db8::"));
  EXPECT_TRUE(Matches(filter, "2001:db8::1"));
  EXPECT_TRUE(Matches(filter, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(Matches(filter, "2001:db9::"));
  EXPECT_FALSE(Matches(filter, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(Selected(filter), std::vector<std::string>{});

  // Prefixes that end in the low 64 bits.
  const AddressFilter slash96 = AddressFilter::FromEntries({"2001:db8:1:2:3:4::/96"});
  EXPECT_TRUE(Matches(slash96, "2001:db8:1:2:3:4:ffff:ffff"));
  EXPECT_FALSE(Matches(slash96, "2001:db8:1:2:3:5::"));
  const AddressFilter slash65 = AddressFilter::FromEntries({"2001:db8::8000:0:0:0/65"});
  EXPECT_TRUE(Matches(slash65, "2001:db8::ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(Matches(slash65, "2001:db8::7fff:ffff:ffff:ffff"));
}

TEST(AddressFilter, Ipv6PrefixEdges) {
  const AddressFilter all = AddressFilter::FromEntries({"::/0"});
  EXPECT_TRUE(Matches(all, "::"));
  EXPECT_TRUE(Matches(all, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(Matches(all, "::ffff:10.0.0.7"));
  EXPECT_EQ(Selected(all), std::vector<std::string>{});  // families never mix

  const AddressFilter host = AddressFilter::FromEntries({"fe80::1/128"});
  EXPECT_TRUE(Matches(host, "fe80::1"));
  EXPECT_FALSE(Matches(host, "fe80::"));
  EXPECT_FALSE(Matches(host, "fe80::2"));
  const AddressFilter top = AddressFilter::FromEntries({"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"});
  EXPECT_TRUE(Matches(top, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(Matches(top, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
  const AddressFilter pair = AddressFilter::FromEntries({"::ffff:ffff:ffff:ffff/127"});
  EXPECT_TRUE(Matches(pair, "::ffff:ffff:ffff:fffe"));
  EXPECT_TRUE(Matches(pair, "::ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(Matches(pair, "::1:0:0:0:0"));
}

// Documented choice: an IPv4-mapped IPv6 network matches only addresses
// written as IPv6, never plain IPv4 ones (as in Python's ipaddress).
TEST(AddressFilter, Ipv4MappedNetworkMatchesOnlyIpv6) {
  const AddressFilter filter = AddressFilter::FromEntries({"::ffff:0:0/96"});
  EXPECT_TRUE(Matches(filter, "::ffff:10.0.0.7"));
  EXPECT_FALSE(Matches(filter, "10.0.0.7"));
  const AddressFilter v4 = AddressFilter::FromEntries({"10.0.0.7"});
  EXPECT_FALSE(Matches(v4, "::ffff:10.0.0.7"));
}

TEST(AddressFilter, OverlappingAndAdjacentEntriesMerge) {
  const AddressFilter filter = AddressFilter::FromEntries(
      {"10.0.0.0/25", "10.0.0.128/25", "10.0.0.0/24", "10.0.0.7", "10.0.2.0/24", "0.0.0.0/32",
       "255.255.255.255", "255.255.255.0/24", "::/128", "::1", "::2/127", "ffff::/16"});
  EXPECT_EQ(filter.num_entries(), 12u);
  EXPECT_TRUE(Matches(filter, "10.0.0.0"));
  EXPECT_TRUE(Matches(filter, "10.0.0.255"));
  EXPECT_FALSE(Matches(filter, "10.0.1.0"));
  EXPECT_TRUE(Matches(filter, "10.0.2.0"));
  EXPECT_TRUE(Matches(filter, "0.0.0.0"));
  EXPECT_FALSE(Matches(filter, "0.0.0.1"));
  EXPECT_TRUE(Matches(filter, "255.255.255.255"));
  EXPECT_FALSE(Matches(filter, "255.255.254.255"));
  for (const char* v6 : {"::", "::1", "::2", "::3", "ffff::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
    EXPECT_TRUE(Matches(filter, v6)) << v6;
  }
  EXPECT_FALSE(Matches(filter, "::4"));
  EXPECT_FALSE(Matches(filter, "fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
}

// Many random networks: the interval search agrees with a plain scan.
TEST(AddressFilter, ManyEntriesAgreeWithLinearScan) {
  std::mt19937_64 rng(12345);
  struct Net {
    core::IpAddress address;
    int prefix;
  };
  std::vector<Net> nets;
  std::vector<std::string> entries;
  for (int idx = 0; idx < 3000; ++idx) {
    core::IpAddress address;
    const bool v4 = idx % 2 == 0;
    address.is_v4 = v4;
    // Few distinct leading bytes so that networks overlap and nest.
    if (v4) {
      address.bytes[10] = address.bytes[11] = 0xff;
      address.bytes[12] = static_cast<uint8_t>(10 + rng() % 3);
      for (int b = 13; b < 16; ++b) address.bytes[b] = static_cast<uint8_t>(rng());
    } else {
      address.bytes[0] = 0x20;
      address.bytes[1] = static_cast<uint8_t>(rng() % 3);
      for (int b = 2; b < 16; ++b) address.bytes[b] = static_cast<uint8_t>(rng() % 4 == 0 ? 0 : rng());
    }
    const int max_prefix = v4 ? 32 : 128;
    const int prefix = max_prefix - static_cast<int>(rng() % (v4 ? 24 : 120));
    nets.push_back({address, prefix});
    entries.push_back(core::FormatIpAddress(address) + "/" + std::to_string(prefix));
  }
  const AddressFilter filter = AddressFilter::FromEntries(entries);
  EXPECT_EQ(filter.num_entries(), entries.size());

  const auto in_net = [](const core::IpAddress& address, const Net& net) {
    if (address.is_v4 != net.address.is_v4) return false;
    const int offset = address.is_v4 ? 96 : 0;
    for (int bit = 0; bit < net.prefix; ++bit) {
      const int pos = offset + bit;
      const int a = (address.bytes[pos / 8] >> (7 - pos % 8)) & 1;
      const int b = (net.address.bytes[pos / 8] >> (7 - pos % 8)) & 1;
      if (a != b) return false;
    }
    return true;
  };
  int matched = 0;
  for (int idx = 0; idx < 20000; ++idx) {
    // Half the probes are near a network's address, half anywhere nearby.
    core::IpAddress probe = nets[rng() % nets.size()].address;
    const int flip_from = probe.is_v4 ? 12 + static_cast<int>(rng() % 4) : static_cast<int>(rng() % 16);
    for (int b = flip_from; b < 16; ++b) {
      if (rng() % 2) probe.bytes[b] = static_cast<uint8_t>(rng());
    }
    bool expected = false;
    for (const Net& net : nets) expected = expected || in_net(probe, net);
    ASSERT_EQ(filter.Matches(probe), expected) << core::FormatIpAddress(probe);
    matched += expected;
  }
  EXPECT_GT(matched, 1000);
  EXPECT_LT(matched, 19000);
}

TEST(AddressFilter, FileWithCommentsBlankLinesAndTrailingNewline) {
  const std::string path = WriteFile("comments.txt",
                                     "# hosts to check\n"
                                     "\n"
                                     "147.32.84.0/24   # CTU lab\n"
                                     "   10.0.0.7\t\n"
                                     "\t\n"
                                     "  # indented comment\n"
                                     "10.1.0.0/255.255.0.0#no space before comment\n"
                                     "2001:db8::/32\n");
  const AddressFilter filter = AddressFilter::FromEntries({path});
  EXPECT_EQ(filter.num_entries(), 4u);
  EXPECT_EQ(Selected(filter),
            (std::vector<std::string>{"147.32.84.208", "147.32.84.209", "147.32.84.210",
                                      "147.32.84.211", "10.0.0.7", "10.1.0.7", "10.1.1.7"}));
  EXPECT_TRUE(Matches(filter, "2001:db8::5"));
}

TEST(AddressFilter, FileWithoutTrailingNewline) {
  const std::string path = WriteFile("no_newline.txt", "10.0.0.7\n142.16.17.30");
  EXPECT_EQ(Selected(AddressFilter::FromEntries({path})),
            (std::vector<std::string>{"142.16.17.30", "10.0.0.7"}));
}

TEST(AddressFilter, FileWithCrlfAndBom) {
  const std::string path =
      WriteFile("crlf.txt", "\xEF\xBB\xBF# exported on Windows\r\n142.16.17.15\r\n\r\n142.16.17.20 # x\r\n");
  EXPECT_EQ(Selected(AddressFilter::FromEntries({path})),
            (std::vector<std::string>{"142.16.17.15", "142.16.17.20"}));
}

TEST(AddressFilter, TwoFilesAndLiterals) {
  const std::string first = WriteFile("first.txt", "147.32.85.208/30\n");
  const std::string second = WriteFile("second.txt", "142.15.85.210\n142.15.85.211\n");
  const AddressFilter filter = AddressFilter::FromEntries({first, "10.0.1.7", second});
  EXPECT_EQ(filter.num_entries(), 4u);
  EXPECT_EQ(Selected(filter),
            (std::vector<std::string>{"147.32.85.208", "147.32.85.209", "147.32.85.210",
                                      "147.32.85.211", "142.15.85.210", "142.15.85.211",
                                      "10.0.1.7"}));
}

TEST(AddressFilter, BadLineInFileNamesFileAndLine) {
  const std::string path = WriteFile("bad_line.txt", "# list\n10.0.0.7\n\nnot-an-address  # oops\n");
  EXPECT_EQ(UsageErrorOf({path}),
            path + ":4: invalid address or network in --ip file: 'not-an-address'");
  const std::string mask = WriteFile("bad_mask.txt", "10.0.0.7\r\n10.0.0.0/255.0.255.0\r\n");
  EXPECT_EQ(UsageErrorOf({mask}),
            mask + ":2: invalid address or network in --ip file: '10.0.0.0/255.0.255.0' (netmask "
                   "255.0.255.0 is not contiguous (its one bits must come first, as in "
                   "255.255.0.0))");
}

TEST(AddressFilter, LongBadLineIsShortened) {
  const std::string header(200, 'x');
  const std::string path = WriteFile("long_line.txt", header + "\n");
  EXPECT_EQ(UsageErrorOf({path}), path + ":1: invalid address or network in --ip file: '" +
                                      std::string(80, 'x') + "...'");
}

TEST(AddressFilter, NestedFilesAreNotFollowed) {
  const std::string inner = WriteFile("inner.txt", "10.0.0.7\n");
  const std::string outer = WriteFile("outer.txt", inner + "\n");
  EXPECT_EQ(UsageErrorOf({outer}), outer + ":1: invalid address or network in --ip file: '" +
                                       inner + "' (paths inside --ip files are not followed)");
}

TEST(AddressFilter, EmptyFileIsError) {
  const std::string empty = WriteFile("empty.txt", "");
  EXPECT_EQ(UsageErrorOf({empty}), "--ip file '" + empty + "' contains no addresses or networks");
  const std::string comments = WriteFile("only_comments.txt", "# nothing here\n\n   \n");
  EXPECT_EQ(UsageErrorOf({comments}),
            "--ip file '" + comments + "' contains no addresses or networks");
}

}  // namespace
}  // namespace botrecon::filter
