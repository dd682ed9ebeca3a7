#include "pipeline/labelled_flows.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace botrecon::pipeline {
namespace {

TEST(ParseLabel, Ctu13AndOtherConventions) {
  EXPECT_EQ(ParseLabel("flow=From-Botnet-V47-TCP-Attempt-SPAM"), 1);
  EXPECT_EQ(ParseLabel("flow=From-Normal-V47-Grill"), 0);
  EXPECT_EQ(ParseLabel("flow=To-Background-UDP-CVUT-DNS-Server"), 0);
  EXPECT_EQ(ParseLabel("flow=Background"), 0);
  EXPECT_EQ(ParseLabel("Malicious   PartOfAHorizontalPortScan"), 1);
  EXPECT_EQ(ParseLabel("Benign"), 0);
  EXPECT_EQ(ParseLabel("1"), 1);
  EXPECT_EQ(ParseLabel("0"), 0);
}

TEST(ParseStartTime, ArgusAndEpoch) {
  auto a = ParseStartTime("2011/08/16 10:01:46.972101");
  auto b = ParseStartTime("2011/08/16 11:11:46.972101");
  ASSERT_TRUE(a && b);
  EXPECT_NEAR(*b - *a, 4200.0, 1e-6);
  EXPECT_NEAR(*ParseStartTime("1970/01/02 00:00:00"), 86400.0, 1e-9);
  EXPECT_EQ(*ParseStartTime("1313431402.17637"), 1313431402.17637);
  EXPECT_FALSE(ParseStartTime("yesterday"));
  EXPECT_FALSE(ParseStartTime("2011/13/16 10:01:46"));
}

TEST(LabelledFlows, TimeWindowsAndExclusion) {
  const std::string s5 = std::string(BOTRECON_SHARED_DATA) + "/ctu13/scenario5-virut-head.binetflow";
  LabelOptions all;
  LabelledFlows everything;
  everything.Append(s5, std::nullopt, all);
  EXPECT_EQ(everything.size(), 531u);
  EXPECT_EQ(everything.positives(), 0u);

  LabelOptions first;
  first.to_minutes = 1;
  LabelOptions rest;
  rest.from_minutes = 1;
  LabelledFlows a, b;
  a.Append(s5, std::nullopt, first);
  b.Append(s5, std::nullopt, rest);
  EXPECT_GT(a.size(), 0u);
  EXPECT_GT(b.size(), 0u);
  EXPECT_EQ(a.size() + b.size(), 531u);

  // Excluding a file's own flows leaves nothing.
  auto keys = LoadFlowKeys(s5, std::nullopt);
  LabelOptions excluding;
  excluding.exclude = &keys;
  LabelledFlows none;
  none.Append(s5, std::nullopt, excluding);
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.excluded(), 531u);
}

TEST(LabelledFlows, FixedLabel) {
  LabelOptions options;
  options.fixed_label = 1;
  LabelledFlows flows;
  flows.Append(std::string(BOTRECON_SHARED_DATA) + "/original-tests/filter.csv", std::nullopt, options);
  EXPECT_EQ(flows.size(), 20u);
  EXPECT_EQ(flows.positives(), 20u);
}

TEST(LabelledFlows, InfectedHostsLabelBySource) {
  const std::string s5 = std::string(BOTRECON_SHARED_DATA) + "/ctu13/scenario5-virut-head.binetflow";
  LabelledFlows all;
  all.Append(s5, std::nullopt, LabelOptions{});
  size_t expected = 0;
  for (size_t r = 0; r < all.size(); ++r) expected += all.flows().srcaddr[r].starts_with("147.32.");
  ASSERT_GT(expected, 0u);
  ASSERT_LT(expected, all.size());

  auto infected = filter::AddressFilter::FromEntries({"147.32.0.0/16"});
  LabelOptions options;  // the file has a label column: --infected takes precedence
  options.infected = &infected;
  LabelledFlows flows;
  EXPECT_EQ(flows.Append(s5, std::nullopt, options), LabelSource::kInfected);
  ASSERT_EQ(flows.size(), all.size());
  EXPECT_EQ(flows.positives(), expected);
  for (size_t r = 0; r < flows.size(); ++r) {
    EXPECT_EQ(flows.labels()[r], flows.flows().srcaddr[r].starts_with("147.32.") ? 1 : 0) << r;
  }
  options.fixed_label = 0;  // a fixed label wins over both
  LabelledFlows fixed;
  EXPECT_EQ(fixed.Append(s5, std::nullopt, options), LabelSource::kFixed);
  EXPECT_EQ(fixed.positives(), 0u);
}

TEST(LabelledFlows, MissingLabelColumnLabelledByHost) {
  const std::string filter_csv = std::string(BOTRECON_SHARED_DATA) + "/original-tests/filter.csv";
  auto infected = filter::AddressFilter::FromEntries({"147.32.84.208", "147.32.84.209"});
  LabelOptions options;
  options.allow_missing_label = true;
  options.missing_label_infected = &infected;
  LabelledFlows flows;
  EXPECT_EQ(flows.Append(filter_csv, std::nullopt, options), LabelSource::kNone);
  EXPECT_EQ(flows.size(), 20u);
  EXPECT_EQ(flows.positives(), 2u);  // one row each from .208 and .209
}

TEST(LabelledFlows, MissingLabelColumn) {
  const std::string filter_csv = std::string(BOTRECON_SHARED_DATA) + "/original-tests/filter.csv";
  LabelOptions strict;
  LabelledFlows none;
  EXPECT_THROW(none.Append(filter_csv, std::nullopt, strict), core::InputError);
  strict.missing_label_hint = "try --infected";
  try {
    none.Append(filter_csv, std::nullopt, strict);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no label column 'label'; try --infected"), std::string::npos) << e.what();
  }

  LabelOptions lenient;
  lenient.allow_missing_label = true;
  LabelledFlows flows;
  EXPECT_EQ(flows.Append(filter_csv, std::nullopt, lenient), LabelSource::kNone);
  EXPECT_EQ(flows.size(), 20u);
  EXPECT_EQ(flows.positives(), 0u);
  lenient.fixed_label = 1;
  EXPECT_EQ(flows.Append(filter_csv, std::nullopt, lenient), LabelSource::kFixed);
  EXPECT_EQ(flows.Append(std::string(BOTRECON_SHARED_DATA) + "/ctu13/scenario5-virut-head.binetflow", std::nullopt, {}),
            LabelSource::kColumn);
}

}  // namespace
}  // namespace botrecon::pipeline
