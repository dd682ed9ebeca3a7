// Feature set 2 ("generalised"): port classes, TCP flags per direction from
// Argus and Zeek states, state classes, log-scaled sizes.
#include <gtest/gtest.h>

#include <cmath>

#include "models/flow_encoder.h"

namespace botrecon::models {
namespace {

using D = FlowEncoder::DecodedState;
constexpr unsigned S = FlowEncoder::kSyn, A = FlowEncoder::kAck, F = FlowEncoder::kFin, R = FlowEncoder::kRst,
                   P = FlowEncoder::kPsh;

TEST(GeneralisedEncoder, ArgusTcpStatesSplitIntoFlagsPerDirection) {
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "S_RA"), (D{FlowEncoder::kStateTcpFlags, S, R | A}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "FSPA_FSPA"), (D{0, F | S | P | A, F | S | P | A}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "SRPA_SPA"), (D{0, S | R | P | A, S | P | A}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "S_"), (D{0, S, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "_RA"), (D{0, 0, R | A}));
  // U (urgent) and E/C (ECN) are not inputs.
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "SEC_RA"), (D{0, S, R | A}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "PAU_A"), (D{0, P | A, A}));
}

TEST(GeneralisedEncoder, ArgusNonTcpStatesHaveNoFlagsAndAClass) {
  EXPECT_EQ(FlowEncoder::DecodeState("udp", "CON"), (D{FlowEncoder::kStateBoth, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("udp", "RSP"), (D{FlowEncoder::kStateBoth, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("udp", "INT"), (D{FlowEncoder::kStateOneWay, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("arp", "REQ"), (D{FlowEncoder::kStateOneWay, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("icmp", "ECO"), (D{FlowEncoder::kStateEcho, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("icmp", "ECR"), (D{FlowEncoder::kStateEcho, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("icmp", "URP"), (D{FlowEncoder::kStateUnreach, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("icmp", "URN"), (D{FlowEncoder::kStateUnreach, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("icmp", "URH"), (D{FlowEncoder::kStateUnreach, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("man", "STA"), (D{FlowEncoder::kStateOther, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("udp", ""), (D{-1, 0, 0}));
}

TEST(GeneralisedEncoder, ZeekConnStatesMapOntoTheSameFlags) {
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "S0"), (D{0, S, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "REJ"), FlowEncoder::DecodeState("tcp", "S_RA"));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "SF"), (D{0, S | A | F, S | A | F}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "S1"), (D{0, S | A, S | A}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "RSTO"), (D{0, S | A | R, S | A}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "RSTR"), (D{0, S | A, S | A | R}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "RSTOS0"), (D{0, S | R, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "SH"), (D{0, S | F, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("tcp", "OTH"), (D{0, A, A}));
  // Zeek uses conn_state for UDP/ICMP too: no flags, a class.
  EXPECT_EQ(FlowEncoder::DecodeState("udp", "S0"), (D{FlowEncoder::kStateOneWay, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("udp", "SF"), (D{FlowEncoder::kStateBoth, 0, 0}));
  EXPECT_EQ(FlowEncoder::DecodeState("icmp", "OTH"), (D{FlowEncoder::kStateBoth, 0, 0}));
}

TEST(GeneralisedEncoder, PortClassesAndKnownPorts) {
  EXPECT_EQ(FlowEncoder::PortClass(-1), -1);
  EXPECT_EQ(FlowEncoder::PortClass(0), 0);
  EXPECT_EQ(FlowEncoder::PortClass(1023), 0);
  EXPECT_EQ(FlowEncoder::PortClass(1024), 1);
  EXPECT_EQ(FlowEncoder::PortClass(49151), 1);
  EXPECT_EQ(FlowEncoder::PortClass(49152), 2);
  EXPECT_EQ(FlowEncoder::PortClass(65535), 2);
  for (int port : {25, 53, 80, 443, 22, 6667}) EXPECT_EQ(FlowEncoder::KnownPort(port), port);
  EXPECT_EQ(FlowEncoder::KnownPort(8081), 0);
  EXPECT_EQ(FlowEncoder::KnownPort(31337), 0);
  EXPECT_EQ(FlowEncoder::KnownPort(-1), -1);
  EXPECT_EQ(FlowEncoder::ProtoClass("tcp"), 1);
  EXPECT_EQ(FlowEncoder::ProtoClass("udp"), 2);
  EXPECT_EQ(FlowEncoder::ProtoClass("icmp"), 3);
  EXPECT_EQ(FlowEncoder::ProtoClass("ipv6-icmp"), 4);
  EXPECT_EQ(FlowEncoder::ProtoClass("gre"), 0);
  EXPECT_EQ(FlowEncoder::ProtoClass(""), -1);
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
