#include "detect/flow_class.h"

#include <gtest/gtest.h>

namespace botrecon::detect {
namespace {

TEST(DetectFlowClass, ArgusFlagPairs) {
  EXPECT_EQ(ClassifyState(Proto::kTcp, "S_"), Answer::kUnanswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "S_RA"), Answer::kRejected);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "SR_SA"), Answer::kAnswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "FSPA_FSPA"), Answer::kAnswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "PA_"), Answer::kUnknown);  // a flow cut mid-connection
}

TEST(DetectFlowClass, ArgusWordsAndZeek) {
  EXPECT_EQ(ClassifyState(Proto::kUdp, "INT"), Answer::kUnanswered);
  EXPECT_EQ(ClassifyState(Proto::kUdp, "CON"), Answer::kAnswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "REQ"), Answer::kUnanswered);
  EXPECT_EQ(ClassifyState(Proto::kIcmp, "ECO"), Answer::kUnanswered);
  EXPECT_EQ(ClassifyState(Proto::kIcmp, "ECR"), Answer::kAnswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "S0"), Answer::kUnanswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "REJ"), Answer::kRejected);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "SF"), Answer::kAnswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "RSTO"), Answer::kAnswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "OTH"), Answer::kUnknown);
  EXPECT_EQ(ClassifyState(Proto::kTcp, ""), Answer::kUnknown);
}

TEST(DetectFlowClass, NfdumpFlags) {
  EXPECT_EQ(ClassifyState(Proto::kTcp, "....S."), Answer::kUnanswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "......S."), Answer::kUnanswered);
  EXPECT_EQ(ClassifyState(Proto::kTcp, "...RS."), Answer::kRejected);
  EXPECT_EQ(ClassifyState(Proto::kTcp, ".AP.SF"), Answer::kAnswered);
  EXPECT_EQ(ClassifyState(Proto::kUdp, "......"), Answer::kUnknown);
}

TEST(DetectFlowClass, BytesWhenStateDoesNotDecide) {
  EXPECT_EQ(ClassifyFlow(Proto::kUdp, "", 100, 100, 2), Answer::kUnanswered);
  EXPECT_EQ(ClassifyFlow(Proto::kUdp, "", 300, 100, 2), Answer::kAnswered);
  EXPECT_EQ(ClassifyFlow(Proto::kUdp, "", -1, -1, 2), Answer::kUnknown);
  EXPECT_EQ(ClassifyFlow(Proto::kTcp, "RST", 100, 60, 2), Answer::kRejected);
  EXPECT_EQ(ClassifyFlow(Proto::kTcp, "RST", 5000, 600, 20), Answer::kAnswered);
  // ICMP error reports are never attempts, whatever the bytes say.
  EXPECT_EQ(ClassifyFlow(Proto::kIcmp, "URP", 100, 100, 1), Answer::kUnknown);
}

TEST(DetectFlowClass, PortsAndAddresses) {
  EXPECT_TRUE(IsIcmpEcho(Proto::kIcmp, "ECO", -1, -1));
  EXPECT_TRUE(IsIcmpEcho(Proto::kIcmp, "OTH", 8, 0));
  EXPECT_FALSE(IsIcmpEcho(Proto::kIcmp, "URP", 3, 3));
  EXPECT_TRUE(IsIcmpEcho(Proto::kIcmp6, "", 128, 0));
  EXPECT_TRUE(IsServicePort(53) && IsServicePort(123) && IsServicePort(5353) && IsServicePort(1900));
  EXPECT_FALSE(IsServicePort(443));
  auto ip = [](const char* text) { return *core::ParseIpAddress(text); };
  EXPECT_TRUE(IsMulticastOrBroadcast(ip("224.0.0.251")));
  EXPECT_TRUE(IsMulticastOrBroadcast(ip("192.168.1.255")));
  EXPECT_TRUE(IsMulticastOrBroadcast(ip("ff02::fb")));
  EXPECT_FALSE(IsMulticastOrBroadcast(ip("8.8.8.8")));
  EXPECT_TRUE(IsHome(ip("10.1.2.3"), nullptr));
  EXPECT_TRUE(IsHome(ip("172.31.0.1"), nullptr));
  EXPECT_FALSE(IsHome(ip("172.32.0.1"), nullptr));
  EXPECT_TRUE(IsHome(ip("fd00::1"), nullptr));
  EXPECT_FALSE(IsHome(ip("2001:db8::1"), nullptr));
  auto home = filter::AddressFilter::FromEntries({"147.32.0.0/16"});
  EXPECT_TRUE(IsHome(ip("147.32.84.165"), &home));
  EXPECT_FALSE(IsHome(ip("10.0.0.1"), &home));
}

}  // namespace
}  // namespace botrecon::detect
