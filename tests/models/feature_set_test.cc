// The feature sets: the input tables, and set 2's ("generalised") encodings:
// port classes, TCP flags per direction from Argus and Zeek states, state
// classes, log-scaled sizes.
#include "models/feature_set.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/flow_encoder.h"

namespace botrecon::models {
namespace {

using D = DecodedState;
constexpr unsigned S = kSyn, A = kAck, F = kFin, R = kRst, P = kPsh;

TEST(FeatureSet, TablesListEveryInputOnce) {
  ASSERT_EQ(FeaturesOf(kFeatureSetOriginal).size(), 8u);
  ASSERT_EQ(FeaturesOf(kFeatureSetGeneralised).size(), 19u);
  EXPECT_TRUE(FeaturesOf(3).empty());
  for (uint32_t set : {kFeatureSetOriginal, kFeatureSetGeneralised}) {
    const auto specs = FeaturesOf(set);
    for (size_t a = 0; a < specs.size(); ++a) {
      for (size_t b = a + 1; b < specs.size(); ++b) EXPECT_NE(specs[a].name, specs[b].name) << set;
    }
  }
  EXPECT_EQ(kOriginalFeatureNames[1], "dport");
  EXPECT_EQ(kGeneralisedFeatureNames[kDportKnown], "dport_known");
  EXPECT_EQ(kGeneralisedFeatures[kDportKnown].max_value, 8080);
  EXPECT_EQ(kOriginalFeatures[4].column, &features::FlowBatch::dur);
}

TEST(FeatureSet, IntegerRangesCoverEveryEncodedValue) {
  // Set 2: every integer input's encoded values stay in -1..max_value.
  EXPECT_EQ(ProtoClass("arp"), kMaxProtoClass);
  EXPECT_EQ(PortClass(65535), kMaxPortClass);
  const FlowEncoder generalised = FlowEncoder::Generalised();
  EXPECT_EQ(generalised.MaxIntegerValue(kProtoCode), kMaxProtoClass);
  EXPECT_EQ(generalised.MaxIntegerValue(kStateClassInput), kStateOther);
  EXPECT_EQ(generalised.MaxIntegerValue(kSrcFlags), 1);
  EXPECT_EQ(generalised.MaxIntegerValue(kLogBps), -1);
  // Set 1: vocabulary codes go up to the vocabulary's size - 1.
  const FlowEncoder original({"tcp", "udp"}, {"CON", "INT", "S_RA"});
  EXPECT_EQ(original.MaxIntegerValue(0), 1);
  EXPECT_EQ(original.MaxIntegerValue(1), 65535);
  EXPECT_EQ(original.MaxIntegerValue(3), 2);
  EXPECT_EQ(original.MaxIntegerValue(4), -1);
}

TEST(GeneralisedEncoder, ArgusTcpStatesSplitIntoFlagsPerDirection) {
  EXPECT_EQ(DecodeState("tcp", "S_RA"), (D{kStateTcpFlags, S, R | A}));
  EXPECT_EQ(DecodeState("tcp", "FSPA_FSPA"), (D{0, F | S | P | A, F | S | P | A}));
  EXPECT_EQ(DecodeState("tcp", "SRPA_SPA"), (D{0, S | R | P | A, S | P | A}));
  EXPECT_EQ(DecodeState("tcp", "S_"), (D{0, S, 0}));
  EXPECT_EQ(DecodeState("tcp", "_RA"), (D{0, 0, R | A}));
  // U (urgent) and E/C (ECN) are not inputs.
  EXPECT_EQ(DecodeState("tcp", "SEC_RA"), (D{0, S, R | A}));
  EXPECT_EQ(DecodeState("tcp", "PAU_A"), (D{0, P | A, A}));
}

TEST(GeneralisedEncoder, ArgusNonTcpStatesHaveNoFlagsAndAClass) {
  EXPECT_EQ(DecodeState("udp", "CON"), (D{kStateBoth, 0, 0}));
  EXPECT_EQ(DecodeState("udp", "RSP"), (D{kStateBoth, 0, 0}));
  EXPECT_EQ(DecodeState("udp", "INT"), (D{kStateOneWay, 0, 0}));
  EXPECT_EQ(DecodeState("arp", "REQ"), (D{kStateOneWay, 0, 0}));
  EXPECT_EQ(DecodeState("icmp", "ECO"), (D{kStateEcho, 0, 0}));
  EXPECT_EQ(DecodeState("icmp", "ECR"), (D{kStateEcho, 0, 0}));
  EXPECT_EQ(DecodeState("icmp", "URP"), (D{kStateUnreach, 0, 0}));
  EXPECT_EQ(DecodeState("icmp", "URN"), (D{kStateUnreach, 0, 0}));
  EXPECT_EQ(DecodeState("icmp", "URH"), (D{kStateUnreach, 0, 0}));
  EXPECT_EQ(DecodeState("man", "STA"), (D{kStateOther, 0, 0}));
  EXPECT_EQ(DecodeState("udp", ""), (D{-1, 0, 0}));
}

TEST(GeneralisedEncoder, ZeekConnStatesMapOntoTheSameFlags) {
  EXPECT_EQ(DecodeState("tcp", "S0"), (D{0, S, 0}));
  EXPECT_EQ(DecodeState("tcp", "REJ"), DecodeState("tcp", "S_RA"));
  EXPECT_EQ(DecodeState("tcp", "SF"), (D{0, S | A | F, S | A | F}));
  EXPECT_EQ(DecodeState("tcp", "S1"), (D{0, S | A, S | A}));
  EXPECT_EQ(DecodeState("tcp", "RSTO"), (D{0, S | A | R, S | A}));
  EXPECT_EQ(DecodeState("tcp", "RSTR"), (D{0, S | A, S | A | R}));
  EXPECT_EQ(DecodeState("tcp", "RSTOS0"), (D{0, S | R, 0}));
  EXPECT_EQ(DecodeState("tcp", "SH"), (D{0, S | F, 0}));
  EXPECT_EQ(DecodeState("tcp", "OTH"), (D{0, A, A}));
  // Zeek uses conn_state for UDP/ICMP too: no flags, a class.
  EXPECT_EQ(DecodeState("udp", "S0"), (D{kStateOneWay, 0, 0}));
  EXPECT_EQ(DecodeState("udp", "SF"), (D{kStateBoth, 0, 0}));
  EXPECT_EQ(DecodeState("icmp", "OTH"), (D{kStateBoth, 0, 0}));
}

TEST(GeneralisedEncoder, PortClassesAndKnownPorts) {
  EXPECT_EQ(PortClass(-1), -1);
  EXPECT_EQ(PortClass(0), 0);
  EXPECT_EQ(PortClass(1023), 0);
  EXPECT_EQ(PortClass(1024), 1);
  EXPECT_EQ(PortClass(49151), 1);
  EXPECT_EQ(PortClass(49152), 2);
  EXPECT_EQ(PortClass(65535), 2);
  for (int port : {25, 53, 80, 443, 22, 6667}) EXPECT_EQ(KnownPort(port), port);
  EXPECT_EQ(KnownPort(8081), 0);
  EXPECT_EQ(KnownPort(31337), 0);
  EXPECT_EQ(KnownPort(-1), -1);
  EXPECT_EQ(ProtoClass("tcp"), 1);
  EXPECT_EQ(ProtoClass("udp"), 2);
  EXPECT_EQ(ProtoClass("icmp"), 3);
  EXPECT_EQ(ProtoClass("ipv6-icmp"), 4);
  EXPECT_EQ(ProtoClass("gre"), 0);
  EXPECT_EQ(ProtoClass(""), -1);
}

TEST(GeneralisedEncoder, EncodeWritesAllInputs) {
  features::FlowBatch batch;
  batch.Resize(2);
  batch.proto = {"tcp", "udp"};
  batch.state = {"S_RA", "INT"};
  batch.dport = {443, 31337};
  batch.sport = {51000, features::kMissing};
  batch.dur = {1.5, features::kMissing};
  batch.totbytes = {300, 0};
  batch.srcbytes = {120, 0};
  batch.bps = {1600, 0};
  const FlowEncoder encoder = FlowEncoder::Generalised();
  ASSERT_EQ(encoder.n_features(), 19);
  ASSERT_EQ(encoder.feature_set(), kFeatureSetGeneralised);
  ASSERT_EQ(encoder.feature_names().size(), 19u);
  double x[2][19];
  encoder.Encode(batch, 0, x[0]);
  const double want0[19] = {1, 0, 443, 2, 0, /*src*/ 1, 0, 0, 0, 0, /*dst*/ 0, 1, 0, 1, 0,
                            std::log1p(1.5), std::log1p(300), 0.4, std::log1p(1600)};
  for (int f = 0; f < 19; ++f) EXPECT_DOUBLE_EQ(x[0][f], want0[f]) << encoder.feature_names()[f];
  encoder.Encode(batch, 1, x[1]);
  const double want1[19] = {2, 1, 0, -1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, -1, 0};
  for (int f = 0; f < 19; ++f) EXPECT_DOUBLE_EQ(x[1][f], want1[f]) << encoder.feature_names()[f];
  // EncodeBlock gives the same rows, with a stride.
  double block[2 * 20];
  encoder.EncodeBlock(batch, 0, 2, block, 20);
  for (int r = 0; r < 2; ++r) {
    for (int f = 0; f < 19; ++f) EXPECT_EQ(block[r * 20 + f], x[r][f]);
  }
}

TEST(GeneralisedEncoder, OriginalSetIsUnchanged) {
  const FlowEncoder original;
  EXPECT_EQ(original.feature_set(), kFeatureSetOriginal);
  EXPECT_EQ(original.n_features(), 8);
  EXPECT_FALSE(original == FlowEncoder::Generalised());
}

}  // namespace
}  // namespace botrecon::models
