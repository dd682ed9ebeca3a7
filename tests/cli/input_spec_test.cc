#include "cli/input_spec.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace botrecon::cli {
namespace {

TEST(InputSpec, PlainPath) {
  InputSpec spec = ParseInputSpec("flows.binetflow", "train");
  EXPECT_EQ(spec.path, "flows.binetflow");
  EXPECT_FALSE(spec.window);
  // An '@' without a window is part of the path.
  EXPECT_EQ(ParseInputSpec("dir@host/flows.csv", "train").path, "dir@host/flows.csv");
  EXPECT_FALSE(ParseInputSpec("dir@host/flows.csv", "train").window);
}

TEST(InputSpec, Windows) {
  InputSpec both = ParseInputSpec("a@b.csv@10:70.5", "train");
  EXPECT_EQ(both.path, "a@b.csv");
  ASSERT_TRUE(both.window);
  EXPECT_EQ(both.window->from_minutes, 10);
  EXPECT_EQ(both.window->to_minutes, 70.5);
  InputSpec from = ParseInputSpec("s6.binetflow@70:", "evaluate");
  EXPECT_EQ(from.path, "s6.binetflow");
  EXPECT_EQ(from.window->from_minutes, 70);
  EXPECT_EQ(from.window->to_minutes, -1);
  InputSpec to = ParseInputSpec("s6.binetflow@:70", "evaluate");
  EXPECT_EQ(to.window->from_minutes, -1);
  EXPECT_EQ(to.window->to_minutes, 70);
}

TEST(InputSpec, BadWindowNamesTheCommand) {
  try {
    ParseInputSpec("s6.binetflow@x:70", "evaluate");
    FAIL();
  } catch (const core::UsageError& e) {
    EXPECT_STREQ(e.what(), "evaluate: bad time window 'x:70' in 's6.binetflow@x:70'; expected FROM:TO minutes");
  }
  EXPECT_THROW(ParseInputSpec("s6.binetflow@-1:70", "train"), core::UsageError);
  EXPECT_THROW(ParseInputSpec("s6.binetflow@1:2:3", "train"), core::UsageError);
}

TEST(InputSpec, PerFileLabelAndInfectedHosts) {
  InputSpec labelled = ParseInputSpec("normal.csv#label=0", "train");
  EXPECT_EQ(labelled.path, "normal.csv");
  ASSERT_TRUE(labelled.label);
  EXPECT_EQ(*labelled.label, 0);
  EXPECT_TRUE(labelled.infected.empty());
  InputSpec windowed = ParseInputSpec("s5.binetflow#label=1@:70", "train");
  EXPECT_EQ(windowed.path, "s5.binetflow");
  EXPECT_EQ(*windowed.label, 1);
  ASSERT_TRUE(windowed.window);
  EXPECT_EQ(windowed.window->to_minutes, 70);

  InputSpec infected = ParseInputSpec("storm.csv#infected=10.0.1.1,,2001:db8::/32,hosts.txt@5:", "evaluate");
  EXPECT_EQ(infected.path, "storm.csv");
  EXPECT_FALSE(infected.label);
  EXPECT_EQ(infected.infected, (std::vector<std::string>{"10.0.1.1", "2001:db8::/32", "hosts.txt"}));
  ASSERT_TRUE(infected.window);
  EXPECT_EQ(infected.window->from_minutes, 5);
  EXPECT_TRUE(ParseInputSpec("plain.csv", "train").infected.empty());
  EXPECT_FALSE(ParseInputSpec("plain.csv", "train").label);
}

TEST(InputSpec, BadPerFileLabels) {
  try {
    ParseInputSpec("x.csv#label=2", "evaluate");
    FAIL();
  } catch (const core::UsageError& e) {
    EXPECT_STREQ(e.what(), "evaluate: bad per-file label '2' in 'x.csv#label=2'; expected #label=0 or #label=1");
  }
  try {
    ParseInputSpec("x.csv#infected=,", "train");
    FAIL();
  } catch (const core::UsageError& e) {
    EXPECT_STREQ(e.what(), "train: 'x.csv#infected=,': #infected= needs at least one address or network");
  }
}

}  // namespace
}  // namespace botrecon::cli

namespace botrecon::cli {
namespace {

TEST(SplitWindows, PathsAndPerFileWindows) {
  WindowedInputs split = SplitWindows({"a.csv", "b.binetflow@10:20", "-", "c.csv@:5"}, "");
  EXPECT_EQ(split.paths, (std::vector<std::string>{"a.csv", "b.binetflow", "-", "c.csv"}));
  ASSERT_EQ(split.windows.size(), 4u);
  EXPECT_FALSE(split.windows[0]);
  EXPECT_EQ(split.windows[1]->from_minutes, 10);
  EXPECT_EQ(split.windows[1]->to_minutes, 20);
  EXPECT_FALSE(split.windows[2]);
  EXPECT_EQ(split.windows[3]->from_minutes, -1);
  EXPECT_EQ(split.windows[3]->to_minutes, 5);
}

TEST(SplitWindows, LabelsAndBadWindowsAreUsageErrors) {
  EXPECT_THROW(SplitWindows({"a.csv#label=1@1:2"}, ""), core::UsageError);
  try {
    SplitWindows({"a.csv@x:2"}, "");
    FAIL();
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("scan: bad time window 'x:2'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace botrecon::cli
