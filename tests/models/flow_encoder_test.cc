#include "models/flow_encoder.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace botrecon::models {
namespace {

features::FlowBatch MakeBatch() {
  features::FlowBatch batch;
  batch.Resize(3);
  batch.proto = {"tcp", "igmp", ""};
  batch.state = {"S_RA", "CON", "FSPA_FSPA"};
  batch.dport = {80, 53, features::kMissing};
  batch.sport = {1234, 5353, 7};
  batch.dur = {1.5, features::kMissing, 0};
  batch.totbytes = {300, 100, features::kMissing};
  batch.srcbytes = {120, 60, 7};
  batch.bps = {1600, 0, 0};
  return batch;
}

FlowEncoder MakeEncoder() {
  const std::vector<std::string_view> protocols = {"udp", "TCP", "tcp", "", "icmp"};
  const std::vector<std::string_view> states = {"S_RA", "CON", "S_RA", "", "INT"};
  return FlowEncoder::Fit(protocols, states);
}

TEST(FlowEncoder, FitSortsDeduplicatesAndLowerCasesProtocols) {
  const FlowEncoder encoder = MakeEncoder();
  EXPECT_EQ(encoder.protocols(), (std::vector<std::string>{"icmp", "tcp", "udp"}));
  EXPECT_EQ(encoder.states(), (std::vector<std::string>{"CON", "INT", "S_RA"}));
  EXPECT_EQ(encoder.feature_set(), kFeatureSetOriginal);
}

TEST(FlowEncoder, CodesAreVocabularyIndicesOrMinusOne) {
  const FlowEncoder encoder = MakeEncoder();
  EXPECT_EQ(encoder.ProtoCode("icmp"), 0);
  EXPECT_EQ(encoder.ProtoCode("udp"), 2);
  EXPECT_EQ(encoder.ProtoCode("igmp"), -1);
  EXPECT_EQ(encoder.ProtoCode(""), -1);
  EXPECT_EQ(encoder.StateCode("S_RA"), 2);
  EXPECT_EQ(encoder.StateCode("s_ra"), -1);  // states are case-sensitive
  EXPECT_EQ(encoder.StateCode("zzz"), -1);
}

TEST(FlowEncoder, EncodeWritesInputsInModelOrder) {
  const FlowEncoder encoder = MakeEncoder();
  const features::FlowBatch batch = MakeBatch();
  double x[kNumOriginalFeatures];
  encoder.Encode(batch, 0, x);
  EXPECT_EQ(std::vector<double>(x, x + 8), (std::vector<double>{1, 80, 1234, 2, 1.5, 300, 120, 1600}));
  encoder.Encode(batch, 1, x);
  EXPECT_EQ(std::vector<double>(x, x + 8), (std::vector<double>{-1, 53, 5353, 0, -1, 100, 60, 0}));
  encoder.Encode(batch, 2, x);
  EXPECT_EQ(std::vector<double>(x, x + 8), (std::vector<double>{-1, -1, 7, -1, 0, -1, 7, 0}));
}

TEST(FlowEncoder, EncodeBlockMatchesEncodeWithStride) {
  const FlowEncoder encoder = MakeEncoder();
  features::FlowBatch batch = MakeBatch();
  constexpr size_t kStride = 10;
  std::vector<double> block(3 * kStride, 42.0);
  encoder.EncodeBlock(batch, 0, 3, block.data(), kStride);
  for (size_t row = 0; row < 3; ++row) {
    double x[kNumOriginalFeatures];
    encoder.Encode(batch, row, x);
    for (int f = 0; f < kNumOriginalFeatures; ++f) EXPECT_EQ(block[row * kStride + f], x[f]) << row << "," << f;
    EXPECT_EQ(block[row * kStride + 8], 42.0);  // padding untouched
  }
  std::vector<double> tail(8);
  encoder.EncodeBlock(batch, 1, 1, tail.data());
  EXPECT_EQ(tail[0], -1);
  EXPECT_EQ(tail[1], 53);
}

TEST(FlowEncoder, FeatureNames) {
  EXPECT_EQ(FlowEncoder::kFeatureNames[0], "proto");
  EXPECT_EQ(FlowEncoder::kFeatureNames[3], "state");
  EXPECT_EQ(FlowEncoder::kFeatureNames[7], "bps");
}

TEST(FlowEncoder, ConstructorRejectsInvalidVocabularies) {
  EXPECT_THROW(FlowEncoder({"udp", "tcp"}, {}), std::invalid_argument);
  EXPECT_THROW(FlowEncoder({"tcp", "tcp"}, {}), std::invalid_argument);
  EXPECT_THROW(FlowEncoder({"TCP"}, {}), std::invalid_argument);
  EXPECT_THROW(FlowEncoder({}, {""}), std::invalid_argument);
  EXPECT_NO_THROW(FlowEncoder({"tcp", "udp"}, {"CON", "S_RA"}));
  EXPECT_EQ(FlowEncoder::VocabularyDefect(nullptr, "", false), std::string("empty entry"));
}

}  // namespace
}  // namespace botrecon::models
