#include "features/extract.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "core/error.h"

namespace botrecon::features {
namespace {

TEST(ParsePort, AcceptsDecimalFloatAndHex) {
  double v;
  ASSERT_TRUE(ParsePort("80", v));
  EXPECT_EQ(v, 80);
  ASSERT_TRUE(ParsePort("80.0", v));
  EXPECT_EQ(v, 80);
  ASSERT_TRUE(ParsePort("0x0050", v));
  EXPECT_EQ(v, 80);
  ASSERT_TRUE(ParsePort("0x2020597d", v));  // an esp SPI, as Argus writes it
  EXPECT_EQ(v, 0x2020597d);
  ASSERT_TRUE(ParsePort(" 65535 ", v));
  EXPECT_EQ(v, 65535);
  ASSERT_TRUE(ParsePort("", v));
  EXPECT_EQ(v, kMissing);
  ASSERT_TRUE(ParsePort("nan", v));
  EXPECT_EQ(v, kMissing);
}

TEST(ParsePort, RejectsOthers) {
  double v;
  for (const char* bad : {"65536", "-1", "80.5", "http", "0x", "0x100000000", "1e9", "8 0"}) {
    EXPECT_FALSE(ParsePort(bad, v)) << bad;
  }
}

TEST(ParseNonNegative, Numbers) {
  double v;
  ASSERT_TRUE(ParseNonNegative("0.055283000000000006", v));
  EXPECT_DOUBLE_EQ(v, 0.055283000000000006);
  ASSERT_TRUE(ParseNonNegative("1e3", v));
  EXPECT_EQ(v, 1000);
  EXPECT_FALSE(ParseNonNegative("-0.5", v));
  EXPECT_FALSE(ParseNonNegative("abc", v));
  EXPECT_FALSE(ParseNonNegative("inf", v));
}

TEST(BitsPerSecond, ZeroDurationIsZero) {
  EXPECT_EQ(BitsPerSecond(100, 0), 0);
  EXPECT_EQ(BitsPerSecond(100, kMissing), 0);
  EXPECT_EQ(BitsPerSecond(kMissing, 2), 0);
  EXPECT_DOUBLE_EQ(BitsPerSecond(100, 2), 400);
}

core::ColumnBatch MakeBatch(std::vector<std::vector<std::string_view>> rows) {
  core::ColumnBatch b;
  b.Reset(8);
  for (auto& row : rows) {
    for (int c = 0; c < 8; ++c) b.columns[c].strings.push_back(row[c]);
    b.lines.push_back(b.num_rows + 2);
    ++b.num_rows;
  }
  return b;
}

ColumnResolution Resolution() {
  ColumnResolution r;
  for (int f = 0; f < 8; ++f) {
    r.column_index[f] = f;
    r.names[f] = ColumnAliases()[f].front();
  }
  return r;
}

TEST(FeatureExtractor, DerivesFeatures) {
  auto batch = MakeBatch({{" 1.2.3.4", "TCP", "0x0050", "1025.0", "S_RA", "2", "100", "60"},
                          {"5.6.7.8", "udp", "", "53", "CON", "", "80", ""}});
  FeatureExtractor ex(Resolution(), "f.csv", false);
  FlowBatch out;
  uint64_t skipped = 0;
  std::string reason;
  ex.Extract(batch, out, skipped, reason);
  ASSERT_EQ(out.num_rows, 2u);
  EXPECT_EQ(out.srcaddr[0], "1.2.3.4");
  EXPECT_EQ(out.proto[0], "tcp");
  EXPECT_EQ(out.dport[0], 80);
  EXPECT_EQ(out.sport[0], 1025);
  EXPECT_EQ(out.state[0], "S_RA");
  EXPECT_EQ(out.bps[0], 400);
  EXPECT_EQ(out.dport[1], kMissing);
  EXPECT_EQ(out.dur[1], kMissing);
  EXPECT_EQ(out.bps[1], 0);
  EXPECT_EQ(out.srcbytes[1], kMissing);
}

TEST(FeatureExtractor, BadValueNamesFileLineColumnAndValue) {
  auto batch = MakeBatch({{"1.2.3.4", "tcp", "80", "1025", "S_", "1", "100", "60"},
                          {"1.2.3.4", "tcp", "80/tcp", "1025", "S_", "1", "100", "60"}});
  FeatureExtractor ex(Resolution(), "f.csv", false);
  FlowBatch out;
  uint64_t skipped = 0;
  std::string reason;
  try {
    ex.Extract(batch, out, skipped, reason);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "f.csv:3: column 'dport' (field 3): invalid value '80/tcp'; expected a port number 0-65535 "
                 "(80, 80.0 or hex 0x0050) (use --skip-bad-rows to skip such rows)");
  }
}

TEST(FeatureExtractor, ServiceNamePortsSayHowToExportNumbers) {
  auto batch = MakeBatch({{"1.2.3.4", "tcp", "80", "1025", "S_", "1", "100", "60"},
                          {"1.2.3.4", "udp", "domain", "1025", "CON", "1", "100", "60"}});
  FeatureExtractor ex(Resolution(), "f.csv", false);
  FlowBatch out;
  uint64_t skipped = 0;
  std::string reason;
  try {
    ex.Extract(batch, out, skipped, reason);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "f.csv:3: column 'dport' (field 3): port 'domain' is a service name, not a number; export the "
                 "flows with numeric ports (ra -n)");
  }
  FeatureExtractor skipping(Resolution(), "f.csv", true);
  skipping.Extract(batch, out, skipped, reason);
  EXPECT_EQ(skipped, 1u);
  EXPECT_NE(reason.find("port 'domain' is a service name"), std::string::npos) << reason;
  EXPECT_TRUE(IsServiceName("netbios-ns"));
  EXPECT_TRUE(IsServiceName("http"));
  EXPECT_FALSE(IsServiceName("80x"));
  EXPECT_FALSE(IsServiceName("-1"));
  EXPECT_FALSE(IsServiceName("nan"));
}

TEST(ParseTimestamp, UtcOffsets) {
  const double utc = ParseTimestamp("2021-06-06T13:59:46.5Z");
  EXPECT_DOUBLE_EQ(ParseTimestamp("2021-06-06T15:59:46.5+0200"), utc);
  EXPECT_DOUBLE_EQ(ParseTimestamp("2021-06-06T15:59:46.5+02:00"), utc);
  EXPECT_DOUBLE_EQ(ParseTimestamp("2021-06-06T10:59:46.5-03"), utc);
  EXPECT_DOUBLE_EQ(ParseTimestamp("2021-06-06 13:59:46.5"), utc);
  EXPECT_TRUE(std::isnan(ParseTimestamp("2021-06-06T15:59:46+2")));
  EXPECT_TRUE(std::isnan(ParseTimestamp("2021-06-06T15:59:46+2400")));
}

TEST(FeatureExtractor, BadRowsCanBeSkipped) {
  auto batch = MakeBatch({{"1.2.3.4", "tcp", "80", "x", "S_", "-1", "100", "60"},
                          {"1.2.3.4", "tcp", "80", "1", "S_", "1", "100", "60"}});
  FeatureExtractor ex(Resolution(), "f.csv", true);
  FlowBatch out;
  uint64_t skipped = 0;
  std::string reason;
  ex.Extract(batch, out, skipped, reason);
  EXPECT_EQ(skipped, 1u);
  EXPECT_EQ(out.keep[0], 0);
  EXPECT_EQ(out.keep[1], 1);
  EXPECT_NE(reason.find("f.csv:2: column 'sport'"), std::string::npos) << reason;
}

}  // namespace
}  // namespace botrecon::features

namespace botrecon::features {
namespace {

// The fast decimal path must give exactly what strtod gives.
TEST(ParseNonNegative, FastPathIsExact) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    uint64_t mantissa = rng() % 100000000000000ULL;
    int decimals = static_cast<int>(rng() % 16);
    std::string text = std::to_string(mantissa);
    if (decimals > 0) {
      if (text.size() <= static_cast<size_t>(decimals)) text.insert(0, decimals - text.size() + 1, '0');
      text.insert(text.size() - decimals, ".");
    }
    double fast = 0;
    ASSERT_TRUE(ParseNonNegative(text, fast)) << text;
    EXPECT_EQ(fast, std::strtod(text.c_str(), nullptr)) << text;
  }
  for (const char* text : {"0.055283000000000006", "1313431402.17637", "9007199254740993", "0.1", "123456789.123456789"}) {
    double v = 0;
    ASSERT_TRUE(ParseNonNegative(text, v));
    EXPECT_EQ(v, std::strtod(text, nullptr)) << text;
  }
}

}  // namespace
}  // namespace botrecon::features
